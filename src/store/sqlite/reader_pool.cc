#include "store/sqlite/reader_pool.h"

#include <sqlite3.h>

#include <utility>

#include "common/check.h"
#include "store/sqlite/statement.h"

namespace disync::store::sqlite_internal {

struct ReaderPool::Reader {
  explicit Reader(sqlite3* connection)
      : db(connection), statements(std::make_unique<StatementCache>(connection)) {}
  ~Reader() {
    statements.reset();  // finalised before the connection closes
    sqlite3_close_v2(db);
  }
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  sqlite3* db;
  std::unique_ptr<StatementCache> statements;
};

namespace {

// The reader pinned to this thread, and the pool it belongs to.
struct Pinned {
  const ReaderPool* pool = nullptr;
  void* reader = nullptr;  // a ReaderPool::Reader of `pool`
};
thread_local Pinned t_pinned;

}  // namespace

ReaderPool::ReaderPool(std::string path, int busy_timeout_ms, size_t max_idle)
    : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), max_idle_(max_idle) {}

ReaderPool::~ReaderPool() = default;

Result<ReaderPool::Lease> ReaderPool::Acquire() {
  if (t_pinned.pool == this) return Lease(static_cast<Reader*>(t_pinned.reader));
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Reader> reader = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(reader));
    }
  }
  // Opened outside the lock: another reader need not wait for the file.
  // NOMUTEX: a lease is used by one thread at a time.
  DISYNC_ASSIGN_OR_RETURN(auto db, OpenConnection(path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                                                  "open a reader of"));
  sqlite3_busy_timeout(db, busy_timeout_ms_);
  auto reader = std::make_unique<Reader>(db);
  {
    std::lock_guard lock(mu_);
    ++open_;
  }
  return Lease(this, std::move(reader));
}

Result<std::shared_ptr<void>> ReaderPool::PinOnThisThread() {
  if (t_pinned.pool == this) return std::shared_ptr<void>();
  DISYNC_ASSIGN_OR_RETURN(Lease lease, Acquire());
  DISYNC_RETURN_IF_ERROR(Exec(lease.reader_->db, "BEGIN DEFERRED", "begin a pinned read"));
  t_pinned = {this, lease.reader_.get()};
  // The deleter ends the transaction and gives the connection back; it owns
  // the lease from here.
  auto held = std::make_shared<Lease>(std::move(lease));
  return std::shared_ptr<void>(held.get(), [this, held](void*) mutable {
    DISYNC_CHECK(t_pinned.reader == held->reader_.get());  // released where it was made
    t_pinned = {};
    // A read transaction: COMMIT only ends it. Should it fail, the
    // connection is closed rather than lent with a transaction still open.
    if (!Exec(held->reader_->db, "COMMIT", "end a pinned read").ok()) {
      Close(std::move(held->reader_));
    }
    held.reset();
  });
}

size_t ReaderPool::open_connections() const {
  std::lock_guard lock(mu_);
  return open_;
}

void ReaderPool::Close(std::unique_ptr<Reader> reader) {
  {
    std::lock_guard lock(mu_);
    --open_;
  }
  reader.reset();
}

void ReaderPool::GiveBack(std::unique_ptr<Reader> reader) {
  {
    std::lock_guard lock(mu_);
    if (idle_.size() < max_idle_) {
      idle_.push_back(std::move(reader));
      return;
    }
    --open_;
  }
  reader.reset();  // closed outside the lock
}

ReaderPool::Lease::Lease(ReaderPool* pool, std::unique_ptr<Reader> reader)
    : pool_(pool), reader_(std::move(reader)) {}

ReaderPool::Lease::Lease(Reader* pinned) : pinned_(pinned) {}

ReaderPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), reader_(std::move(other.reader_)), pinned_(other.pinned_) {}

ReaderPool::Lease::~Lease() {
  if (reader_ != nullptr) pool_->GiveBack(std::move(reader_));
}

StatementCache& ReaderPool::Lease::statements() {
  return pinned_ != nullptr ? *pinned_->statements : *reader_->statements;
}

}  // namespace disync::store::sqlite_internal
