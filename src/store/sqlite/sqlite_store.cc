#include "store/sqlite/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/logging.h"
#include "common/time_format.h"
#include "store/migrations.h"
#include "store/sqlite/reader_pool.h"
#include "store/sqlite/statement.h"
#include "store/sqlite/wal_checkpointer.h"

namespace disync::store {

using sqlite_internal::Exec;
using sqlite_internal::InTransaction;
using sqlite_internal::OpenConnection;
using sqlite_internal::ReaderPool;
using sqlite_internal::SetSynchronousFull;
using sqlite_internal::SqliteError;
using sqlite_internal::Statement;
using sqlite_internal::StatementCache;
using sqlite_internal::TransactionMode;

namespace {

// Long enough for an offline admin command's short transaction to finish.
constexpr int kBusyTimeoutMs = 5000;
// Read-only connections kept open between reads: about as many as threads
// read at once (the request workers, the generation threads).
constexpr size_t kMaxIdleReaders = 8;

// Workspace ids are allocated from 10000 and must fit the int32 ProjectId of
// GetProject (workspaces.md section 1.3).
constexpr int64_t kFirstProjectId = 10000;
constexpr int64_t kMaxProjectId = std::numeric_limits<int32_t>::max();
constexpr int64_t kProjectStatusDeleted = 1;

// access_keys.status values.
constexpr int64_t kAccessKeyEnabled = 1;
constexpr int64_t kAccessKeyDisabled = 0;

// SELECT list matching ReadProject.
constexpr std::string_view kProjectColumns =
    "id, identifier, name, description, mode, status, disable_development, is_allow_download, "
    "is_default, resource_manager_resource_group_id, default_di_resource_group, owner_user_id, "
    "tags_json, created_ms, modified_ms";

Result<std::string> TagsToJson(const std::vector<Tag>& tags) {
  nlohmann::json array = nlohmann::json::array();
  for (const Tag& tag : tags) array.push_back({{"key", tag.key}, {"value", tag.value}});
  try {
    return array.dump();
  } catch (const nlohmann::json::exception& e) {
    // dump() refuses strings that are not UTF-8.
    return Error::InvalidArgument(std::string("workspace tags: ") + e.what());
  }
}

Result<std::vector<Tag>> TagsFromJson(const std::string& text) {
  nlohmann::json array = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!array.is_array()) {
    return Error(ErrorCode::kCorruption, "projects.tags_json is not a JSON array: " + text);
  }
  std::vector<Tag> tags;
  tags.reserve(array.size());
  for (const nlohmann::json& item : array) {
    auto key = item.find("key");
    auto value = item.find("value");
    if (!item.is_object() || key == item.end() || value == item.end() || !key->is_string() ||
        !value->is_string()) {
      return Error(ErrorCode::kCorruption, "projects.tags_json has a malformed tag: " + text);
    }
    tags.push_back(Tag{key->get<std::string>(), value->get<std::string>()});
  }
  return tags;
}

Result<Project> ReadProject(const Statement& row) {
  Project p;
  p.id = ProjectId(row.ColumnInt(0));
  p.identifier = row.ColumnText(1);
  p.name = row.ColumnText(2);
  p.description = row.ColumnText(3);
  p.mode = static_cast<int32_t>(row.ColumnInt(4));
  p.status = static_cast<int32_t>(row.ColumnInt(5));
  p.disable_development = row.ColumnInt(6) != 0;
  p.is_allow_download = static_cast<int32_t>(row.ColumnInt(7));
  p.is_default = static_cast<int32_t>(row.ColumnInt(8));
  p.resource_manager_resource_group_id = row.ColumnText(9);
  p.default_di_resource_group = row.ColumnText(10);
  p.owner_user_id = row.ColumnText(11);
  DISYNC_ASSIGN_OR_RETURN(p.tags, TagsFromJson(row.ColumnText(12)));
  p.created = FromUnixMillis(row.ColumnInt(13));
  p.modified = FromUnixMillis(row.ColumnInt(14));
  return p;
}

Result<int> ReadSchemaVersion(sqlite3* db) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db, "SELECT COALESCE(MAX(version), 0) FROM schema_version"));
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  DISYNC_CHECK(row);  // an aggregate always yields one row
  return static_cast<int>(stmt.ColumnInt(0));
}

Error NewerSchema(int found, int known) {
  return Error(ErrorCode::kCorruption, "store schema version " + std::to_string(found) +
                                           " is newer than this binary (" +
                                           std::to_string(known) + ")");
}

}  // namespace

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, const Clock& clock,
                                                       const Sealer& sealer) {
  // NOMUTEX: mu_ already serialises every use of the connection.
  DISYNC_ASSIGN_OR_RETURN(
      auto db, OpenConnection(
                   path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, "open"));
  // From here on the destructor closes the handle on every early return.
  std::unique_ptr<SqliteStore> store(new SqliteStore(db, clock, sealer));
  {
    std::lock_guard lock(store->mu_);
    DISYNC_RETURN_IF_ERROR(store->ConfigureLocked());
    DISYNC_RETURN_IF_ERROR(store->MigrateLocked());
    DISYNC_RETURN_IF_ERROR(store->ResealLocked());
    DISYNC_ASSIGN_OR_RETURN(
        store->checkpointer_,
        sqlite_internal::WalCheckpointer::Start(
            path, db, sqlite_internal::WalCheckpointer::kDefaultThresholdPages));
    store->readers_ = std::make_unique<ReaderPool>(path, kBusyTimeoutMs, kMaxIdleReaders);
  }
  return store;
}

