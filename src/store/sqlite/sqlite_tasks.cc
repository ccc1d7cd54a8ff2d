// SqliteStore: sync tasks, stored as files of a workspace with versions.
//
// A task is one row of `tasks` (its folder, resource group and latest
// version number), one row per version in `task_versions` (content and
// resource group of that version), and the data sources its latest content
// reads from ('from') and writes to ('to') in `task_datasources`. Every
// mutating call is one write transaction, ClientToken record included.
#include <sqlite3.h>

#include <algorithm>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/statement.h"

namespace disync::store {

using sqlite_internal::InTransaction;
using sqlite_internal::ReaderPool;
using sqlite_internal::Statement;
using sqlite_internal::StatementCache;
using sqlite_internal::TransactionMode;

namespace {

constexpr std::string_view kRefFrom = "from";
constexpr std::string_view kRefTo = "to";

// The task with its latest version and data sources. Runs inside the
// caller's transaction.
Result<Task> ReadTask(sqlite3* db, FileId file_id) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db,
                         "SELECT t.file_id, t.project_id, t.name, t.task_type, f.path, "
                         "t.resource_group, t.current_version, t.status, t.creator_user_id, "
                         "t.created_ms, t.modified_ms, v.content "
                         "FROM tasks t JOIN folders f ON f.id = t.folder_id "
                         "JOIN task_versions v ON v.file_id = t.file_id AND "
                         "v.version = t.current_version WHERE t.file_id = ?"));
  stmt.BindInt(1, file_id.value());
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("task " + std::to_string(file_id.value()) + " not found");
  Task task;
  task.file_id = FileId(stmt.ColumnInt(0));
  task.project = ProjectId(stmt.ColumnInt(1));
  task.name = stmt.ColumnText(2);
  task.task_type = stmt.ColumnText(3);
  task.folder_path = stmt.ColumnText(4);
  task.resource_group = stmt.ColumnText(5);
  task.version = static_cast<int32_t>(stmt.ColumnInt(6));
  task.status = stmt.ColumnText(7);
  task.creator_user_id = stmt.ColumnText(8);
  task.created = FromUnixMillis(stmt.ColumnInt(9));
  task.modified = FromUnixMillis(stmt.ColumnInt(10));
  task.content = stmt.ColumnText(11);

  // rowid order is insertion order: the order the content names them in.
  DISYNC_ASSIGN_OR_RETURN(
      Statement refs,
      Statement::Prepare(db,
                         "SELECT datasource, ref_type FROM task_datasources WHERE file_id = ? "
                         "ORDER BY rowid"));
  refs.BindInt(1, file_id.value());
  for (;;) {
    DISYNC_ASSIGN_OR_RETURN(bool more, refs.Step());
    if (!more) break;
    std::string ref_type = refs.ColumnText(1);
    if (ref_type == kRefFrom) {
      task.sources.push_back(refs.ColumnText(0));
    } else if (ref_type == kRefTo) {
      task.destinations.push_back(refs.ColumnText(0));
    }
  }
  return task;
}

// The result id a token was first used with, when it was used with the same
// request; kFailedPrecondition when it was used with another request.
Result<std::optional<int64_t>> SeenToken(sqlite3* db, const std::optional<ClientTokenKey>& token) {
  if (!token) return std::optional<int64_t>();
  DISYNC_ASSIGN_OR_RETURN(
      Statement seen,
      Statement::Prepare(db,
                         "SELECT request_hash, result_id FROM client_tokens WHERE scope = ? AND "
                         "token = ?"));
  seen.BindText(1, token->scope).BindText(2, token->token);
  DISYNC_ASSIGN_OR_RETURN(bool row, seen.Step());
  if (!row) return std::optional<int64_t>();
  if (seen.ColumnText(0) != token->request_hash) {
    return Error(ErrorCode::kFailedPrecondition, "the ClientToken was used for another request");
  }
  return std::optional<int64_t>(seen.ColumnInt(1));
}

Status RememberToken(sqlite3* db, const std::optional<ClientTokenKey>& token, int64_t result_id,
                     int64_t now_ms) {
  if (!token) return OkStatus();
  DISYNC_ASSIGN_OR_RETURN(
      Statement remember,
      Statement::Prepare(db,
                         "INSERT INTO client_tokens (scope, token, request_hash, result_id, "
                         "created_ms) VALUES (?, ?, ?, ?, ?)"));
  remember.BindText(1, token->scope)
      .BindText(2, token->token)
      .BindText(3, token->request_hash)
      .BindInt(4, result_id)
      .BindInt(5, now_ms);
  return remember.Run();
}

Status InsertVersion(sqlite3* db, FileId file_id, int64_t version, const std::string& content,
                     const std::string& resource_group, int64_t now_ms) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement insert,
      Statement::Prepare(db,
                         "INSERT INTO task_versions (file_id, version, content, resource_group, "
                         "created_ms) VALUES (?, ?, ?, ?, ?)"));
  insert.BindInt(1, file_id.value())
      .BindInt(2, version)
      .BindTextNoCopy(3, content)
      .BindText(4, resource_group)
      .BindInt(5, now_ms);
  return insert.Run();
}

