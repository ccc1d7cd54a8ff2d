// DISYNC_CHECK: invariants. A failed check is a bug in disync, never a
// property of user input; it logs the condition and aborts.
#ifndef DISYNC_COMMON_CHECK_H_
#define DISYNC_COMMON_CHECK_H_

namespace disync::internal {
[[noreturn]] void CheckFailed(const char* condition, const char* file, int line);
}  // namespace disync::internal

#define DISYNC_CHECK(cond)                                              \
  do {                                                                  \
    if (!(cond)) ::disync::internal::CheckFailed(#cond, __FILE__, __LINE__); \
  } while (0)

#endif  // DISYNC_COMMON_CHECK_H_