SqliteStore::SqliteStore(sqlite3* db, const Clock& clock, const Sealer& sealer)
    : db_(db),
      statements_(std::make_unique<sqlite_internal::StatementCache>(db)),
      clock_(clock),
      sealer_(sealer) {}

SqliteStore::~SqliteStore() {
  // Statements are finalised (the cached ones here, the others by their
  // owners before any call returns), so close_v2 releases the handle (and
  // checkpoints the WAL) right away.
  readers_.reset();
  checkpointer_.reset();
  statements_.reset();
  sqlite3_close_v2(db_);
}

std::shared_ptr<void> SqliteStore::ShareReadsOnThisThread() {
  // Without a pin (no connection could be opened), each read opens its own
  // transaction, and reports its own failure.
  Result<std::shared_ptr<void>> pinned = readers_->PinOnThisThread();
  return pinned.ok() ? std::move(pinned).value() : nullptr;
}

Status SqliteStore::ConfigureLocked() {
  sqlite3_busy_timeout(db_, kBusyTimeoutMs);
  // A new file gets 16 KB pages; a file keeps the size it was created with
  // (this does nothing to an existing one). The WAL takes a page per frame
  // in two writes: a 38 MB TaskContent went in as 9,300 frames of 4 KB and
  // took 60-90 ms to store, as 2,300 of 16 KB 30-40 ms (bench/README.md,
  // thirteenth round). Before journal_mode, which writes a new file's header.
  DISYNC_RETURN_IF_ERROR(Exec(db_, "PRAGMA page_size=16384", "page_size=16384"));
  {
    DISYNC_ASSIGN_OR_RETURN(Statement stmt, statements_->Prepare("PRAGMA journal_mode=WAL"));
    DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    std::string mode = row ? stmt.ColumnText(0) : std::string();
    if (mode != "wal") {
      return Error::Internal("store: journal_mode=WAL refused (journal mode is \"" + mode + "\")");
    }
  }
  // FULL: a commit fsyncs the WAL before it returns (the durability contract;
  // TransactionMode::kRedoableWrite lowers it for one commit).
  DISYNC_RETURN_IF_ERROR(SetSynchronousFull(db_));
  DISYNC_RETURN_IF_ERROR(Exec(db_, "PRAGMA foreign_keys=ON", "foreign_keys=ON"));
  // Deleted or replaced content is zeroed rather than left in free space
  // (Debian's default, made explicit): no stale copy of a re-sealed secret.
  DISYNC_RETURN_IF_ERROR(Exec(db_, "PRAGMA secure_delete=ON", "secure_delete=ON"));
  return OkStatus();
}

Status SqliteStore::MigrateLocked() {
  DISYNC_CHECK(kMigrationCount > 0);
  const int known = kMigrations[kMigrationCount - 1].version;
  DISYNC_RETURN_IF_ERROR(Exec(db_,
                              "CREATE TABLE IF NOT EXISTS schema_version ("
                              "version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
                              "applied_ms INTEGER NOT NULL)",
                              "create schema_version"));
  DISYNC_ASSIGN_OR_RETURN(int current, ReadSchemaVersion(db_));
  if (current > known) return NewerSchema(current, known);

  for (size_t i = 0; i < kMigrationCount; ++i) {
    const Migration& migration = kMigrations[i];
    if (migration.version <= current) continue;
    Status applied = InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
      // Another process may have migrated since we looked.
      DISYNC_ASSIGN_OR_RETURN(int now_current, ReadSchemaVersion(db_));
      if (now_current > known) return NewerSchema(now_current, known);
      if (migration.version <= now_current) return OkStatus();
      DISYNC_RETURN_IF_ERROR(Exec(db_, migration.sql, "apply"));
      DISYNC_ASSIGN_OR_RETURN(
          Statement record,
          statements_->Prepare(
                             "INSERT INTO schema_version (version, name, applied_ms) "
                             "VALUES (?, ?, ?)"));
      record.BindInt(1, migration.version)
          .BindText(2, migration.name)
          .BindInt(3, ToUnixMillis(clock_.Now()));
      return record.Run();
    });
    if (!applied.ok()) {
      const Error& e = applied.error();
      if (e.code() == ErrorCode::kCorruption) return applied;
      return Error(e.code(), "store migration " + std::to_string(migration.version) + " (" +
                                 migration.name + "): " + e.message());
    }
  }
  DISYNC_ASSIGN_OR_RETURN(schema_version_, ReadSchemaVersion(db_));
  return OkStatus();
}

// ---- sealed secret columns ----

Result<std::string> SqliteStore::SealSecret(std::string_view plaintext) const {
  return sealer_.Seal(plaintext);
}

Result<std::string> SqliteStore::OpenSecret(std::string_view stored, std::string_view what) const {
  Result<std::string> opened = sealer_.Open(stored);
  if (opened.ok()) return opened;
  const Error& e = opened.error();
  return Error(e.code(), std::string(what) + ": " + e.message());
}

