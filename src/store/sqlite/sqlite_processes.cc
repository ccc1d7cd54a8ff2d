// SqliteStore: the async generation processes (the durable queue) and the
// client tokens that make their creation idempotent.
#include <sqlite3.h>

#include <limits>
#include <optional>
#include <string_view>
#include <vector>

#include "common/memory.h"
#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/statement.h"

namespace disync::store {

using sqlite_internal::InTransaction;
using sqlite_internal::ReaderPool;
using sqlite_internal::Statement;
using sqlite_internal::StatementCache;
using sqlite_internal::TransactionMode;

std::string_view ToString(ProcessStatus status) {
  switch (status) {
    case ProcessStatus::kQueued: return "queued";
    case ProcessStatus::kRunning: return "running";
    case ProcessStatus::kSuccess: return "success";
    case ProcessStatus::kFail: return "fail";
  }
  return "queued";
}

std::optional<ProcessStatus> ParseProcessStatus(std::string_view text) {
  for (auto s : {ProcessStatus::kQueued, ProcessStatus::kRunning, ProcessStatus::kSuccess,
                 ProcessStatus::kFail}) {
    if (ToString(s) == text) return s;
  }
  return std::nullopt;
}

namespace {

// A process with its TaskParam (process_params); and without it, for the
// details that leave it out. The TaskContent (process_content_chunks,
// migration 0005) is read by ReadTaskContent. Both texts have tables of their
// own (migration 0004), so that the row of a process stays a few dozen bytes.
constexpr std::string_view kSelectProcessWithParam =
    "SELECT p.id, p.project_id, p.task_type, p.kind, p.task_id, t.task_param, p.caller_user_id, "
    "p.status, p.message, p.done, p.total, p.attempts, p.created_ms, p.updated_ms "
    "FROM processes p LEFT JOIN process_params t ON t.process_id = p.id WHERE p.id = ?";
constexpr std::string_view kSelectProcess =
    "SELECT id, project_id, task_type, kind, task_id, '', caller_user_id, status, message, "
    "done, total, attempts, created_ms, updated_ms FROM processes WHERE id = ?";

Result<Process> ReadProcess(const Statement& row) {
  Process p;
  p.id = ProcessId(row.ColumnInt(0));
  p.project = ProjectId(row.ColumnInt(1));
  p.task_type = row.ColumnText(2);
  p.kind = row.ColumnText(3);
  p.task_id = FileId(row.ColumnInt(4));
  if (row.ColumnType(5) == SQLITE_NULL)
    return Error(ErrorCode::kCorruption, "process has no TaskParam");
  p.task_param = row.ColumnText(5);
  p.caller_user_id = row.ColumnText(6);
  auto status = ParseProcessStatus(row.ColumnText(7));
  if (!status) return Error(ErrorCode::kCorruption, "process has an unknown status");
  p.status = *status;
  p.message = row.ColumnText(8);
  p.done = row.ColumnInt(9);
  p.total = row.ColumnInt(10);
  p.attempts = static_cast<int32_t>(row.ColumnInt(11));
  p.created = FromUnixMillis(row.ColumnInt(12));
  p.updated = FromUnixMillis(row.ColumnInt(13));
  return p;
}

// A TaskContent is stored in pieces of this size (the last one shorter).
// SQLite builds each piece's record in a buffer of its own before writing
// it, which malloc's heap gives back for the next piece. Pieces of 1 MiB,
// when disyncd's malloc mapped blocks of 1 MiB apart, made each record a
// fresh mapping, faulted in page by page: at 10,000 tables, storing took
// 255-282 ms against 144-153 ms (bench/README.md, tenth round). Against one
// value for the whole content, peak RSS 121-126 MB against 157-159 MB
// (seventh round).
constexpr size_t kContentChunkBytes = size_t{256} << 10;

// The TaskContent of process `id`, its pieces read in order through an
// incremental-blob handle straight into the string. Through a SELECT, SQLite
// first assembles each value in a buffer of its own, which the string then
// copies. Runs inside the caller's read transaction (the process row's
// statement is still open), so it sees the same snapshot.
//
// nullopt, and nothing read, when the content is longer than `max_bytes`.
Result<std::optional<std::string>> ReadTaskContent(StatementCache& on, ProcessId id,
                                                   size_t max_bytes) {
  struct Piece {
    int64_t rowid;
    size_t bytes;
  };
  std::vector<Piece> pieces;
  size_t total = 0;
  {
    // length() of a BLOB reads its size from the record header, not its pages.
    DISYNC_ASSIGN_OR_RETURN(Statement stmt,
                            on.Prepare("SELECT rowid, length(bytes) FROM process_content_chunks "
                                       "WHERE process_id = ? ORDER BY seq"));
    stmt.BindInt(1, id.value());
    while (true) {
      DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      pieces.push_back({stmt.ColumnInt(0), static_cast<size_t>(stmt.ColumnInt(1))});
      total += pieces.back().bytes;
    }
  }
  if (total > max_bytes) return std::optional<std::string>();
  // Populated in one call: a 38 MB TaskContent is 9,000 pages to fault in.
  std::string content;
  content.reserve(total);
  PrefaultForWrite(content.data(), total);
  content.resize(total);
  sqlite3* db = on.db();
  sqlite3_blob* blob = nullptr;
  size_t offset = 0;
  int rc = SQLITE_OK;
  for (const Piece& piece : pieces) {
    rc = blob == nullptr ? sqlite3_blob_open(db, "main", "process_content_chunks", "bytes",
                                             piece.rowid, /*flags=*/0, &blob)
                         : sqlite3_blob_reopen(blob, piece.rowid);
    if (rc != SQLITE_OK) break;
    if (static_cast<size_t>(sqlite3_blob_bytes(blob)) != piece.bytes) {
      sqlite3_blob_close(blob);
      return Error(ErrorCode::kCorruption, "a piece of a process's task_content changed size");
    }
    if (piece.bytes > 0) {
      rc = sqlite3_blob_read(blob, content.data() + offset, static_cast<int>(piece.bytes), 0);
      if (rc != SQLITE_OK) break;
    }
    offset += piece.bytes;
  }
  if (rc != SQLITE_OK) {
    Error error = sqlite_internal::SqliteError(db, rc, "read the task_content of a process");
    sqlite3_blob_close(blob);  // a no-op on nullptr
    return error;
  }
  sqlite3_blob_close(blob);
  return std::optional<std::string>(std::move(content));
}

}  // namespace

Result<Process> SqliteStore::GetProcessOn(StatementCache& on, ProcessId id, ProcessDetail detail) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      on.Prepare(detail == ProcessDetail::kFull ? kSelectProcessWithParam : kSelectProcess));
  stmt.BindInt(1, id.value());
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("process " + std::to_string(id.value()) + " not found");
  DISYNC_ASSIGN_OR_RETURN(Process process, ReadProcess(stmt));
  // Read while `stmt` still holds its read transaction: the same snapshot.
  if (process.status == ProcessStatus::kSuccess && detail != ProcessDetail::kStatus) {
    const size_t max_bytes = detail == ProcessDetail::kSmallResult
                                 ? kSmallTaskContentBytes
                                 : std::numeric_limits<size_t>::max();
    DISYNC_ASSIGN_OR_RETURN(std::optional<std::string> content, ReadTaskContent(on, id, max_bytes));
    if (content) {
      process.task_content = std::move(*content);
    } else {
      process.task_content_withheld = true;
    }
  }
  return process;
}

