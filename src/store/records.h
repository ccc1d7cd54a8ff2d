// Records kept by the MetadataStore: plain value types, no behaviour.
// Thread-compatible.
#ifndef DISYNC_STORE_RECORDS_H_
#define DISYNC_STORE_RECORDS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/time_format.h"

namespace disync::store {

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

// A DataWorks workspace (workspaces.md section 1.2).
struct Project {
  ProjectId id;                    // <= INT32_MAX: GetProject declares int32
  std::string identifier;          // unique workspace name
  std::string name;                // display name
  std::string description;
  int32_t mode = 2;                // 2 basic, 3 standard
  int32_t status = 0;              // 0 AVAILABLE ... 9 UPDATE_FAILED
  bool disable_development = false;
  int32_t is_allow_download = 1;
  int32_t is_default = 0;
  std::string resource_manager_resource_group_id;
  std::string default_di_resource_group;
  std::string owner_user_id;
  std::vector<Tag> tags;
  TimePoint created;
  TimePoint modified;
};

// What CreateProject needs; id 0 lets the store allocate the next id.
struct NewProject {
  ProjectId id;
  std::string identifier;
  std::string name;
  std::string description;
  int32_t mode = 2;
  bool disable_development = false;
  int32_t is_allow_download = 1;
  std::string resource_manager_resource_group_id;
  std::string owner_user_id;
  std::vector<Tag> tags;
};

struct ListProjectsQuery {
  int32_t page_number = 1;  // from 1
  int32_t page_size = 10;
  std::string resource_manager_resource_group_id;  // "" = any
  std::vector<Tag> tags;                           // all must match
  // When set, only workspaces in which this user holds a role.
  std::optional<std::string> member_user_id;
};

struct ProjectPage {
  std::vector<Project> projects;
  int64_t total_count = 0;
};

// A principal that holds access keys. The superuser passes every check.
struct User {
  std::string id;  // opaque string (Alibaba account / RAM user id)
  std::string name;
  bool superuser = false;
  TimePoint created;
};

enum class AccessKeyStatus { kEnabled, kDisabled };

struct AccessKey {
  std::string id;
  std::string secret;  // plaintext in memory only
  std::string user_id;
  AccessKeyStatus status = AccessKeyStatus::kEnabled;
  TimePoint created;
};

// An access key with the user who owns it: what every signed request reads.
struct AccessKeyAndOwner {
  AccessKey key;
  User owner;
};

// What deciding a user's access to a workspace reads: the workspace's
// state and the user's roles there.
struct WorkspaceAccess {
  int32_t mode = 2;    // as Project::mode
  int32_t status = 0;  // as Project::status
  bool disable_development = false;
  std::vector<std::string> roles;  // sorted; empty for a non-member
};

// A member of a workspace and the role codes it holds (possibly none).
struct Member {
  std::string user_id;
  std::string user_name;
  std::vector<std::string> roles;  // sorted
  TimePoint joined;
};

struct MemberPage {
  std::vector<Member> members;  // ordered by join time, then user id
  int64_t total_count = 0;
};

// A Data Integration resource group (tasks.md, ListResourceGroups).
struct ResourceGroup {
  int64_t id = 0;
  std::string identifier;  // e.g. "S_res_group_demo", the TaskParam.ResourceGroup value
  std::string name;
  TimePoint created;
};

// A data source of a workspace (datasources.md). `content` is the whole
// Content JSON with its secrets, in memory only: the store seals it.
struct DataSource {
  DataSourceId id;
  ProjectId project;
  std::string name;
  std::string type;      // "mysql", "postgresql", "holo", "odps", "kafka", ...
  std::string sub_type;  // only for "rds"
  int32_t env_type = 1;  // 0 development, 1 production
  std::string content;   // JSON text, secrets included
  std::string description;
  int32_t status = 1;    // 1 enabled, 2 disabled
  std::string operator_user_id;
  TimePoint created;
  TimePoint modified;
};

struct ListDataSourcesQuery {
  ProjectId project;
  std::string name;      // "" = any; otherwise a substring of the name
  std::string type;      // "" = any
  std::string sub_type;  // "" = any
  std::optional<int32_t> env_type;
  std::optional<int32_t> status;
  int32_t page_number = 1;
  int32_t page_size = 10;
};

struct DataSourcePage {
  std::vector<DataSource> data_sources;  // ordered by id
  int64_t total_count = 0;
};

// ---- async generation processes ----

enum class ProcessStatus { kQueued, kRunning, kSuccess, kFail };
std::string_view ToString(ProcessStatus status);
std::optional<ProcessStatus> ParseProcessStatus(std::string_view text);

// What GetProcess reads of a process besides its small fields: its two large
// texts (megabytes each for thousands of tables) are left empty unless asked
// for. kFull: task_param and task_content (a worker); kResult: task_content
// only (an answer); kStatus: neither; kSmallResult: task_content if it is at
// most kSmallTaskContentBytes, else neither, with task_content_withheld set
// (an answer given without leaving the I/O thread, openapi/dispatcher.h).
enum class ProcessDetail { kFull, kResult, kStatus, kSmallResult };
inline constexpr size_t kSmallTaskContentBytes = size_t{64} << 10;

struct Process {
  ProcessId id;
  ProjectId project;
  std::string task_type;  // DI_REALTIME | DI_SOLUTION
  std::string kind;       // create | update
  FileId task_id;         // for updates
  std::string task_param;
  std::string caller_user_id;
  ProcessStatus status = ProcessStatus::kQueued;
  std::string message;    // progress while running; the cause of a failure
  int64_t done = 0;       // tables discovered
  int64_t total = 0;      // tables to discover
  std::string task_content;  // the result: empty unless kSuccess (and read)
  bool task_content_withheld = false;  // kSmallResult: larger, so not read
  int32_t attempts = 0;
  TimePoint created;
  TimePoint updated;
};

struct NewProcess {
  ProjectId project;
  std::string task_type;
  std::string kind = "create";
  FileId task_id;
  std::string task_param;
  std::string caller_user_id;
};

// An idempotency key: the same (scope, token) with the same request hash
// returns what the first request produced.
struct ClientTokenKey {
  std::string scope;  // caller + workspace + action
  std::string token;
  std::string request_hash;
};

struct EnqueueOutcome {
  Process process;
  bool replayed = false;  // the token had been used for this same request
};

// ---- sync tasks: files of a workspace, with versions ----

struct Task {
  FileId file_id;
  ProjectId project;
  std::string name;
  std::string task_type;       // DI_OFFLINE | DI_REALTIME | DI_SOLUTION
  std::string folder_path;     // e.g. "Business Flow/demo/Data Integration"
  std::string resource_group;  // identifier
  int32_t version = 1;         // the latest version
  std::string content;         // TaskContent of the latest version
  std::string status = "NORUN";
  std::string creator_user_id;
  std::vector<std::string> sources;       // data source names read from ('from')
  std::vector<std::string> destinations;  // data source names written to ('to')
  TimePoint created;
  TimePoint modified;
};

struct NewTask {
  ProjectId project;
  std::string name;
  std::string task_type;
  std::string folder_path;
  std::string resource_group;
  std::string content;
  std::string creator_user_id;
  std::vector<std::string> sources;
  std::vector<std::string> destinations;
};

// A change to a task; absent fields keep their value. Every update makes a
// new version.
struct TaskUpdate {
  FileId file_id;
  std::optional<std::string> content;
  std::optional<std::string> resource_group;
  // With a new content: the data sources it reads and writes.
  std::vector<std::string> sources;
  std::vector<std::string> destinations;
};

struct TaskVersion {
  int32_t version = 0;
  std::string content;
  std::string resource_group;
  TimePoint created;
};

struct TaskOutcome {
  Task task;
  bool replayed = false;  // a ClientToken seen before for this same request
};

struct ListRefTasksQuery {
  ProjectId project;
  std::string datasource;
  std::string ref_type;   // "from" | "to"
  std::string task_type;  // DI_OFFLINE | DI_REALTIME | DI_SOLUTION
  int32_t page_number = 1;
  int32_t page_size = 10;
};

}  // namespace disync::store

#endif  // DISYNC_STORE_RECORDS_H_
