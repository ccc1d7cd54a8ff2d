// MetadataStore: everything disync keeps, behind one interface. The SQLite
// implementation (sqlite/sqlite_store.h) is the embedded default; tests may
// use the same class on a temp file.
//
// Durability contract: when a mutating call returns OK, its effect is on disk
// (fsync'd); the API answers only after that. Except the two writes that
// disyncd redoes (UpdateProcessProgress, FinishProcess: what a generation
// writes about itself): they survive a crash of disyncd, but a power failure
// may take them until the next durable commit, after which the process is
// still running and is run again (RequeueRunningProcesses, or its lease).
// Thread-safety: implementations are thread-safe. Calls block on disk I/O:
// writes, and reads of unbounded size, must never run on an io_context
// thread; the Dispatcher admits a small request there, and a route's
// QuickHandler may answer there, with a few point reads (openapi/router.h).
#ifndef DISYNC_STORE_METADATA_STORE_H_
#define DISYNC_STORE_METADATA_STORE_H_

#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/text_pieces.h"
#include "store/records.h"

namespace disync::store {

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // Until the returned object is destroyed (on this thread), the reads the
  // calling thread makes share one snapshot of the store, and the cost of
  // beginning a read is paid once: for a run of reads with no write of this
  // thread among them (a request's admission and a quick answer), which
  // would not see that write. Null when there is nothing to share (the
  // reads then stand alone, as without it).
  virtual std::shared_ptr<void> ShareReadsOnThisThread() { return nullptr; }

  // ---- workspaces ----
  // kAlreadyExists when the identifier or the explicit id is taken.
  virtual Result<Project> CreateProject(const NewProject& project) = 0;
  // kNotFound when absent.
  virtual Result<Project> GetProject(ProjectId id) = 0;
  virtual Result<Project> GetProjectByIdentifier(const std::string& identifier) = 0;
  // Ordered by id ascending.
  virtual Result<ProjectPage> ListProjects(const ListProjectsQuery& query) = 0;

  // ---- workspace members ----
  // Makes the user a member without roles. kAlreadyExists for a member;
  // kNotFound when the workspace or the user is unknown.
  virtual Status AddMember(ProjectId project, const std::string& user_id) = 0;
  // Grants `role_code` to the user in the workspace, making it a member if
  // needed; granting a role held already is a no-op. kNotFound when the
  // workspace or the user is unknown.
  virtual Status AddMemberRole(ProjectId project, const std::string& user_id,
                               const std::string& role_code) = 0;
  // Revokes one role; revoking a role not held is a no-op. The member stays.
  virtual Status RemoveMemberRole(ProjectId project, const std::string& user_id,
                                  const std::string& role_code) = 0;
  // Removes the member and all its roles. kNotFound for a non-member.
  virtual Status RemoveMember(ProjectId project, const std::string& user_id) = 0;
  // The user's role codes in the workspace, sorted; empty for a non-member.
  virtual Result<std::vector<std::string>> GetMemberRoles(ProjectId project,
                                                          const std::string& user_id) = 0;
  // kNotFound for a non-member.
  virtual Result<Member> GetMember(ProjectId project, const std::string& user_id) = 0;
  // The workspace's mode, status and development switch and the user's
  // roles there, in one read (every authorised request asks); kNotFound
  // when the workspace does not exist.
  virtual Result<WorkspaceAccess> GetWorkspaceAccess(ProjectId project,
                                                     const std::string& user_id) = 0;
  virtual Result<MemberPage> ListMembers(ProjectId project, int32_t page_number,
                                         int32_t page_size) = 0;
  // Workspaces in which the user is a member, by id.
  virtual Result<std::vector<ProjectId>> ListMemberProjects(const std::string& user_id) = 0;

  // ---- resource groups ----
  // kAlreadyExists when the identifier is taken.
  virtual Result<ResourceGroup> CreateResourceGroup(const ResourceGroup& group) = 0;
  virtual Result<ResourceGroup> GetResourceGroup(const std::string& identifier) = 0;
  // Ordered by id; `keyword` ("" = any) is a substring of name or identifier.
  virtual Result<std::vector<ResourceGroup>> ListResourceGroups(const std::string& keyword) = 0;

  // ---- data sources ----
  // Allocates the id. kAlreadyExists when (project, env_type, name) is taken.
  virtual Result<DataSource> CreateDataSource(const DataSource& data_source) = 0;
  virtual Result<DataSource> GetDataSource(DataSourceId id) = 0;
  virtual Result<DataSource> GetDataSourceByName(ProjectId project, int32_t env_type,
                                                 const std::string& name) = 0;
  virtual Result<DataSourcePage> ListDataSources(const ListDataSourcesQuery& query) = 0;
  // Replaces content, description, env_type, status and operator of the data
  // source with this id. kNotFound when absent; kAlreadyExists when a new
  // env_type clashes with a data source of the same name there.
  virtual Result<DataSource> UpdateDataSource(const DataSource& data_source) = 0;
  // kNotFound when absent.
  virtual Status DeleteDataSource(DataSourceId id) = 0;

