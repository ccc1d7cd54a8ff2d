// SqliteStore: the embedded MetadataStore on one SQLite file (WAL mode,
// synchronous=FULL so that a committed write is fsync'd before the call
// returns; NORMAL for the redoable writes of a generation, statement.h).
// Versioned migrations (src/store/migrations/NNNN_name.sql, compiled into
// the binary) are applied in order at Open, each in its own transaction,
// recorded in a schema_version table.
//
// Secret columns (access_keys.secret) are stored sealed by the injected
// Sealer: sealed before every write, opened after every read, so that the
// file alone reveals no secret; records in memory hold the plaintext. Open
// re-seals any value still in plaintext (files written before sealing).
//
// Thread-safety: thread-safe. Writes go through one connection serialised
// by a mutex; reads through read-only connections of their own, side by
// side (reader_pool.h), each seeing every commit made before it began; a
// third kind of connection only checkpoints the WAL, on its own thread. A
// busy timeout covers other processes (the offline `disyncd admin`
// commands) writing the same file at the same time.
#ifndef DISYNC_STORE_SQLITE_SQLITE_STORE_H_
#define DISYNC_STORE_SQLITE_SQLITE_STORE_H_

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/sealer.h"
#include "store/metadata_store.h"

struct sqlite3;

namespace disync::store {

namespace sqlite_internal {
class ReaderPool;
class StatementCache;
class WalCheckpointer;
}  // namespace sqlite_internal

class SqliteStore final : public MetadataStore {
 public:
  // Opens (creating if needed) the database file, migrates it and re-seals
  // secrets still stored in plaintext. `clock` stamps created/modified times;
  // `sealer` seals and opens the secret columns. Both must outlive the store.
  // A stored secret that `sealer` cannot open (another master key, altered
  // data) does not fail Open: the read of that record fails, kCorruption.
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, const Clock& clock,
                                                   const Sealer& sealer);

  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Highest migration applied.
  int schema_version() const { return schema_version_; }

  // One reader connection pinned to the thread, in one read transaction
  // (reader_pool.h): a Query's admission and answer take one WAL read lock
  // instead of three.
  std::shared_ptr<void> ShareReadsOnThisThread() override;

  Result<Project> CreateProject(const NewProject& project) override;
  Result<Project> GetProject(ProjectId id) override;
  Result<Project> GetProjectByIdentifier(const std::string& identifier) override;
  Result<ProjectPage> ListProjects(const ListProjectsQuery& query) override;

  Status AddMember(ProjectId project, const std::string& user_id) override;
  Status AddMemberRole(ProjectId project, const std::string& user_id,
                       const std::string& role_code) override;
  Status RemoveMemberRole(ProjectId project, const std::string& user_id,
                          const std::string& role_code) override;
  Status RemoveMember(ProjectId project, const std::string& user_id) override;
  Result<std::vector<std::string>> GetMemberRoles(ProjectId project,
                                                  const std::string& user_id) override;
  Result<Member> GetMember(ProjectId project, const std::string& user_id) override;
  Result<WorkspaceAccess> GetWorkspaceAccess(ProjectId project,
                                             const std::string& user_id) override;
  Result<MemberPage> ListMembers(ProjectId project, int32_t page_number,
                                 int32_t page_size) override;
  Result<std::vector<ProjectId>> ListMemberProjects(const std::string& user_id) override;

  Result<ResourceGroup> CreateResourceGroup(const ResourceGroup& group) override;
  Result<ResourceGroup> GetResourceGroup(const std::string& identifier) override;
  Result<std::vector<ResourceGroup>> ListResourceGroups(const std::string& keyword) override;

  Result<DataSource> CreateDataSource(const DataSource& data_source) override;
  Result<DataSource> GetDataSource(DataSourceId id) override;
  Result<DataSource> GetDataSourceByName(ProjectId project, int32_t env_type,
                                         const std::string& name) override;
  Result<DataSourcePage> ListDataSources(const ListDataSourcesQuery& query) override;
  Result<DataSource> UpdateDataSource(const DataSource& data_source) override;
  Status DeleteDataSource(DataSourceId id) override;

  Status PutUser(const User& user) override;
  Result<User> GetUser(const std::string& user_id) override;
  Status CreateAccessKey(const AccessKey& key) override;
  Status PutAccessKey(const AccessKey& key) override;
  Result<AccessKeyAndOwner> GetAccessKeyAndOwner(const std::string& access_key_id) override;
  Status SetAccessKeyStatus(const std::string& access_key_id, AccessKeyStatus status) override;
  Status DeleteAccessKey(const std::string& access_key_id) override;

