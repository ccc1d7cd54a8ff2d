// Room for a string of many megabytes (a TaskContent, its answer), backed by
// huge pages where the kernel offers them on request.
//
// glibc maps a block this large afresh for every allocation, and each of its
// 4 KiB pages then costs a page fault on first write: for the 38 MB of a
// 10,000-table TaskContent, some 9,300 faults, most of the time it took to
// copy the pieces together (bench/gen_scale, perf). With the region advised
// for transparent huge pages (Linux, THP in "madvise" or "always" mode) it
// takes a few dozen. Elsewhere, or when THP is off, this is a plain reserve.
#ifndef DISYNC_COMMON_LARGE_BUFFER_H_
#define DISYNC_COMMON_LARGE_BUFFER_H_

#include <cstddef>
#include <string>

namespace disync {

// Below this a reserve is all it does.
inline constexpr size_t kLargeBufferBytes = size_t{4} << 20;

// Reserves room for `size` more bytes in `*out` (its size is unchanged) and,
// for kLargeBufferBytes or more, advises the kernel to back the room with
// huge pages. Advice only: failures are ignored.
void ReserveLarge(std::string* out, size_t size);

}  // namespace disync

#endif  // DISYNC_COMMON_LARGE_BUFFER_H_
