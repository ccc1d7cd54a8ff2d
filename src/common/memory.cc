#include "common/memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace disync {

void PrefaultForWrite(void* data, size_t size) {
#if defined(MADV_POPULATE_WRITE)
  if (data == nullptr || size < kMinPrefaultBytes) return;
  static const uintptr_t page = static_cast<uintptr_t>(::sysconf(_SC_PAGESIZE));
  const uintptr_t start = reinterpret_cast<uintptr_t>(data);
  const uintptr_t first = (start + page - 1) & ~(page - 1);
  const uintptr_t last = (start + size) & ~(page - 1);
  if (last <= first) return;
  // Errors (EINVAL on older kernels, ENOMEM, EFAULT) leave the pages to fault in.
  (void)::madvise(reinterpret_cast<void*>(first), last - first, MADV_POPULATE_WRITE);
#else
  (void)data;
  (void)size;
#endif
}

void IdleTrim::Ended(Clock::time_point now, bool large) {
  if (running_ > 0) --running_;
  if (large || due_.has_value()) due_ = now + idle_;
}

bool IdleTrim::Due(Clock::time_point now) {
  if (!due_.has_value() || running_ > 0 || now < *due_) return false;
  due_.reset();
  return true;
}

}  // namespace disync