namespace {

struct PlaintextSecret {
  std::string access_key_id;
  std::string secret;
};

// The access keys whose secret is not sealed yet.
Result<std::vector<PlaintextSecret>> PlaintextSecrets(sqlite3* db) {
  DISYNC_ASSIGN_OR_RETURN(Statement select,
                          Statement::Prepare(db, "SELECT id, secret FROM access_keys"));
  std::vector<PlaintextSecret> found;
  for (;;) {
    DISYNC_ASSIGN_OR_RETURN(bool row, select.Step());
    if (!row) break;
    std::string secret = select.ColumnText(1);
    if (!Sealer::IsSealed(secret)) found.push_back({select.ColumnText(0), std::move(secret)});
  }
  return found;
}

}  // namespace

Status SqliteStore::ResealLocked() {
  // A read first, so that opening a store that is sealed takes no write lock.
  DISYNC_ASSIGN_OR_RETURN(std::vector<PlaintextSecret> pending, PlaintextSecrets(db_));
  if (pending.empty()) return OkStatus();
  DISYNC_ASSIGN_OR_RETURN(
      size_t resealed, InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<size_t> {
        // Read again under the write lock: another process may have sealed them.
        DISYNC_ASSIGN_OR_RETURN(std::vector<PlaintextSecret> found, PlaintextSecrets(db_));
        for (const PlaintextSecret& plain : found) {
          DISYNC_ASSIGN_OR_RETURN(std::string sealed, SealSecret(plain.secret));
          DISYNC_ASSIGN_OR_RETURN(
              Statement update,
              statements_->Prepare("UPDATE access_keys SET secret = ? WHERE id = ?"));
          update.BindText(1, sealed).BindText(2, plain.access_key_id);
          DISYNC_RETURN_IF_ERROR(update.Run());
        }
        return found.size();
      }));
  if (resealed == 0) return OkStatus();
  logging::Info("store: sealed access key secrets that were stored in plaintext",
                {{"count", std::to_string(resealed)}});
  // The plaintext may survive in pages freed before this binary (VACUUM
  // rewrites every page) and in old WAL frames (TRUNCATE empties the WAL).
  // Best effort: another process using the file can keep either busy, and
  // the secrets themselves are sealed already.
  if (Status vacuumed = Exec(db_, "VACUUM", "vacuum"); !vacuumed.ok()) {
    logging::Warn("store: old plaintext secrets may remain in free pages of the store file",
                  {{"error", vacuumed.error().message()}});
  }
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) {
    logging::Warn("store: old plaintext secrets may remain in the WAL file until it is reused",
                  {{"error", sqlite3_errmsg(db_)}});
  }
  return OkStatus();
}

// ---- workspaces ----

Result<Project> SqliteStore::CreateProject(const NewProject& project) {
  std::lock_guard lock(mu_);
  return CreateProjectLocked(project);
}

Result<Project> SqliteStore::CreateProjectLocked(const NewProject& project) {
  const int64_t requested_id = project.id.value();
  if (requested_id < 0 || requested_id > kMaxProjectId) {
    return Error::InvalidArgument("workspace id " + std::to_string(requested_id) +
                                  " is outside 1.." + std::to_string(kMaxProjectId));
  }
  DISYNC_ASSIGN_OR_RETURN(std::string tags_json, TagsToJson(project.tags));
  const int64_t now_ms = ToUnixMillis(clock_.Now());

  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<Project> {
    int64_t id = requested_id;
    if (id == 0) {
      DISYNC_ASSIGN_OR_RETURN(
          Statement max_id, statements_->Prepare("SELECT COALESCE(MAX(id), 0) FROM projects"));
      DISYNC_ASSIGN_OR_RETURN(bool row, max_id.Step());
      DISYNC_CHECK(row);
      id = std::max(max_id.ColumnInt(0) + 1, kFirstProjectId);
      if (id > kMaxProjectId) {
        return Error::InvalidArgument("no workspace id left: the next one would be " +
                                      std::to_string(id));
      }
    }
    DISYNC_ASSIGN_OR_RETURN(
        Statement insert,
        statements_->Prepare(
            "INSERT INTO projects (id, identifier, name, description, mode, status, "
            "disable_development, is_allow_download, is_default, "
            "resource_manager_resource_group_id, default_di_resource_group, owner_user_id, "
            "tags_json, created_ms, modified_ms) "
            "VALUES (?, ?, ?, ?, ?, 0, ?, ?, 0, ?, '', ?, ?, ?, ?)"));
    insert.BindInt(1, id)
        .BindText(2, project.identifier)
        .BindText(3, project.name)
        .BindText(4, project.description)
        .BindInt(5, project.mode)
        .BindInt(6, project.disable_development ? 1 : 0)
        .BindInt(7, project.is_allow_download)
        .BindText(8, project.resource_manager_resource_group_id)
        .BindText(9, project.owner_user_id)
        .BindText(10, tags_json)
        .BindInt(11, now_ms)
        .BindInt(12, now_ms);
    Status inserted = insert.Run();
    if (!inserted.ok()) {
      if (inserted.error().code() != ErrorCode::kAlreadyExists) return inserted.error();
      // The rowid alias reports PRIMARYKEY, the identifier column UNIQUE.
      if (sqlite3_extended_errcode(db_) == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Error::AlreadyExists("workspace id " + std::to_string(id) + " already exists");
      }
      return Error::AlreadyExists("workspace identifier \"" + project.identifier +
                                  "\" already exists");
    }
    return GetProjectOn(*statements_, ProjectId(id));
  });
}

Result<Project> SqliteStore::GetProject(ProjectId id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return GetProjectOn(on, id);
}