// Replaces the data source references of a task.
Status WriteRefs(sqlite3* db, FileId file_id, const std::vector<std::string>& sources,
                 const std::vector<std::string>& destinations) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement clear, Statement::Prepare(db, "DELETE FROM task_datasources WHERE file_id = ?"));
  clear.BindInt(1, file_id.value());
  DISYNC_RETURN_IF_ERROR(clear.Run());
  for (auto [names, ref_type] : {std::pair{&sources, kRefFrom}, std::pair{&destinations, kRefTo}}) {
    for (const std::string& name : *names) {
      // A name listed twice is one reference.
      DISYNC_ASSIGN_OR_RETURN(
          Statement insert,
          Statement::Prepare(db,
                             "INSERT OR IGNORE INTO task_datasources (file_id, datasource, "
                             "ref_type) VALUES (?, ?, ?)"));
      insert.BindInt(1, file_id.value()).BindText(2, name).BindText(3, ref_type);
      DISYNC_RETURN_IF_ERROR(insert.Run());
    }
  }
  return OkStatus();
}

// Reads the FileIds a query selected (column 0), then each task.
Result<std::vector<Task>> ReadTasks(sqlite3* db, Statement& ids) {
  std::vector<FileId> found;
  for (;;) {
    DISYNC_ASSIGN_OR_RETURN(bool row, ids.Step());
    if (!row) break;
    found.emplace_back(ids.ColumnInt(0));
  }
  std::vector<Task> tasks;
  for (FileId id : found) {
    DISYNC_ASSIGN_OR_RETURN(Task task, ReadTask(db, id));
    tasks.push_back(std::move(task));
  }
  return tasks;
}

}  // namespace

Result<TaskOutcome> SqliteStore::CreateTask(const NewTask& task,
                                            const std::optional<ClientTokenKey>& token) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<TaskOutcome> {
    DISYNC_ASSIGN_OR_RETURN(std::optional<int64_t> seen, SeenToken(db_, token));
    if (seen) {
      DISYNC_ASSIGN_OR_RETURN(Task first, ReadTask(db_, FileId(*seen)));
      return TaskOutcome{std::move(first), /*replayed=*/true};
    }
    int64_t now = ToUnixMillis(clock_.Now());
    DISYNC_ASSIGN_OR_RETURN(
        Statement folder,
        statements_->Prepare(
                           "INSERT OR IGNORE INTO folders (project_id, path, created_ms) "
                           "VALUES (?, ?, ?)"));
    folder.BindInt(1, task.project.value()).BindText(2, task.folder_path).BindInt(3, now);
    DISYNC_RETURN_IF_ERROR(folder.Run());
    DISYNC_ASSIGN_OR_RETURN(
        Statement folder_id,
        statements_->Prepare("SELECT id FROM folders WHERE project_id = ? AND path = ?"));
    folder_id.BindInt(1, task.project.value()).BindText(2, task.folder_path);
    DISYNC_ASSIGN_OR_RETURN(bool folder_row, folder_id.Step());
    if (!folder_row) return Error::Internal("the folder row vanished inside its transaction");

    DISYNC_ASSIGN_OR_RETURN(
        Statement insert,
        statements_->Prepare(
                           "INSERT INTO tasks (project_id, name, task_type, folder_id, "
                           "resource_group, current_version, creator_user_id, created_ms, "
                           "modified_ms) VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?)"));
    insert.BindInt(1, task.project.value())
        .BindText(2, task.name)
        .BindText(3, task.task_type)
        .BindInt(4, folder_id.ColumnInt(0))
        .BindText(5, task.resource_group)
        .BindText(6, task.creator_user_id)
        .BindInt(7, now)
        .BindInt(8, now);
    if (Status inserted = insert.Run(); !inserted.ok()) {
      if (inserted.error().code() == ErrorCode::kAlreadyExists) {
        return Error::AlreadyExists("a task named \"" + task.name + "\" exists in workspace " +
                                    std::to_string(task.project.value()));
      }
      return std::move(inserted).error();
    }
    FileId id(sqlite3_last_insert_rowid(db_));
    DISYNC_RETURN_IF_ERROR(InsertVersion(db_, id, 1, task.content, task.resource_group, now));
    DISYNC_RETURN_IF_ERROR(WriteRefs(db_, id, task.sources, task.destinations));
    DISYNC_RETURN_IF_ERROR(RememberToken(db_, token, id.value(), now));
    DISYNC_ASSIGN_OR_RETURN(Task created, ReadTask(db_, id));
    return TaskOutcome{std::move(created), /*replayed=*/false};
  });
}

Result<Task> SqliteStore::GetTask(FileId file_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return InTransaction(on.db(), TransactionMode::kRead,
                       [&]() -> Result<Task> { return ReadTask(on.db(), file_id); });
}

