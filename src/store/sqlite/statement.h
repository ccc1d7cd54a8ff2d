// Internal to src/store/sqlite: the prepared-statement and transaction
// helpers that every SqliteStore source file uses. Not a public API.
// Thread-compatible: a connection is used by one thread at a time.
#ifndef DISYNC_STORE_SQLITE_STATEMENT_H_
#define DISYNC_STORE_SQLITE_STATEMENT_H_

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "common/check.h"
#include "common/logging.h"
#include "common/result.h"

namespace disync::store::sqlite_internal {

// Maps a failed sqlite call to an Error. `rc` is the (extended) result code;
// the message of `db` must still be the one of that call.
inline Error SqliteError(sqlite3* db, int rc, std::string_view what) {
  std::string message(what);
  message += ": ";
  message += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error::AlreadyExists(std::move(message));
      }
      break;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Error::Unavailable(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Error(ErrorCode::kCorruption, std::move(message));
    default:
      break;
  }
  return Error::Internal(std::move(message));
}

// Opens a connection to `path` with sqlite3_open_v2 `flags` and extended
// result codes on; `what` names the connection in the error. The caller owns
// the handle and closes it with sqlite3_close_v2.
inline Result<sqlite3*> OpenConnection(const std::string& path, int flags, std::string_view what) {
  // SQLite's memory statistics (unused here) take one process-wide mutex on
  // every allocation: the reader connections of concurrent requests waited
  // on it (futex waits under sqlite3Malloc in api_load). Off before the
  // first open; a later call would be refused, and is not made.
  static const int memstatus_off = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)memstatus_off;
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, flags, nullptr);
  if (rc != SQLITE_OK) {
    Error error = SqliteError(db, rc, std::string(what) + " " + path);
    sqlite3_close_v2(db);  // a no-op on nullptr
    return error;
  }
  sqlite3_extended_result_codes(db, 1);
  return db;
}

// Runs constant SQL (PRAGMAs, transaction control, compiled-in migrations).
// Never used with user values: those go through Statement's bind calls.
inline Status Exec(sqlite3* db, const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, what);
  return OkStatus();
}

// One prepared statement. Bind errors are remembered and reported by Step,
// so that call sites read as a list of binds followed by one check. Either
// owned (finalised on destruction) or lent by a StatementCache (reset, its
// bindings cleared and handed back on destruction).
// Thread-compatible: used by the one thread that holds its connection.
class Statement {
 public:
  static Result<Statement> Prepare(sqlite3* db, std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare");
    return Statement(db, stmt, nullptr);
  }

  Statement(Statement&& other) noexcept
      : db_(other.db_),
        stmt_(std::exchange(other.stmt_, nullptr)),
        lent_(std::exchange(other.lent_, nullptr)),
        bind_rc_(other.bind_rc_) {}
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() {
    if (lent_ == nullptr) {
      sqlite3_finalize(stmt_);
      return;
    }
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    *lent_ = false;
  }

  // Parameters are numbered from 1, as in sqlite.
  Statement& BindInt(int index, int64_t value) {
    Remember(sqlite3_bind_int64(stmt_, index, value));
    return *this;
  }
  Statement& BindText(int index, std::string_view value) {
    Remember(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_TRANSIENT,
                                 SQLITE_UTF8));
    return *this;
  }

  // As BindText, without SQLite's copy of `value`, which must stay alive
  // and unchanged until this Statement is destroyed: for the large values
  // (a 10,000-table TaskContent is 38 MB).
  Statement& BindTextNoCopy(int index, std::string_view value) {
    Remember(sqlite3_bind_text64(stmt_, index, value.data(), value.size(), SQLITE_STATIC,
                                 SQLITE_UTF8));
    return *this;
  }

  // As BindTextNoCopy, for a BLOB.
  Statement& BindBlobNoCopy(int index, std::string_view value) {
    Remember(sqlite3_bind_blob64(stmt_, index, value.data(), value.size(), SQLITE_STATIC));
    return *this;
  }

  // True when a row is available, false when the statement is done.
  Result<bool> Step() {
    if (bind_rc_ != SQLITE_OK) return SqliteError(db_, bind_rc_, "bind");
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return SqliteError(db_, rc, "step");
  }

  // Steps a statement that returns no row (INSERT, UPDATE, DELETE).
  Status Run() {
    DISYNC_ASSIGN_OR_RETURN(bool row, Step());
    (void)row;
    return OkStatus();
  }

  int64_t ColumnInt(int index) const { return sqlite3_column_int64(stmt_, index); }
  // SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL.
  int ColumnType(int index) const { return sqlite3_column_type(stmt_, index); }
  std::string ColumnText(int index) const {
    const unsigned char* text = sqlite3_column_text(stmt_, index);
    if (text == nullptr) return {};
    return std::string(reinterpret_cast<const char*>(text),
                       static_cast<size_t>(sqlite3_column_bytes(stmt_, index)));
  }

 private:
  friend class StatementCache;
  Statement(sqlite3* db, sqlite3_stmt* stmt, bool* lent) : db_(db), stmt_(stmt), lent_(lent) {}

  void Remember(int rc) {
    if (bind_rc_ == SQLITE_OK) bind_rc_ = rc;
  }

  sqlite3* db_;
  sqlite3_stmt* stmt_;
  bool* lent_;  // the cache's in-use flag of a lent statement; nullptr when owned
  int bind_rc_ = SQLITE_OK;
};