Result<Project> SqliteStore::GetProjectOn(StatementCache& on, ProjectId id) {
  // Built once: every request that names a workspace reads it.
  static const std::string kSelect =
      "SELECT " + std::string(kProjectColumns) + " FROM projects WHERE id = ?";
  DISYNC_ASSIGN_OR_RETURN(Statement stmt, on.Prepare(kSelect));
  stmt.BindInt(1, id.value());
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("workspace " + std::to_string(id.value()) + " not found");
  return ReadProject(stmt);
}

Result<Project> SqliteStore::GetProjectByIdentifier(const std::string& identifier) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(Statement stmt, on.Prepare("SELECT " + std::string(kProjectColumns) +
                                                     " FROM projects WHERE identifier = ?"));
  stmt.BindText(1, identifier);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("workspace \"" + identifier + "\" not found");
  return ReadProject(stmt);
}

Result<ProjectPage> SqliteStore::ListProjects(const ListProjectsQuery& query) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return ListProjectsOn(on, query);
}

Result<ProjectPage> SqliteStore::ListProjectsOn(StatementCache& on,
                                                const ListProjectsQuery& query) {
  if (query.page_number < 1 || query.page_size < 1) {
    return Error::InvalidArgument("page_number and page_size must be at least 1");
  }
  // The clauses are constant text; every value is a bound parameter, bound
  // in the order the clauses are appended.
  std::string where = " FROM projects p WHERE p.status != ?";
  if (!query.resource_manager_resource_group_id.empty()) {
    where += " AND p.resource_manager_resource_group_id = ?";
  }
  for (size_t i = 0; i < query.tags.size(); ++i) {
    where +=
        " AND EXISTS (SELECT 1 FROM json_each(p.tags_json) t"
        " WHERE json_extract(t.value, '$.key') = ? AND json_extract(t.value, '$.value') = ?)";
  }
  if (query.member_user_id.has_value()) {
    where +=
        " AND EXISTS (SELECT 1 FROM project_members m"
        " WHERE m.project_id = p.id AND m.user_id = ?)";
  }
  auto bind_filters = [&query](Statement& stmt) {
    int index = 1;
    stmt.BindInt(index++, kProjectStatusDeleted);
    if (!query.resource_manager_resource_group_id.empty()) {
      stmt.BindText(index++, query.resource_manager_resource_group_id);
    }
    for (const Tag& tag : query.tags) {
      stmt.BindText(index++, tag.key);
      stmt.BindText(index++, tag.value);
    }
    if (query.member_user_id.has_value()) stmt.BindText(index++, *query.member_user_id);
    return index;
  };

  // One read transaction: the count and the page see the same snapshot.
  return InTransaction(on.db(), TransactionMode::kRead, [&]() -> Result<ProjectPage> {
    ProjectPage page;
    {
      DISYNC_ASSIGN_OR_RETURN(Statement count, on.Prepare("SELECT COUNT(*)" + where));
      bind_filters(count);
      DISYNC_ASSIGN_OR_RETURN(bool row, count.Step());
      DISYNC_CHECK(row);
      page.total_count = count.ColumnInt(0);
    }
    DISYNC_ASSIGN_OR_RETURN(Statement select,
                            on.Prepare("SELECT " + std::string(kProjectColumns) + where +
                                       " ORDER BY p.id LIMIT ? OFFSET ?"));
    int index = bind_filters(select);
    const int64_t offset = (static_cast<int64_t>(query.page_number) - 1) * query.page_size;
    select.BindInt(index, query.page_size).BindInt(index + 1, offset);
    while (true) {
      DISYNC_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      DISYNC_ASSIGN_OR_RETURN(Project project, ReadProject(select));
      page.projects.push_back(std::move(project));
    }
    return page;
  });
}

// ---- users and access keys ----

Status SqliteStore::PutUser(const User& user) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "INSERT INTO users (id, name, superuser, created_ms) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                           "name = excluded.name, superuser = excluded.superuser, "
                           "created_ms = excluded.created_ms"));
    stmt.BindText(1, user.id)
        .BindText(2, user.name)
        .BindInt(3, user.superuser ? 1 : 0)
        .BindInt(4, ToUnixMillis(user.created));
    return stmt.Run();
  });
}

namespace {

// User `id` from columns name, superuser, created_ms of a row, from `first`.
User UserFromRow(const Statement& row, int first, const std::string& id) {
  User user;
  user.id = id;
  user.name = row.ColumnText(first);
  user.superuser = row.ColumnInt(first + 1) != 0;
  user.created = FromUnixMillis(row.ColumnInt(first + 2));
  return user;
}

}  // namespace

Result<User> SqliteStore::GetUser(const std::string& user_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(Statement stmt,
                          on.Prepare("SELECT name, superuser, created_ms FROM users WHERE id = ?"));
  stmt.BindText(1, user_id);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("user \"" + user_id + "\" not found");
  return UserFromRow(stmt, 0, user_id);
}

namespace {

int64_t AccessKeyStatusToColumn(AccessKeyStatus status) {
  return status == AccessKeyStatus::kEnabled ? kAccessKeyEnabled : kAccessKeyDisabled;
}

// Writes one access key whose secret is `sealed_secret`; `on_conflict` is
// constant SQL chosen by the caller.
Status WriteAccessKey(sqlite3* db, const AccessKey& key, std::string_view sealed_secret,
                      std::string_view on_conflict) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      Statement::Prepare(db, "INSERT INTO access_keys (id, secret, user_id, status, created_ms) "
                             "VALUES (?, ?, ?, ?, ?)" +
                                 std::string(on_conflict)));
  stmt.BindText(1, key.id)
      .BindText(2, sealed_secret)
      .BindText(3, key.user_id)
      .BindInt(4, AccessKeyStatusToColumn(key.status))
      .BindInt(5, ToUnixMillis(key.created));
  return stmt.Run();
}

}  // namespace

