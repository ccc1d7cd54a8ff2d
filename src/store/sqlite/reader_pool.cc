#include "store/sqlite/reader_pool.h"

#include <sqlite3.h>

#include <utility>

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

ReaderPool::ReaderPool(std::string path, int busy_timeout_ms, size_t max_idle)
    : path_(std::move(path)), busy_timeout_ms_(busy_timeout_ms), max_idle_(max_idle) {}

ReaderPool::~ReaderPool() = default;

Result<ReaderPool::Lease> ReaderPool::Acquire() {
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

size_t ReaderPool::open_connections() const {
  std::lock_guard lock(mu_);
  return open_;
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

ReaderPool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_), reader_(std::move(other.reader_)) {}

ReaderPool::Lease::~Lease() {
  if (reader_ != nullptr) pool_->GiveBack(std::move(reader_));
}

StatementCache& ReaderPool::Lease::statements() { return *reader_->statements; }

}  // namespace disync::store::sqlite_internal