// The prepared statements of one connection, by SQL text, compiled once and
// lent out again and again: parsing and planning a statement costs more than
// running the point queries of a request (a third of a Query request's
// instructions before this cache). A statement still lent out (the same SQL
// used while another use is open) is prepared afresh and owned by its user;
// so is any statement past the first kMaxEntries distinct texts.
// Thread-compatible: used under SqliteStore::mu_ (the writer's) or by the
// one holder of a ReaderPool lease. Must be cleared before its connection
// closes.
class StatementCache {
 public:
  static constexpr size_t kMaxEntries = 256;

  explicit StatementCache(sqlite3* db) : db_(db) {}
  StatementCache(const StatementCache&) = delete;
  StatementCache& operator=(const StatementCache&) = delete;
  ~StatementCache() { Clear(); }

  // The connection the statements belong to.
  sqlite3* db() const { return db_; }

  Result<Statement> Prepare(std::string_view sql) {
    auto it = entries_.find(sql);
    if (it == entries_.end()) {
      if (entries_.size() >= kMaxEntries) return Statement::Prepare(db_, sql);
      sqlite3_stmt* stmt = nullptr;
      int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                  SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
      if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
      it = entries_.emplace(std::string(sql), Entry{stmt, false}).first;
    }
    Entry& entry = it->second;
    if (entry.lent) return Statement::Prepare(db_, sql);
    entry.lent = true;
    return Statement(db_, entry.stmt, &entry.lent);
  }

  // Finalises every statement; none may be lent out.
  void Clear() {
    for (auto& [sql, entry] : entries_) sqlite3_finalize(entry.stmt);
    entries_.clear();
  }

 private:
  struct Entry {
    sqlite3_stmt* stmt;
    bool lent;
  };
  sqlite3* db_;
  std::map<std::string, Entry, std::less<>> entries_;  // nodes stay put: `lent` is pointed to
};

// synchronous=FULL: each commit fsyncs the WAL before it returns. The
// writer connection's level (SqliteStore::ConfigureLocked), set again after
// a redoable write, and the checkpointer's.
inline Status SetSynchronousFull(sqlite3* db) {
  return Exec(db, "PRAGMA synchronous=FULL", "synchronous=FULL");
}

enum class TransactionMode {
  kRead,
  kWrite,
  // A write that disyncd redoes if it is lost: a generation process's
  // progress, lease and result, which the process row's TaskParam generates
  // again. Its COMMIT returns once the WAL is written, without the fsync
  // (synchronous=NORMAL; the writer connection is FULL otherwise). A crash
  // of disyncd cannot lose it (the page cache holds the WAL); a power
  // failure can, until the next durable commit or the checkpoint that
  // follows a large one fsyncs the WAL, and then the process, still
  // `running` under a lease that expires, is claimed and run again.
  kRedoableWrite,
};

// Runs `body` (returning a Result or Status) between BEGIN and COMMIT and
// rolls back when it fails. Writes take the write lock up front (IMMEDIATE)
// so that a concurrent writer shows up as a busy wait at BEGIN, never as a
// failed upgrade in the middle of the body.
template <typename Body>
auto InTransaction(sqlite3* db, TransactionMode mode, Body&& body) -> decltype(body()) {
  if (mode == TransactionMode::kRedoableWrite) {
    DISYNC_RETURN_IF_ERROR(Exec(db, "PRAGMA synchronous=NORMAL", "synchronous=NORMAL"));
    auto result = InTransaction(db, TransactionMode::kWrite, std::forward<Body>(body));
    // Left at NORMAL, every later commit would skip its fsync unnoticed.
    DISYNC_CHECK(SetSynchronousFull(db).ok());
    return result;
  }
  DISYNC_RETURN_IF_ERROR(
      Exec(db, mode == TransactionMode::kWrite ? "BEGIN IMMEDIATE" : "BEGIN DEFERRED", "begin"));
  auto result = body();
  Status committed = result.ok() ? Exec(db, "COMMIT", "commit") : OkStatus();
  if (result.ok() && committed.ok()) return result;
  // A failed statement may already have ended the transaction.
  if (sqlite3_get_autocommit(db) == 0) {
    int rc = sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      logging::Log(logging::Level::kError, "store rollback failed",
                   {{"error", sqlite3_errmsg(db)}});
    }
  }
  if (!result.ok()) return result;
  return std::move(committed).error();
}


}  // namespace disync::store::sqlite_internal

#endif  // DISYNC_STORE_SQLITE_STATEMENT_H_