  // ---- users and access keys ----
  // Creates or replaces.
  virtual Status PutUser(const User& user) = 0;
  virtual Result<User> GetUser(const std::string& user_id) = 0;
  // kAlreadyExists when the id is taken.
  virtual Status CreateAccessKey(const AccessKey& key) = 0;
  // Creates or replaces (for the root key given by environment).
  virtual Status PutAccessKey(const AccessKey& key) = 0;
  // The key and its owner, in one read; kNotFound when the key is absent.
  virtual Result<AccessKeyAndOwner> GetAccessKeyAndOwner(const std::string& access_key_id) = 0;
  virtual Status SetAccessKeyStatus(const std::string& access_key_id,
                                    AccessKeyStatus status) = 0;
  virtual Status DeleteAccessKey(const std::string& access_key_id) = 0;

  // ---- async generation processes (the durable queue) ----
  // Stores a queued process. With a token: a token seen before with the same
  // request hash returns that process (replayed); with another hash it is
  // kAlreadyExists. Token and process are written in one transaction. The
  // process comes back without its large texts (ProcessDetail::kStatus).
  virtual Result<EnqueueOutcome> EnqueueProcess(const NewProcess& process,
                                                const std::optional<ClientTokenKey>& token) = 0;
  // The request hash and result id a token was first used with, if it was.
  virtual Result<std::optional<std::pair<std::string, int64_t>>> FindClientToken(
      const std::string& scope, const std::string& token) = 0;
  // kNotFound when absent.
  virtual Result<Process> GetProcess(ProcessId id, ProcessDetail detail) = 0;
  // Takes the oldest process that is queued, or running under a lease that
  // expired before `now`: marks it running for `owner` until `lease_until`.
  virtual Result<std::optional<Process>> ClaimProcess(const std::string& owner, TimePoint now,
                                                      TimePoint lease_until) = 0;
  // Progress of a claimed process, renewing the lease. kNotFound when the
  // process is no longer running for `owner` (its lease was lost).
  virtual Status UpdateProcessProgress(ProcessId id, const std::string& owner, int64_t done,
                                       int64_t total, const std::string& message,
                                       TimePoint lease_until) = 0;
  // Ends a claimed process with success (and its TaskContent) or failure.
  virtual Status FinishProcess(ProcessId id, const std::string& owner, ProcessStatus status,
                               const std::string& message, const TextPieces& task_content) = 0;
  // Puts every running process back in the queue (a single node restarting:
  // nothing else can be running them). Returns how many.
  virtual Result<int64_t> RequeueRunningProcesses() = 0;

  // ---- sync tasks ----
  // Whether a task file of the workspace has this name.
  virtual Result<bool> TaskNameExists(ProjectId project, const std::string& name) = 0;
  // Creates the task (version 1) in `folder_path`, creating the folder on
  // demand. kAlreadyExists when the name is taken in the workspace. With a
  // token: seen before with the same request hash -> that task (replayed);
  // with another hash -> kFailedPrecondition. One transaction.
  virtual Result<TaskOutcome> CreateTask(const NewTask& task,
                                         const std::optional<ClientTokenKey>& token) = 0;
  // The task with its latest version. kNotFound when absent.
  virtual Result<Task> GetTask(FileId file_id) = 0;
  // Writes a new version. kNotFound when absent; token as for CreateTask.
  virtual Result<TaskOutcome> UpdateTask(const TaskUpdate& update,
                                         const std::optional<ClientTokenKey>& token) = 0;
  // Oldest first.
  virtual Result<std::vector<TaskVersion>> ListTaskVersions(FileId file_id) = 0;
  // Removes the task and its versions. kNotFound when absent.
  virtual Status DeleteTask(FileId file_id) = 0;
  // Tasks of the workspace that read from ("from") or write to ("to") a data
  // source, of one task type, by FileId.
  virtual Result<std::vector<Task>> ListRefTasks(const ListRefTasksQuery& query) = 0;
  // Every task of the workspace that uses the data source, either way.
  virtual Result<std::vector<Task>> TasksUsingDataSource(ProjectId project,
                                                         const std::string& datasource) = 0;

  // ---- small server state (nonce heartbeat, ...) ----
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status PutMeta(const std::string& key, const std::string& value) = 0;
};

}  // namespace disync::store

#endif  // DISYNC_STORE_METADATA_STORE_H_
