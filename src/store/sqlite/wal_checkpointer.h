// Internal to src/store/sqlite: checkpoints a WAL-mode database from a
// thread and a connection of its own, so that no commit of a request pays
// for copying the log into the database file.
//
// SQLite's automatic checkpoint runs inside the commit that takes the WAL
// past its threshold, on the committing connection: the commit of a
// 38 MB TaskContent spent about 40 ms of its 160 ms checkpointing, with the
// store's one mutex held, so every request behind it waited too. Here the
// writer's WAL hook only signals; this thread runs a PASSIVE checkpoint
// (never blocking readers or the writer) whenever the WAL holds at least
// `threshold_pages` pages, and one more when it stops. The thread runs at a
// lower priority (nice 10): it is upkeep, not an answer.
//
// Thread-safety: the hook runs on the writer's thread, the checkpoint on the
// checkpointer's; construction and destruction on the owner's thread, while
// the writer connection is open and not in use.
#ifndef DISYNC_STORE_SQLITE_WAL_CHECKPOINTER_H_
#define DISYNC_STORE_SQLITE_WAL_CHECKPOINTER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/result.h"

struct sqlite3;

namespace disync::store::sqlite_internal {

class WalCheckpointer {
 public:
  // SQLite's own default threshold (SQLITE_DEFAULT_WAL_AUTOCHECKPOINT).
  static constexpr int kDefaultThresholdPages = 1000;

  // Opens a second connection to `path` and takes over checkpointing from
  // `writer` (its automatic checkpoint is replaced by the hook).
  static Result<std::unique_ptr<WalCheckpointer>> Start(const std::string& path, sqlite3* writer,
                                                        int threshold_pages);
  // Restores `writer`'s hook to none, checkpoints once more, stops.
  ~WalCheckpointer();
  WalCheckpointer(const WalCheckpointer&) = delete;
  WalCheckpointer& operator=(const WalCheckpointer&) = delete;

  // Checkpoints run so far (for tests).
  int64_t checkpoints() const;
  // Blocks until `count` checkpoints have run or `deadline` passes; whether
  // they ran (for tests).
  bool WaitForCheckpoints(int64_t count, std::chrono::steady_clock::time_point deadline) const;

 private:
  WalCheckpointer(sqlite3* db, sqlite3* writer, int threshold_pages);

  static int OnCommit(void* self, sqlite3* db, const char* schema, int wal_pages);
  void Loop();
  void Checkpoint();

  sqlite3* const db_;      // owned: the checkpoint connection
  sqlite3* const writer_;  // not owned
  const int threshold_pages_;
  mutable std::mutex mu_;
  std::condition_variable cv_;               // wakes the thread
  mutable std::condition_variable done_cv_;  // signalled after each checkpoint
  bool pending_ = false;  // guarded by mu_
  bool stop_ = false;     // guarded by mu_
  int64_t checkpoints_ = 0;  // guarded by mu_
  std::thread thread_;
};

}  // namespace disync::store::sqlite_internal

#endif  // DISYNC_STORE_SQLITE_WAL_CHECKPOINTER_H_