Status SqliteStore::CreateAccessKey(const AccessKey& key) {
  DISYNC_ASSIGN_OR_RETURN(std::string sealed_secret, SealSecret(key.secret));
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    Status written = WriteAccessKey(db_, key, sealed_secret, "");
    if (!written.ok() && written.error().code() == ErrorCode::kAlreadyExists) {
      return Error::AlreadyExists("access key " + key.id + " already exists");
    }
    return written;
  });
}

Status SqliteStore::PutAccessKey(const AccessKey& key) {
  DISYNC_ASSIGN_OR_RETURN(std::string sealed_secret, SealSecret(key.secret));
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    return WriteAccessKey(db_, key, sealed_secret,
                          " ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, "
                          "user_id = excluded.user_id, status = excluded.status, "
                          "created_ms = excluded.created_ms");
  });
}

Result<AccessKeyAndOwner> SqliteStore::GetAccessKeyAndOwner(const std::string& access_key_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      on.Prepare("SELECT k.secret, k.user_id, k.status, k.created_ms, "
                 "u.name, u.superuser, u.created_ms "
                 "FROM access_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ?"));
  stmt.BindText(1, access_key_id);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("access key " + access_key_id + " not found");
  AccessKey key;
  key.id = access_key_id;
  DISYNC_ASSIGN_OR_RETURN(key.secret,
                          OpenSecret(stmt.ColumnText(0), "access key " + access_key_id));
  key.user_id = stmt.ColumnText(1);
  const int64_t status = stmt.ColumnInt(2);
  if (status == kAccessKeyEnabled) {
    key.status = AccessKeyStatus::kEnabled;
  } else if (status == kAccessKeyDisabled) {
    key.status = AccessKeyStatus::kDisabled;
  } else {
    return Error(ErrorCode::kCorruption,
                 "access key " + access_key_id + " has status " + std::to_string(status));
  }
  key.created = FromUnixMillis(stmt.ColumnInt(3));
  User owner = UserFromRow(stmt, 4, key.user_id);
  return AccessKeyAndOwner{std::move(key), std::move(owner)};
}

Status SqliteStore::SetAccessKeyStatus(const std::string& access_key_id,
                                       AccessKeyStatus status) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt, statements_->Prepare("UPDATE access_keys SET status = ? WHERE id = ?"));
    stmt.BindInt(1, AccessKeyStatusToColumn(status)).BindText(2, access_key_id);
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) {
      return Error::NotFound("access key " + access_key_id + " not found");
    }
    return OkStatus();
  });
}

Status SqliteStore::DeleteAccessKey(const std::string& access_key_id) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(Statement stmt,
                            statements_->Prepare("DELETE FROM access_keys WHERE id = ?"));
    stmt.BindText(1, access_key_id);
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) {
      return Error::NotFound("access key " + access_key_id + " not found");
    }
    return OkStatus();
  });
}

// ---- workspace members ----

Status SqliteStore::AddMember(ProjectId project, const std::string& user_id) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_RETURN_IF_ERROR(RequireProjectAndUserLocked(project, user_id));
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "INSERT INTO project_users (project_id, user_id, created_ms) "
                           "VALUES (?, ?, ?)"));
    stmt.BindInt(1, project.value()).BindText(2, user_id).BindInt(3, ToUnixMillis(clock_.Now()));
    auto inserted = stmt.Run();
    if (!inserted.ok() && inserted.error().code() == ErrorCode::kAlreadyExists) {
      return Error::AlreadyExists("user " + user_id + " is a member already");
    }
    return inserted;
  });
}

Status SqliteStore::RequireProjectAndUserLocked(ProjectId project, const std::string& user_id) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      statements_->Prepare(
                         "SELECT (SELECT COUNT(*) FROM projects WHERE id = ?), "
                         "(SELECT COUNT(*) FROM users WHERE id = ?)"));
  stmt.BindInt(1, project.value()).BindText(2, user_id);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row || stmt.ColumnInt(0) == 0) {
    return Error::NotFound("workspace " + std::to_string(project.value()) + " not found");
  }
  if (stmt.ColumnInt(1) == 0) return Error::NotFound("user " + user_id + " not found");
  return OkStatus();
}

Status SqliteStore::AddMemberRole(ProjectId project, const std::string& user_id,
                                  const std::string& role_code) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_RETURN_IF_ERROR(RequireProjectAndUserLocked(project, user_id));
    int64_t now = ToUnixMillis(clock_.Now());
    DISYNC_ASSIGN_OR_RETURN(
        Statement member,
        statements_->Prepare(
                           "INSERT INTO project_users (project_id, user_id, created_ms) "
                           "VALUES (?, ?, ?) ON CONFLICT DO NOTHING"));
    member.BindInt(1, project.value()).BindText(2, user_id).BindInt(3, now);
    DISYNC_RETURN_IF_ERROR(member.Run());
    DISYNC_ASSIGN_OR_RETURN(
        Statement role,
        statements_->Prepare(
                           "INSERT INTO project_members (project_id, user_id, role_code, "
                           "created_ms) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"));
    role.BindInt(1, project.value()).BindText(2, user_id).BindText(3, role_code).BindInt(4, now);
    return role.Run();
  });
}