  Result<EnqueueOutcome> EnqueueProcess(const NewProcess& process,
                                        const std::optional<ClientTokenKey>& token) override;
  Result<std::optional<std::pair<std::string, int64_t>>> FindClientToken(
      const std::string& scope, const std::string& token) override;
  Result<Process> GetProcess(ProcessId id, ProcessDetail detail) override;
  Result<std::optional<Process>> ClaimProcess(const std::string& owner, TimePoint now,
                                              TimePoint lease_until) override;
  Status UpdateProcessProgress(ProcessId id, const std::string& owner, int64_t done,
                               int64_t total, const std::string& message,
                               TimePoint lease_until) override;
  Status FinishProcess(ProcessId id, const std::string& owner, ProcessStatus status,
                       const std::string& message, const TextPieces& task_content) override;
  Result<int64_t> RequeueRunningProcesses() override;

  Result<bool> TaskNameExists(ProjectId project, const std::string& name) override;
  Result<TaskOutcome> CreateTask(const NewTask& task,
                                 const std::optional<ClientTokenKey>& token) override;
  Result<Task> GetTask(FileId file_id) override;
  Result<TaskOutcome> UpdateTask(const TaskUpdate& update,
                                 const std::optional<ClientTokenKey>& token) override;
  Result<std::vector<TaskVersion>> ListTaskVersions(FileId file_id) override;
  Status DeleteTask(FileId file_id) override;
  Result<std::vector<Task>> ListRefTasks(const ListRefTasksQuery& query) override;
  Result<std::vector<Task>> TasksUsingDataSource(ProjectId project,
                                                 const std::string& datasource) override;

  Result<std::optional<std::string>> GetMeta(const std::string& key) override;
  Status PutMeta(const std::string& key, const std::string& value) override;

 private:
  SqliteStore(sqlite3* db, const Clock& clock, const Sealer& sealer);

  // The work behind Open and the public methods; callers hold mu_.
  Status ConfigureLocked();  // the PRAGMAs of the durability/locking contract
  Status MigrateLocked();    // applies pending kMigrations, sets schema_version_
  Result<Project> CreateProjectLocked(const NewProject& project);
  // The ...On helpers read through the connection `on`: the writer's
  // (*statements_, under mu_) inside a write, a reader's otherwise.
  Result<Project> GetProjectOn(sqlite_internal::StatementCache& on, ProjectId id);
  Result<ProjectPage> ListProjectsOn(sqlite_internal::StatementCache& on,
                                     const ListProjectsQuery& query);
  // Seals every access_keys.secret still in plaintext, in one transaction,
  // then scrubs the stale plaintext copies from the file and the WAL.
  Status ResealLocked();
  // kNotFound naming whichever of the two is unknown.
  Status RequireProjectAndUserLocked(ProjectId project, const std::string& user_id);
  Result<std::vector<std::string>> MemberRolesOn(sqlite_internal::StatementCache& on,
                                                 ProjectId project, const std::string& user_id);
  Result<DataSource> GetDataSourceOn(sqlite_internal::StatementCache& on, DataSourceId id);
  Result<Process> GetProcessOn(sqlite_internal::StatementCache& on, ProcessId id,
                               ProcessDetail detail);
  // Opens the sealed `content` of a row read from data_sources.
  Result<DataSource> OpenDataSource(DataSource ds) const;

  // The one way in and out of a secret column (access_keys.secret, and the
  // data source contents to come). `what` names the record in the error
  // (never the value): kCorruption when the stored text cannot be opened.
  Result<std::string> SealSecret(std::string_view plaintext) const;
  Result<std::string> OpenSecret(std::string_view stored, std::string_view what) const;

  std::mutex mu_;
  sqlite3* db_;  // owned; closed in the destructor. Guarded by mu_.
  std::unique_ptr<sqlite_internal::StatementCache> statements_;  // of db_; guarded by mu_
  // Read-only connections for the reads (reader_pool.h).
  std::unique_ptr<sqlite_internal::ReaderPool> readers_;
  // Checkpoints db_'s WAL on a thread of its own (wal_checkpointer.h).
  std::unique_ptr<sqlite_internal::WalCheckpointer> checkpointer_;
  const Clock& clock_;
  const Sealer& sealer_;
  int schema_version_ = 0;  // written only by Open, before the store is shared
};

}  // namespace disync::store

#endif  // DISYNC_STORE_SQLITE_SQLITE_STORE_H_
