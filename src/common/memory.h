// PrefaultForWrite: backs a buffer that is about to be written with memory
// in one system call, instead of one page fault per page at its first write.
//
// A large buffer (the rendered pieces of a TaskContent, the joined
// TaskContent, its escaped literal, a large answer's body) is a fresh
// mapping: disyncd caps malloc's mmap threshold so that a generation's
// memory goes back to the system (server/main.cc). Each of its pages then
// faults in when it is first written. Where a fault is expensive, as under
// some hypervisors, that dominated a 10,000-table generation: on the
// project's machine on 2026-11-26 writing 1 GiB page by page took 2.8 s, and
// populating it with madvise(MADV_POPULATE_WRITE) 0.13 s (bench/README.md).
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

#include <cstddef>

namespace disync {

inline constexpr size_t kMinPrefaultBytes = size_t{256} << 10;

// The size from which malloc maps a block of its own (server/main.cc sets
// it, and keeps it from rising). A block under it is reused from malloc's
// arenas once freed; one at or above it is a fresh mapping every time.
inline constexpr size_t kMallocMmapThresholdBytes = size_t{1} << 20;

void PrefaultForWrite(void* data, size_t size);

}  // namespace disync

#endif  // DISYNC_COMMON_MEMORY_H_
