// PreparedContents: the TaskContent of a process that has just succeeded,
// already escaped as a JSON string literal, kept for the Query that fetches
// it.
//
// Clients poll QueryDISyncTaskConfigProcessResult until the process
// succeeds, then take its TaskContent. For 10,000 tables that answer meant
// reading 38 MB back from the store and escaping them into 45 MB: about
// 100 ms after the store's commit, with the second core idle (bench/gen_scale,
// perf). The worker now escapes the content on a second thread while it
// stores it (WorkerPool) and leaves the literal here; the first JSON answer
// that carries it takes it (api/async_config.cc). Any later answer, or one
// for a literal dropped from here, reads the store as before.
//
// The worker announces the literal (Expect) before its commit makes the
// success visible, so that an answer that finds it announced (Holds) and
// then the process succeeded waits for the hand-over (Fulfil or Abandon)
// instead of reading the store. An answer that looked before the
// announcement reads the store; the literal then waits for its age limit.
//
// Bounded: at most `budget_bytes` of literals are held; the oldest are
// dropped to make room, and so is any literal older than kMaxAge when the
// next one is handed over. A literal is handed out once. Thread-safe.
#ifndef DISYNC_JOBS_PREPARED_CONTENTS_H_
#define DISYNC_JOBS_PREPARED_CONTENTS_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string_view>
#include <vector>

#include "common/ids.h"

namespace disync::jobs {

class PreparedContents {
 public:
  // Smaller contents are escaped fast enough when they are asked for.
  static constexpr size_t kMinContentBytes = size_t{1} << 20;
  static constexpr size_t kDefaultBudgetBytes = size_t{256} << 20;
  static constexpr std::chrono::minutes kMaxAge{10};

  explicit PreparedContents(size_t budget_bytes = kDefaultBudgetBytes) : budget_(budget_bytes) {}

  // Whether a content of `content_bytes` is worth preparing and could be kept.
  bool Worthwhile(size_t content_bytes) const;

  // The literal of `id` is being prepared: Take waits for Fulfil or Abandon.
  void Expect(ProcessId id);
  void Fulfil(ProcessId id, std::vector<std::uint8_t> literal);
  void Abandon(ProcessId id);

  // Whether the literal of `id` is expected or here (another answer may
  // take it meanwhile).
  bool Holds(ProcessId id) const;
  // The literal of `id`, removed from here, after waiting up to `patience`
  // while it is expected; nullopt when there is none (or it is late).
  std::optional<std::vector<std::uint8_t>> Take(ProcessId id, std::chrono::milliseconds patience);

  size_t held_bytes() const;

 private:
  using SteadyClock = std::chrono::steady_clock;
  struct Entry {
    ProcessId id;
    bool ready = false;
    std::vector<std::uint8_t> literal;
    SteadyClock::time_point since;
  };
  // Drops ready entries, oldest first, while `incoming` more bytes would not
  // fit or they are older than kMaxAge.
  void MakeRoomLocked(size_t incoming, SteadyClock::time_point now);

  const size_t budget_;
  mutable std::mutex mu_;
  std::condition_variable changed_;
  size_t held_ = 0;           // guarded by mu_
  std::list<Entry> entries_;  // oldest first; guarded by mu_
};

}  // namespace disync::jobs

#endif  // DISYNC_JOBS_PREPARED_CONTENTS_H_