Result<EnqueueOutcome> SqliteStore::EnqueueProcess(const NewProcess& process,
                                                   const std::optional<ClientTokenKey>& token) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<EnqueueOutcome> {
    if (token) {
      DISYNC_ASSIGN_OR_RETURN(
          Statement seen,
          statements_->Prepare(
                             "SELECT request_hash, result_id FROM client_tokens WHERE scope = ? "
                             "AND token = ?"));
      seen.BindText(1, token->scope).BindText(2, token->token);
      DISYNC_ASSIGN_OR_RETURN(bool row, seen.Step());
      if (row) {
        if (seen.ColumnText(0) != token->request_hash) {
          return Error::AlreadyExists("the ClientToken was used for another request");
        }
        DISYNC_ASSIGN_OR_RETURN(
            Process first,
            GetProcessOn(*statements_, ProcessId(seen.ColumnInt(1)), ProcessDetail::kStatus));
        return EnqueueOutcome{std::move(first), /*replayed=*/true};
      }
    }
    int64_t now = ToUnixMillis(clock_.Now());
    DISYNC_ASSIGN_OR_RETURN(
        Statement insert,
        statements_->Prepare("INSERT INTO processes (project_id, task_type, kind, task_id, "
                             "caller_user_id, status, created_ms, updated_ms) "
                             "VALUES (?, ?, ?, ?, ?, 'queued', ?, ?)"));
    insert.BindInt(1, process.project.value())
        .BindText(2, process.task_type)
        .BindText(3, process.kind)
        .BindInt(4, process.task_id.value())
        .BindText(5, process.caller_user_id)
        .BindInt(6, now)
        .BindInt(7, now);
    DISYNC_RETURN_IF_ERROR(insert.Run());
    ProcessId id(sqlite3_last_insert_rowid(db_));
    DISYNC_ASSIGN_OR_RETURN(
        Statement param,
        statements_->Prepare("INSERT INTO process_params (process_id, task_param) VALUES (?, ?)"));
    param.BindInt(1, id.value()).BindTextNoCopy(2, process.task_param);
    DISYNC_RETURN_IF_ERROR(param.Run());
    if (token) {
      DISYNC_ASSIGN_OR_RETURN(
          Statement remember,
          statements_->Prepare(
                             "INSERT INTO client_tokens (scope, token, request_hash, result_id, "
                             "created_ms) VALUES (?, ?, ?, ?, ?)"));
      remember.BindText(1, token->scope)
          .BindText(2, token->token)
          .BindText(3, token->request_hash)
          .BindInt(4, id.value())
          .BindInt(5, now);
      DISYNC_RETURN_IF_ERROR(remember.Run());
    }
    DISYNC_ASSIGN_OR_RETURN(Process created,
                            GetProcessOn(*statements_, id, ProcessDetail::kStatus));
    return EnqueueOutcome{std::move(created), /*replayed=*/false};
  });
}