Status SqliteStore::RemoveMemberRole(ProjectId project, const std::string& user_id,
                                     const std::string& role_code) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "DELETE FROM project_members WHERE project_id = ? AND user_id = ? "
                           "AND role_code = ?"));
    stmt.BindInt(1, project.value()).BindText(2, user_id).BindText(3, role_code);
    return stmt.Run();
  });
}

Status SqliteStore::RemoveMember(ProjectId project, const std::string& user_id) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(
        Statement roles,
        statements_->Prepare("DELETE FROM project_members WHERE project_id = ? AND user_id = ?"));
    roles.BindInt(1, project.value()).BindText(2, user_id);
    DISYNC_RETURN_IF_ERROR(roles.Run());
    DISYNC_ASSIGN_OR_RETURN(
        Statement member,
        statements_->Prepare("DELETE FROM project_users WHERE project_id = ? AND user_id = ?"));
    member.BindInt(1, project.value()).BindText(2, user_id);
    DISYNC_RETURN_IF_ERROR(member.Run());
    if (sqlite3_changes(db_) == 0) return Error::NotFound("user " + user_id + " is not a member");
    return OkStatus();
  });
}

Result<std::vector<std::string>> SqliteStore::GetMemberRoles(ProjectId project,
                                                             const std::string& user_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return MemberRolesOn(on, project, user_id);
}

Result<std::vector<std::string>> SqliteStore::MemberRolesOn(StatementCache& on, ProjectId project,
                                                            const std::string& user_id) {
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt, on.Prepare("SELECT role_code FROM project_members WHERE project_id = ? AND "
                                 "user_id = ? ORDER BY role_code"));
  stmt.BindInt(1, project.value()).BindText(2, user_id);
  std::vector<std::string> roles;
  for (;;) {
    DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    roles.push_back(stmt.ColumnText(0));
  }
  return roles;
}

Result<Member> SqliteStore::GetMember(ProjectId project, const std::string& user_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      on.Prepare("SELECT pu.user_id, u.name, pu.created_ms FROM project_users pu JOIN "
                 "users u ON u.id = pu.user_id WHERE pu.project_id = ? AND pu.user_id = ?"));
  stmt.BindInt(1, project.value()).BindText(2, user_id);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("user " + user_id + " is not a member");
  Member m{stmt.ColumnText(0), stmt.ColumnText(1), {}, FromUnixMillis(stmt.ColumnInt(2))};
  DISYNC_ASSIGN_OR_RETURN(m.roles, MemberRolesOn(on, project, user_id));
  return m;
}

Result<WorkspaceAccess> SqliteStore::GetWorkspaceAccess(ProjectId project,
                                                        const std::string& user_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  // Only the columns access depends on: the whole workspace row would parse
  // its tags (JSON) on every authorised request.
  WorkspaceAccess access;
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      on.Prepare("SELECT mode, status, disable_development FROM projects WHERE id = ?"));
  stmt.BindInt(1, project.value());
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("workspace " + std::to_string(project.value()) + " not found");
  access.mode = static_cast<int32_t>(stmt.ColumnInt(0));
  access.status = static_cast<int32_t>(stmt.ColumnInt(1));
  access.disable_development = stmt.ColumnInt(2) != 0;
  // Read while `stmt` still holds its read transaction: the roles of the
  // same snapshot, under one WAL read lock instead of two.
  DISYNC_ASSIGN_OR_RETURN(access.roles, MemberRolesOn(on, project, user_id));
  return access;
}

Result<MemberPage> SqliteStore::ListMembers(ProjectId project, int32_t page_number,
                                            int32_t page_size) {
  if (page_number < 1 || page_size < 1) return Error::InvalidArgument("page_number and page_size must be at least 1");
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return InTransaction(on.db(), TransactionMode::kRead, [&]() -> Result<MemberPage> {
    MemberPage page;
    DISYNC_ASSIGN_OR_RETURN(Statement count,
                            on.Prepare("SELECT COUNT(*) FROM project_users WHERE project_id = ?"));
    count.BindInt(1, project.value());
    DISYNC_RETURN_IF_ERROR(count.Step());
    page.total_count = count.ColumnInt(0);
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        on.Prepare("SELECT pu.user_id, u.name, pu.created_ms FROM project_users pu JOIN "
                   "users u ON u.id = pu.user_id WHERE pu.project_id = ? "
                   "ORDER BY pu.created_ms, pu.user_id LIMIT ? OFFSET ?"));
    stmt.BindInt(1, project.value())
        .BindInt(2, page_size)
        .BindInt(3, static_cast<int64_t>(page_number - 1) * page_size);
    for (;;) {
      DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      page.members.push_back(
          {stmt.ColumnText(0), stmt.ColumnText(1), {}, FromUnixMillis(stmt.ColumnInt(2))});
    }
    for (auto& m : page.members) {
      DISYNC_ASSIGN_OR_RETURN(m.roles, MemberRolesOn(on, project, m.user_id));
    }
    return page;
  });
}

Result<std::vector<ProjectId>> SqliteStore::ListMemberProjects(const std::string& user_id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt, on.Prepare("SELECT pu.project_id FROM project_users pu JOIN projects p ON "
                                 "p.id = pu.project_id WHERE pu.user_id = ? AND p.status <> 1 "
                                 "ORDER BY pu.project_id"));
  stmt.BindText(1, user_id);
  std::vector<ProjectId> out;
  for (;;) {
    DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.emplace_back(stmt.ColumnInt(0));
  }
  return out;
}

