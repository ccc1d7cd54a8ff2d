#include "store/sqlite/wal_checkpointer.h"

#include <sqlite3.h>
#include <sys/resource.h>
#include <unistd.h>

#include "common/logging.h"
#include "store/sqlite/statement.h"

namespace disync::store::sqlite_internal {
namespace {

constexpr int kBackgroundNice = 10;

}  // namespace

Result<std::unique_ptr<WalCheckpointer>> WalCheckpointer::Start(const std::string& path,
                                                                sqlite3* writer,
                                                                int threshold_pages) {
  DISYNC_ASSIGN_OR_RETURN(auto db, OpenConnection(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                                  "open the checkpoint connection to"));
  // The checkpoint fsyncs the WAL before it copies and the database after,
  // as the writer's synchronous=FULL does.
  Status configured = SetSynchronousFull(db);
  if (!configured.ok()) {
    sqlite3_close_v2(db);
    return configured.error();
  }
  return std::unique_ptr<WalCheckpointer>(new WalCheckpointer(db, writer, threshold_pages));
}

WalCheckpointer::WalCheckpointer(sqlite3* db, sqlite3* writer, int threshold_pages)
    : db_(db), writer_(writer), threshold_pages_(threshold_pages) {
  thread_ = std::thread([this] { Loop(); });
  // Replaces the automatic checkpoint, which is a WAL hook too.
  sqlite3_wal_hook(writer_, &WalCheckpointer::OnCommit, this);
}

WalCheckpointer::~WalCheckpointer() {
  sqlite3_wal_hook(writer_, nullptr, nullptr);
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
  sqlite3_close_v2(db_);
}

int64_t WalCheckpointer::checkpoints() const {
  std::lock_guard lock(mu_);
  return checkpoints_;
}

bool WalCheckpointer::WaitForCheckpoints(int64_t count,
                                         std::chrono::steady_clock::time_point deadline) const {
  std::unique_lock lock(mu_);
  return done_cv_.wait_until(lock, deadline, [&] { return checkpoints_ >= count; });
}

int WalCheckpointer::OnCommit(void* self, sqlite3*, const char*, int wal_pages) {
  auto* checkpointer = static_cast<WalCheckpointer*>(self);
  if (wal_pages >= checkpointer->threshold_pages_) {
    {
      std::lock_guard lock(checkpointer->mu_);
      checkpointer->pending_ = true;
    }
    checkpointer->cv_.notify_one();
  }
  return SQLITE_OK;
}

void WalCheckpointer::Loop() {
#if defined(__linux__)
  // Background upkeep: a checkpoint that follows a large commit should not
  // take a core from the answers that follow it (on Linux, nice applies to
  // the calling thread). Best effort.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kBackgroundNice);
#endif
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return pending_ || stop_; });
    const bool stopping = stop_;
    pending_ = false;
    lock.unlock();
    Checkpoint();
    lock.lock();
    ++checkpoints_;
    done_cv_.notify_all();
    if (stopping) return;
  }
}

void WalCheckpointer::Checkpoint() {
  int log_pages = 0;
  int copied_pages = 0;
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_PASSIVE, &log_pages,
                                     &copied_pages);
  // BUSY: another connection (an offline `disyncd admin`) is checkpointing.
  if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) {
    logging::Warn("store: WAL checkpoint failed; the WAL file grows until one succeeds",
                  {{"detail", SqliteError(db_, rc, "checkpoint").message()}});
  }
}

}  // namespace disync::store::sqlite_internal