Result<TaskOutcome> SqliteStore::UpdateTask(const TaskUpdate& update,
                                            const std::optional<ClientTokenKey>& token) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<TaskOutcome> {
    DISYNC_ASSIGN_OR_RETURN(std::optional<int64_t> seen, SeenToken(db_, token));
    if (seen) {
      DISYNC_ASSIGN_OR_RETURN(Task first, ReadTask(db_, FileId(*seen)));
      return TaskOutcome{std::move(first), /*replayed=*/true};
    }
    DISYNC_ASSIGN_OR_RETURN(Task current, ReadTask(db_, update.file_id));
    int64_t now = ToUnixMillis(clock_.Now());
    int64_t version = int64_t{current.version} + 1;
    const std::string& content = update.content ? *update.content : current.content;
    const std::string& group = update.resource_group ? *update.resource_group
                                                     : current.resource_group;
    DISYNC_RETURN_IF_ERROR(InsertVersion(db_, update.file_id, version, content, group, now));
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "UPDATE tasks SET current_version = ?, resource_group = ?, "
                           "modified_ms = ? WHERE file_id = ?"));
    stmt.BindInt(1, version).BindText(2, group).BindInt(3, now).BindInt(4, update.file_id.value());
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    if (update.content) {
      DISYNC_RETURN_IF_ERROR(WriteRefs(db_, update.file_id, update.sources, update.destinations));
    }
    DISYNC_RETURN_IF_ERROR(RememberToken(db_, token, update.file_id.value(), now));
    DISYNC_ASSIGN_OR_RETURN(Task updated, ReadTask(db_, update.file_id));
    return TaskOutcome{std::move(updated), /*replayed=*/false};
  });
}

Result<std::vector<TaskVersion>> SqliteStore::ListTaskVersions(FileId file_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return InTransaction(on.db(), TransactionMode::kRead, [&]() -> Result<std::vector<TaskVersion>> {
    DISYNC_ASSIGN_OR_RETURN(Statement exists, on.Prepare("SELECT 1 FROM tasks WHERE file_id = ?"));
    exists.BindInt(1, file_id.value());
    DISYNC_ASSIGN_OR_RETURN(bool found, exists.Step());
    if (!found) return Error::NotFound("task " + std::to_string(file_id.value()) + " not found");
    DISYNC_ASSIGN_OR_RETURN(Statement stmt,
                            on.Prepare("SELECT version, content, resource_group, created_ms FROM "
                                       "task_versions WHERE file_id = ? ORDER BY version"));
    stmt.BindInt(1, file_id.value());
    std::vector<TaskVersion> versions;
    for (;;) {
      DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      TaskVersion v;
      v.version = static_cast<int32_t>(stmt.ColumnInt(0));
      v.content = stmt.ColumnText(1);
      v.resource_group = stmt.ColumnText(2);
      v.created = FromUnixMillis(stmt.ColumnInt(3));
      versions.push_back(std::move(v));
    }
    return versions;
  });
}

Status SqliteStore::DeleteTask(FileId file_id) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    // Versions and data source references go with it (ON DELETE CASCADE).
    DISYNC_ASSIGN_OR_RETURN(Statement stmt,
                            statements_->Prepare("DELETE FROM tasks WHERE file_id = ?"));
    stmt.BindInt(1, file_id.value());
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) {
      return Error::NotFound("task " + std::to_string(file_id.value()) + " not found");
    }
    return OkStatus();
  });
}

Result<std::vector<Task>> SqliteStore::ListRefTasks(const ListRefTasksQuery& query) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return InTransaction(on.db(), TransactionMode::kRead, [&]() -> Result<std::vector<Task>> {
    int64_t size = std::max<int64_t>(query.page_size, 1);
    int64_t offset = (std::max<int64_t>(query.page_number, 1) - 1) * size;
    DISYNC_ASSIGN_OR_RETURN(
        Statement ids,
        on.Prepare("SELECT t.file_id FROM tasks t JOIN task_datasources d ON "
                   "d.file_id = t.file_id WHERE t.project_id = ? AND d.datasource = ? "
                   "AND d.ref_type = ? AND t.task_type = ? ORDER BY t.file_id "
                   "LIMIT ? OFFSET ?"));
    ids.BindInt(1, query.project.value())
        .BindText(2, query.datasource)
        .BindText(3, query.ref_type)
        .BindText(4, query.task_type)
        .BindInt(5, size)
        .BindInt(6, offset);
    return ReadTasks(on.db(), ids);
  });
}

Result<std::vector<Task>> SqliteStore::TasksUsingDataSource(ProjectId project,
                                                            const std::string& datasource) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return InTransaction(on.db(), TransactionMode::kRead, [&]() -> Result<std::vector<Task>> {
    DISYNC_ASSIGN_OR_RETURN(
        Statement ids,
        on.Prepare("SELECT DISTINCT t.file_id FROM tasks t JOIN task_datasources d ON "
                   "d.file_id = t.file_id WHERE t.project_id = ? AND d.datasource = ? "
                   "ORDER BY t.file_id"));
    ids.BindInt(1, project.value()).BindText(2, datasource);
    return ReadTasks(on.db(), ids);
  });
}

}  // namespace disync::store