// ---- resource groups ----

namespace {

ResourceGroup ReadResourceGroup(const Statement& row) {
  return {row.ColumnInt(0), row.ColumnText(1), row.ColumnText(2), FromUnixMillis(row.ColumnInt(3))};
}

}  // namespace

Result<ResourceGroup> SqliteStore::CreateResourceGroup(const ResourceGroup& group) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<ResourceGroup> {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "INSERT INTO resource_groups (identifier, name, created_ms) "
                           "VALUES (?, ?, ?)"));
    stmt.BindText(1, group.identifier).BindText(2, group.name).BindInt(3, ToUnixMillis(group.created));
    auto inserted = stmt.Run();
    if (!inserted.ok() && inserted.error().code() == ErrorCode::kAlreadyExists) {
      return Error::AlreadyExists("resource group " + group.identifier + " exists");
    }
    DISYNC_RETURN_IF_ERROR(inserted);
    ResourceGroup created = group;
    created.id = sqlite3_last_insert_rowid(db_);
    created.created = FromUnixMillis(ToUnixMillis(group.created));
    return created;
  });
}

Result<ResourceGroup> SqliteStore::GetResourceGroup(const std::string& identifier) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      on.Prepare("SELECT id, identifier, name, created_ms FROM resource_groups WHERE "
                 "identifier = ?"));
  stmt.BindText(1, identifier);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("resource group " + identifier + " not found");
  return ReadResourceGroup(stmt);
}

Result<std::vector<ResourceGroup>> SqliteStore::ListResourceGroups(const std::string& keyword) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(
      Statement stmt,
      on.Prepare("SELECT id, identifier, name, created_ms FROM resource_groups WHERE "
                 "? = '' OR instr(identifier, ?) > 0 OR instr(name, ?) > 0 ORDER BY id"));
  stmt.BindText(1, keyword).BindText(2, keyword).BindText(3, keyword);
  std::vector<ResourceGroup> out;
  for (;;) {
    DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
    if (!row) break;
    out.push_back(ReadResourceGroup(stmt));
  }
  return out;
}

// ---- data sources ----

namespace {

constexpr std::string_view kDataSourceColumns =
    "id, project_id, name, type, sub_type, env_type, content_sealed, description, status, "
    "operator_user_id, created_ms, modified_ms";

// A data_sources row; `content` still holds the sealed text.
DataSource ReadDataSourceRow(const Statement& row) {
  DataSource ds;
  ds.id = DataSourceId(row.ColumnInt(0));
  ds.project = ProjectId(row.ColumnInt(1));
  ds.name = row.ColumnText(2);
  ds.type = row.ColumnText(3);
  ds.sub_type = row.ColumnText(4);
  ds.env_type = static_cast<int32_t>(row.ColumnInt(5));
  ds.content = row.ColumnText(6);
  ds.description = row.ColumnText(7);
  ds.status = static_cast<int32_t>(row.ColumnInt(8));
  ds.operator_user_id = row.ColumnText(9);
  ds.created = FromUnixMillis(row.ColumnInt(10));
  ds.modified = FromUnixMillis(row.ColumnInt(11));
  return ds;
}

}  // namespace

Result<DataSource> SqliteStore::OpenDataSource(DataSource ds) const {
  DISYNC_ASSIGN_OR_RETURN(ds.content, OpenSecret(ds.content, "data source " + ds.name));
  return ds;
}

Result<DataSource> SqliteStore::GetDataSourceOn(StatementCache& on, DataSourceId id) {
  DISYNC_ASSIGN_OR_RETURN(Statement stmt, on.Prepare("SELECT " + std::string(kDataSourceColumns) +
                                                     " FROM data_sources WHERE id = ?"));
  stmt.BindInt(1, id.value());
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("data source " + std::to_string(id.value()) + " not found");
  return OpenDataSource(ReadDataSourceRow(stmt));
}

Result<DataSource> SqliteStore::CreateDataSource(const DataSource& data_source) {
  DISYNC_ASSIGN_OR_RETURN(std::string sealed, SealSecret(data_source.content));
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<DataSource> {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "INSERT INTO data_sources (project_id, name, type, sub_type, env_type, "
                           "content_sealed, description, status, operator_user_id, created_ms, "
                           "modified_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    stmt.BindInt(1, data_source.project.value())
        .BindText(2, data_source.name)
        .BindText(3, data_source.type)
        .BindText(4, data_source.sub_type)
        .BindInt(5, data_source.env_type)
        .BindText(6, sealed)
        .BindText(7, data_source.description)
        .BindInt(8, data_source.status)
        .BindText(9, data_source.operator_user_id)
        .BindInt(10, ToUnixMillis(data_source.created))
        .BindInt(11, ToUnixMillis(data_source.modified));
    auto inserted = stmt.Run();
    if (!inserted.ok() && inserted.error().code() == ErrorCode::kAlreadyExists) {
      return Error::AlreadyExists("data source " + data_source.name + " exists");
    }
    DISYNC_RETURN_IF_ERROR(inserted);
    return GetDataSourceOn(*statements_, DataSourceId(sqlite3_last_insert_rowid(db_)));
  });
}

Result<DataSource> SqliteStore::GetDataSource(DataSourceId id) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return GetDataSourceOn(on, id);
}