Result<std::optional<std::pair<std::string, int64_t>>> SqliteStore::FindClientToken(
    const std::string& scope, const std::string& token) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      on.Prepare("SELECT request_hash, result_id FROM client_tokens WHERE scope = ? AND "
                 "token = ?"));
  stmt.BindText(1, scope).BindText(2, token);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::pair<std::string, int64_t>>();
  return std::optional<std::pair<std::string, int64_t>>(
      std::make_pair(stmt.ColumnText(0), stmt.ColumnInt(1)));
}

Result<Process> SqliteStore::GetProcess(ProcessId id, ProcessDetail detail) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return GetProcessOn(on, id, detail);
}

Result<std::optional<Process>> SqliteStore::ClaimProcess(const std::string& owner, TimePoint now,
                                                         TimePoint lease_until) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<std::optional<Process>> {
    DISYNC_ASSIGN_OR_RETURN(
        Statement pick,
        statements_->Prepare(
                           "SELECT id FROM processes WHERE status = 'queued' OR (status = "
                           "'running' AND lease_expires_ms < ?) ORDER BY id LIMIT 1"));
    pick.BindInt(1, ToUnixMillis(now));
    DISYNC_ASSIGN_OR_RETURN(bool row, pick.Step());
    if (!row) return std::optional<Process>();
    ProcessId id(pick.ColumnInt(0));
    DISYNC_ASSIGN_OR_RETURN(
        Statement claim,
        statements_->Prepare(
                           "UPDATE processes SET status = 'running', lease_owner = ?, "
                           "lease_expires_ms = ?, attempts = attempts + 1, updated_ms = ? "
                           "WHERE id = ?"));
    claim.BindText(1, owner)
        .BindInt(2, ToUnixMillis(lease_until))
        .BindInt(3, ToUnixMillis(now))
        .BindInt(4, id.value());
    DISYNC_RETURN_IF_ERROR(claim.Run());
    DISYNC_ASSIGN_OR_RETURN(Process p, GetProcessOn(*statements_, id, ProcessDetail::kFull));
    return std::optional<Process>(std::move(p));
  });
}

