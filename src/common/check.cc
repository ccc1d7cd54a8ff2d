#include "common/check.h"

#include <cstdio>
#include <cstdlib>

namespace disync::internal {

void CheckFailed(const char* condition, const char* file, int line) {
  std::fprintf(stderr, "disync: check failed: %s at %s:%d\n", condition, file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace disync::internal