Result<DataSource> SqliteStore::GetDataSourceByName(ProjectId project, int32_t env_type,
                                                    const std::string& name) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(Statement stmt,
                          on.Prepare("SELECT " + std::string(kDataSourceColumns) +
                                     " FROM data_sources WHERE project_id = ? AND env_type = ? AND "
                                     "name = ?"));
  stmt.BindInt(1, project.value()).BindInt(2, env_type).BindText(3, name);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return Error::NotFound("data source " + name + " not found");
  return OpenDataSource(ReadDataSourceRow(stmt));
}

Result<DataSourcePage> SqliteStore::ListDataSources(const ListDataSourcesQuery& q) {
  if (q.page_number < 1 || q.page_size < 1) return Error::InvalidArgument("page_number and page_size must be at least 1");
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  return InTransaction(on.db(), TransactionMode::kRead, [&]() -> Result<DataSourcePage> {
    const std::string where =
        " FROM data_sources WHERE project_id = ? AND (? = '' OR instr(name, ?) > 0) AND "
        "(? = '' OR type = ?) AND (? = '' OR sub_type = ?) AND (? < 0 OR env_type = ?) AND "
        "(? < 0 OR status = ?)";
    auto bind = [&](Statement& s) {
      s.BindInt(1, q.project.value())
          .BindText(2, q.name)
          .BindText(3, q.name)
          .BindText(4, q.type)
          .BindText(5, q.type)
          .BindText(6, q.sub_type)
          .BindText(7, q.sub_type)
          .BindInt(8, q.env_type.value_or(-1))
          .BindInt(9, q.env_type.value_or(-1))
          .BindInt(10, q.status.value_or(-1))
          .BindInt(11, q.status.value_or(-1));
    };
    DataSourcePage page;
    DISYNC_ASSIGN_OR_RETURN(Statement count, on.Prepare("SELECT COUNT(*)" + where));
    bind(count);
    DISYNC_RETURN_IF_ERROR(count.Step());
    page.total_count = count.ColumnInt(0);
    DISYNC_ASSIGN_OR_RETURN(Statement stmt, on.Prepare("SELECT " + std::string(kDataSourceColumns) +
                                                       where + " ORDER BY id LIMIT ? OFFSET ?"));
    bind(stmt);
    stmt.BindInt(12, q.page_size).BindInt(13, static_cast<int64_t>(q.page_number - 1) * q.page_size);
    for (;;) {
      DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
      if (!row) break;
      DISYNC_ASSIGN_OR_RETURN(DataSource ds, OpenDataSource(ReadDataSourceRow(stmt)));
      page.data_sources.push_back(std::move(ds));
    }
    return page;
  });
}

Result<DataSource> SqliteStore::UpdateDataSource(const DataSource& data_source) {
  DISYNC_ASSIGN_OR_RETURN(std::string sealed, SealSecret(data_source.content));
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Result<DataSource> {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "UPDATE data_sources SET content_sealed = ?, description = ?, "
                           "env_type = ?, status = ?, operator_user_id = ?, modified_ms = ? "
                           "WHERE id = ?"));
    stmt.BindText(1, sealed)
        .BindText(2, data_source.description)
        .BindInt(3, data_source.env_type)
        .BindInt(4, data_source.status)
        .BindText(5, data_source.operator_user_id)
        .BindInt(6, ToUnixMillis(data_source.modified))
        .BindInt(7, data_source.id.value());
    auto updated = stmt.Run();
    if (!updated.ok() && updated.error().code() == ErrorCode::kAlreadyExists) {
      return Error::AlreadyExists("data source " + data_source.name + " exists there");
    }
    DISYNC_RETURN_IF_ERROR(updated);
    if (sqlite3_changes(db_) == 0) {
      return Error::NotFound("data source " + std::to_string(data_source.id.value()) +
                             " not found");
    }
    return GetDataSourceOn(*statements_, data_source.id);
  });
}

Status SqliteStore::DeleteDataSource(DataSourceId id) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(Statement stmt,
                            statements_->Prepare("DELETE FROM data_sources WHERE id = ?"));
    stmt.BindInt(1, id.value());
    DISYNC_RETURN_IF_ERROR(stmt.Run());
    if (sqlite3_changes(db_) == 0) {
      return Error::NotFound("data source " + std::to_string(id.value()) + " not found");
    }
    return OkStatus();
  });
}

// ---- small server state ----

Result<std::optional<std::string>> SqliteStore::GetMeta(const std::string& key) {
  DISYNC_ASSIGN_OR_RETURN(ReaderPool::Lease reader, readers_->Acquire());
  StatementCache& on = reader.statements();
  DISYNC_ASSIGN_OR_RETURN(Statement stmt, on.Prepare("SELECT value FROM meta WHERE key = ?"));
  stmt.BindText(1, key);
  DISYNC_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(stmt.ColumnText(0));
}

Status SqliteStore::PutMeta(const std::string& key, const std::string& value) {
  std::lock_guard lock(mu_);
  return InTransaction(db_, TransactionMode::kWrite, [&]() -> Status {
    DISYNC_ASSIGN_OR_RETURN(
        Statement stmt,
        statements_->Prepare(
                           "INSERT INTO meta (key, value) VALUES (?, ?) "
                           "ON CONFLICT (key) DO UPDATE SET value = excluded.value"));
    stmt.BindText(1, key).BindText(2, value);
    return stmt.Run();
  });
}

}  // namespace disync::store