Status SqliteStore::UpdateProcessProgress(ProcessId id, const std::string& owner, int64_t done,
                                          int64_t total, const std::string& message,
                                          TimePoint lease_until) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kRedoableWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "UPDATE processes SET done = ?, total = ?, message = ?, "
                           "lease_expires_ms = ?, updated_ms = ? WHERE id = ? AND "
                           "status = 'running' AND lease_owner = ?"));
    stmt.BindInt(1, done)
        .BindInt(2, total)
        .BindText(3, message)
        .BindInt(4, ToUnixMillis(lease_until))
        .BindInt(5, ToUnixMillis(clock_.Now()))
        .BindInt(6, id.value())
        .BindText(7, owner);
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Error::NotFound("the lease of the process was lost");
    return OkStatus();
  });
}

Status SqliteStore::FinishProcess(ProcessId id, const std::string& owner, ProcessStatus status,
                                  const std::string& message, const TextPieces& task_content) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kRedoableWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare("UPDATE processes SET status = ?, message = ?, "
                             "done = CASE WHEN ? = 'success' THEN total ELSE done END, "
                             "lease_owner = '', lease_expires_ms = 0, updated_ms = ? "
                             "WHERE id = ? AND status = 'running' AND lease_owner = ?"));
    stmt.BindText(1, ToString(status))
        .BindText(2, message)
        .BindText(3, ToString(status))
        .BindInt(4, ToUnixMillis(clock_.Now()))
        .BindInt(5, id.value())
        .BindText(6, owner);
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) return Error::NotFound("the lease of the process was lost");
    {
      DISYNC_ASSIGN_OR_RETURN(
          Statement clear,
          statements_->Prepare("DELETE FROM process_content_chunks WHERE process_id = ?"));
      clear.BindInt(1, id.value());
      DISYNC_RETURN_IF_ERROR(clear.Run());
    }
    int64_t seq = 0;
    auto insert = [&](std::string_view bytes) -> Status {
      DISYNC_ASSIGN_OR_RETURN(Statement piece,
                              statements_->Prepare("INSERT INTO process_content_chunks "
                                                   "(process_id, seq, bytes) VALUES (?, ?, ?)"));
      piece.BindInt(1, id.value()).BindInt(2, seq++).BindBlobNoCopy(3, bytes);
      return piece.Run();
    };
    // Every stored piece but the last is kContentChunkBytes long, wherever
    // the text's own pieces end: a stored piece within one of them is bound
    // where it lies, one across them is assembled in `across` (reused).
    std::string across;
    Status status = OkStatus();
    task_content.ForEach([&](std::string_view text) {
      while (!text.empty() && status.ok()) {
        if (across.empty() && text.size() >= kContentChunkBytes) {
          status = insert(text.substr(0, kContentChunkBytes));
          text.remove_prefix(kContentChunkBytes);
          continue;
        }
        if (across.capacity() < kContentChunkBytes) across.reserve(kContentChunkBytes);
        const size_t take = std::min(kContentChunkBytes - across.size(), text.size());
        across.append(text.substr(0, take));
        text.remove_prefix(take);
        if (across.size() == kContentChunkBytes) {
          status = insert(across);
          across.clear();
        }
      }
    });
    DISYNC_RETURN_IF_ERROR(status);
    if (!across.empty()) DISYNC_RETURN_IF_ERROR(insert(across));
    return OkStatus();
  });
}

Result<int64_t> SqliteStore::RequeueRunningProcesses() {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<int64_t> {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "UPDATE processes SET status = 'queued', lease_owner = '', "
                           "lease_expires_ms = 0 WHERE status = 'running'"));
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    return static_cast<int64_t>(sqlite3_changes(db_));
  });
}

Result<bool> SqliteStore::TaskNameExists(ProjectId project, const std::string& name) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      reader.statements().Prepare("SELECT 1 FROM tasks WHERE project_id = ? AND name = ?"));
  stmt.BindInt(1, project.value()).BindText(2, name);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  return row;
}

}  // namespace disync::store
