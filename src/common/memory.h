// PrefaultForWrite: backs a buffer that is about to be written with memory
// in one system call, instead of one page fault per page at its first write.
//
// A buffer that malloc's heap has to grow for (the first large generation,
// and the first after an idle trim, IdleTrim below) is fresh memory: each
// of its pages faults in when it is first written. Where a fault is
// expensive, as under some hypervisors, that dominated a 10,000-table
// generation: on the project's machine on 2026-11-26 writing 1 GiB page by
// page took 2.8 s, and populating it with madvise(MADV_POPULATE_WRITE)
// 0.13 s (bench/README.md).
//
// Best effort: nothing happens for ranges under kMinPrefaultBytes, and on a
// kernel without MADV_POPULATE_WRITE (before Linux 5.14) or under memory
// pressure the pages simply fault in as before. Only the pages wholly inside
// the range are populated; what they hold is kept. Populate no more than will
// be written: populated memory is resident.
//
// Stateless; safe from any thread.
#ifndef DISYNC_COMMON_MEMORY_H_
#define DISYNC_COMMON_MEMORY_H_

#include <chrono>
#include <cstddef>
#include <optional>

namespace disync {

inline constexpr size_t kMinPrefaultBytes = size_t{256} << 10;

// disyncd's malloc (server/main.cc) keeps every block in one heap, none in
// a mapping of its own, and leaves up to this much free memory at the top
// of the heap when a block is freed: a 10,000-table generation's, so that
// the next one reuses it. IdleTrim gives it back once generations stop.
inline constexpr size_t kMallocTrimThresholdBytes = size_t{128} << 20;

void PrefaultForWrite(void* data, size_t size);

// IdleTrim: when the memory that large pieces of work (generations) leave
// free in malloc's heap goes back to the system. It stays there while
// such work follows such work, warm for the next: on the project's machine,
// writing 45 MB of fresh memory took 140-190 ms (80-110 ms with
// MADV_POPULATE_WRITE first), and 2.3-3.1 ms once its pages were in place.
// Once nothing has run for `idle` after a large piece of work, Due says so,
// once, and the caller calls malloc_trim.
//
// Not thread-safe: the caller serialises its calls (WorkerPool, under its
// mutex).
class IdleTrim {
 public:
  using Clock = std::chrono::steady_clock;
  explicit IdleTrim(Clock::duration idle) : idle_(idle) {}

  // A piece of work started (how much memory it leaves is not known yet).
  void Began() { ++running_; }
  // It ended; `large`: it left much memory free. Any work that ends while a
  // trim is pending puts the trim off.
  void Ended(Clock::time_point now, bool large);
  // True once per quiet period: nothing running, and `idle` since the last
  // work ended that followed a large one.
  bool Due(Clock::time_point now);

 private:
  const Clock::duration idle_;
  int running_ = 0;
  std::optional<Clock::time_point> due_;
};

}  // namespace disync

#endif  // DISYNC_COMMON_MEMORY_H_
