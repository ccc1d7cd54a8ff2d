#include "common/large_buffer.h"

#include <cstdint>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace disync {

void ReserveLarge(std::string* out, size_t size) {
  out->reserve(out->size() + size);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (size < kLargeBufferBytes) return;
  // The whole 2 MiB pages inside the room not yet written.
  constexpr uintptr_t kHugePage = uintptr_t{2} << 20;
  const auto first = reinterpret_cast<uintptr_t>(out->data() + out->size());
  const auto last = reinterpret_cast<uintptr_t>(out->data() + out->capacity());
  const uintptr_t begin = (first + kHugePage - 1) & ~(kHugePage - 1);
  const uintptr_t end = last & ~(kHugePage - 1);
  if (begin < end) {
    (void)::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#endif
}

}  // namespace disync
