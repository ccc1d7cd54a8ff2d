#include "api/tasks.h"

#include <time.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <vector>

#include "api/async_config.h"
#include "di/task_content.h"
#include "di/task_update.h"
#include "jobs/workspace_references.h"

namespace disync::api {
namespace {

using openapi::ApiRequest;
using openapi::AuthLevel;
using openapi::Capability;
using openapi::Json;

// Where a task goes when TaskParam names no folder.
constexpr std::string_view kDefaultFolder = "Business Flow/default/Data Integration";
constexpr size_t kMaxTaskNameCharacters = 128;
constexpr size_t kMaxFolderSegmentBytes = 255;

Error DiInvalid(std::string message) { return {ErrorCode::kDiInvalidParameter, std::move(message)}; }

Error TokenConflict(const std::string& token) {
  return DiInvalid("The ClientToken \"" + token + "\" was already used for another request.");
}

Error NameTaken(const std::string& name) {
  return Error(ErrorCode::kDiFileExisted,
               "The file name already exists: a task named \"" + name + "\" exists in this workspace.");
}

// A functional failure, answered in-band (tasks.md: HTTP 200, Data.Status "fail").
Json Fail(std::string message) {
  return Json{{"Success", true}, {"Data", Json{{"Status", "fail"}, {"Message", std::move(message)}}}};
}

Json InvalidFileId(int64_t file_id) {
  return Fail("fileId:[" + std::to_string(file_id) + "] is invalid.");
}

Json InvalidResourceGroup(const std::string& group) {
  return Fail("ResourceGroup:[" + group + "] is invalid.");
}

std::string TaskTypeNames(std::initializer_list<di::TaskType> types) {
  std::string out;
  for (di::TaskType type : types) {
    if (!out.empty()) out += " or ";
    out += ToString(type);
  }
  return out;
}

Result<di::TaskType> TaskTypeParam(const ApiRequest& r, std::initializer_list<di::TaskType> allowed) {
  std::string text = r.GetOr("TaskType", "");
  std::optional<di::TaskType> type = di::ParseTaskType(text);
  if (!type || std::find(allowed.begin(), allowed.end(), *type) == allowed.end()) {
    return r.Invalid("TaskType", TaskTypeNames(allowed) + ", got \"" + text + "\"");
  }
  return *type;
}

constexpr std::initializer_list<di::TaskType> kAllTypes = {
    di::TaskType::kOffline, di::TaskType::kRealtime, di::TaskType::kSolution};
constexpr std::initializer_list<di::TaskType> kGeneratedTypes = {di::TaskType::kRealtime,
                                                                 di::TaskType::kSolution};

// TaskParam of CreateDISyncTask / UpdateDISyncTask (scripts.md section 4.1).
struct TaskParamFields {
  std::optional<std::string> folder;          // FileFolderPath (create only)
  std::optional<std::string> resource_group;  // ResourceGroup
};

Result<TaskParamFields> ParseTaskParam(const ApiRequest& r) {
  TaskParamFields out;
  std::string text = r.GetOr("TaskParam", "");
  if (text.empty()) return out;
  constexpr std::string_view kShape =
      "a JSON object such as {\"FileFolderPath\":\"Business Flow/demo/Data Integration\","
      "\"ResourceGroup\":\"S_res_group_XXX\"}";
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return r.Invalid("TaskParam", kShape);
  for (auto [key, slot] : {std::pair{"FileFolderPath", &out.folder},
                           std::pair{"ResourceGroup", &out.resource_group}}) {
    auto it = doc.find(key);
    if (it == doc.end() || it->is_null()) continue;
    if (!it->is_string()) {
      return r.Invalid("TaskParam", std::string(key) + " as a string in " + std::string(kShape));
    }
    if (!it->get_ref<const std::string&>().empty()) *slot = it->get<std::string>();
  }
  // Cu only sizes serverless resource groups, which disync does not run;
  // it is checked and otherwise ignored.
  if (auto it = doc.find("Cu"); it != doc.end() && !it->is_null()) {
    double cu = it->is_number() ? it->get<double>() : -1;
    if (!(cu > 0) || std::fmod(cu * 2, 1.0) != 0) {
      return r.Invalid("TaskParam", "Cu as a positive multiple of 0.5");
    }
  }
  return out;
}

bool HasControlCharacter(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

size_t Utf8Characters(std::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

Status CheckTaskName(const ApiRequest& r, const std::string& name) {
  size_t characters = Utf8Characters(name);
  if (characters == 0 || characters > kMaxTaskNameCharacters || HasControlCharacter(name) ||
      name.find_first_of("/\\") != std::string::npos || name.front() == ' ' || name.back() == ' ') {
    return r.Invalid("TaskName", "1 to 128 characters without slashes, control characters or "
                                 "leading and trailing spaces");
  }
  return OkStatus();
}

// "yyyy-MM-dd HH:mm:ss", UTC.
std::string FormatDateTime(TimePoint t) {
  time_t seconds = static_cast<time_t>(ToUnixMillis(t) / 1000);
  struct tm parts {};
  gmtime_r(&seconds, &parts);
  char buffer[32];
  strftime(buffer, sizeof(buffer), "%Y-%m-%d %H:%M:%S", &parts);
  return buffer;
}

// The task when it is a task of `project` of type `type`; nullopt when it is
// missing or belongs elsewhere: both are answered the same.
Result<std::optional<store::Task>> VisibleTask(store::MetadataStore& store, ProjectId project,
                                               di::TaskType type, int64_t file_id) {
  auto task = store.GetTask(FileId(file_id));
  if (!task.ok()) {
    if (task.error().code() == ErrorCode::kNotFound) return std::optional<store::Task>();
    return std::move(task).error();
  }
  if (task->project != project || task->task_type != ToString(type)) {
    return std::optional<store::Task>();
  }
  return std::optional<store::Task>(std::move(task).value());
}

// Whether the resource group exists (an identifier).
Result<bool> ResourceGroupExists(store::MetadataStore& store, const std::string& identifier) {
  auto group = store.GetResourceGroup(identifier);
  if (group.ok()) return true;
  if (group.error().code() == ErrorCode::kNotFound) return false;
  return std::move(group).error();
}

// extend.mode and the number of table rules of a generated content, for
// GetDISyncTask's SolutionDetail.
struct SolutionSummary {
  std::string type;  // holo | odps | kafka
  int64_t tables = 0;
};

SolutionSummary SummarizeSolution(const std::string& content) {
  SolutionSummary out;
  Json doc = Json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return out;
  if (auto extend = doc.find("extend"); extend != doc.end() && extend->is_object()) {
    std::string mode = extend->value("mode", std::string());
    constexpr std::string_view kPrefix = "migration_";
    if (mode.starts_with(kPrefix)) out.type = mode.substr(kPrefix.size());
  }
  if (auto steps = doc.find("steps"); steps != doc.end() && steps->is_array()) {
    for (const Json& step : *steps) {
      if (!step.is_object() || step.value("category", std::string()) != "writer") continue;
      const Json* mapping = step.contains("parameter") && step["parameter"].is_object() &&
                                    step["parameter"].contains("tableMappingRule")
                                ? &step["parameter"]["tableMappingRule"]
                                : nullptr;
      if (mapping == nullptr || !mapping->is_object()) continue;
      if (auto groups = mapping->find("datasource"); groups != mapping->end() && groups->is_array()) {
        for (const Json& group : *groups) {
          if (group.is_object() && group.contains("tableRule") && group["tableRule"].is_array()) {
            out.tables += static_cast<int64_t>(group["tableRule"].size());
          }
        }
      }
    }
  }
  return out;
}

class TaskApi {
 public:
  TaskApi(store::MetadataStore& store, std::function<void()> wake)
      : store_(store), wake_(std::move(wake)) {}

  Result<Json> Create(const ApiRequest& r) {
    ProjectId project(r.RequireInt("ProjectId").value());
    DISYNC_ASSIGN_OR_RETURN(di::TaskType type, TaskTypeParam(r, kAllTypes));
    std::string content = r.GetOr("TaskContent", "");
    std::string task_param = r.GetOr("TaskParam", "");
    std::string name = r.GetOr("TaskName", "");
    std::string token = r.GetOr("ClientToken", "");
    DISYNC_ASSIGN_OR_RETURN(TaskParamFields param, ParseTaskParam(r));
    if (!name.empty()) DISYNC_RETURN_IF_ERROR(CheckTaskName(r, name));
    if (name.empty() && type == di::TaskType::kOffline) {
      return DiInvalid("The parameter \"TaskName\" is required for a DI_OFFLINE task.");
    }

    std::optional<store::ClientTokenKey> key;
    if (!token.empty()) {
      key = store::ClientTokenKey{TokenScope(r, project), token,
                                  RequestHash({ToString(type), content, task_param, name})};
      // A token seen before answers before any check: the first request
      // was accepted, and what it created may since have changed.
      DISYNC_ASSIGN_OR_RETURN(auto seen, store_.FindClientToken(key->scope, key->token));
      if (seen && seen->first != key->request_hash) return TokenConflict(token);
      if (seen) return Created(FileId(seen->second));
    }

    std::string folder = param.folder.value_or(std::string(kDefaultFolder));
    if (!IsTaskFolderPath(folder)) return Fail("Invalid path: " + folder);
    if (param.resource_group) {
      DISYNC_ASSIGN_OR_RETURN(bool exists, ResourceGroupExists(store_, *param.resource_group));
      if (!exists) return InvalidResourceGroup(*param.resource_group);
    }
    jobs::WorkspaceReferences references(store_, project);
    auto info = di::ValidateTaskContent(type, content, references);
    if (!info.ok()) {
      if (info.error().code() == ErrorCode::kDiInvalidParameter) return Fail(info.error().message());
      return std::move(info).error();
    }
    if (name.empty()) {
      // Generated content carries the name given to Generate (setting.name).
      if (info->name.empty()) {
        return DiInvalid("The parameter \"TaskName\" is required: the TaskContent has no "
                         "extend.name to take it from.");
      }
      name = info->name;
      DISYNC_RETURN_IF_ERROR(CheckTaskName(r, name));
    }
    DISYNC_ASSIGN_OR_RETURN(bool taken, store_.TaskNameExists(project, name));
    if (taken) return NameTaken(name);

    store::NewTask task;
    task.project = project;
    task.name = name;
    task.task_type = std::string(ToString(type));
    task.folder_path = folder;
    DISYNC_ASSIGN_OR_RETURN(task.resource_group, DefaultResourceGroup(project, param, *info));
    task.content = content;
    task.creator_user_id = r.caller().user_id;
    task.sources = info->sources;
    task.destinations = info->destinations;
    auto created = store_.CreateTask(task, key);
    if (!created.ok()) {
      if (created.error().code() == ErrorCode::kAlreadyExists) return NameTaken(name);
      if (created.error().code() == ErrorCode::kFailedPrecondition) return TokenConflict(token);
      return std::move(created).error();
    }
    return Created(created->task.file_id);
  }

  Result<Json> Update(const ApiRequest& r) {
    ProjectId project(r.RequireInt("ProjectId").value());
    DISYNC_ASSIGN_OR_RETURN(di::TaskType type, TaskTypeParam(r, kAllTypes));
    DISYNC_ASSIGN_OR_RETURN(int64_t file_id, r.RequireInt("FileId", 1, INT64_MAX));
    std::optional<std::string> content;
    if (auto sent = r.Get("TaskContent"); sent && !sent->empty()) content = std::string(*sent);
    std::string task_param = r.GetOr("TaskParam", "");
    std::string token = r.GetOr("ClientToken", "");
    DISYNC_ASSIGN_OR_RETURN(TaskParamFields param, ParseTaskParam(r));

    std::optional<store::ClientTokenKey> key;
    if (!token.empty()) {
      std::string id = std::to_string(file_id);
      std::string sent = content ? "1" + *content : std::string("0");
      key = store::ClientTokenKey{TokenScope(r, project), token,
                                  RequestHash({ToString(type), id, sent, task_param})};
      DISYNC_ASSIGN_OR_RETURN(auto seen, store_.FindClientToken(key->scope, key->token));
      if (seen && seen->first != key->request_hash) return TokenConflict(token);
      if (seen) return Succeeded();
    }

    DISYNC_ASSIGN_OR_RETURN(std::optional<store::Task> task,
                            VisibleTask(store_, project, type, file_id));
    if (!task) return InvalidFileId(file_id);
    store::TaskUpdate update;
    update.file_id = task->file_id;
    if (param.resource_group) {
      DISYNC_ASSIGN_OR_RETURN(bool exists, ResourceGroupExists(store_, *param.resource_group));
      if (!exists) return InvalidResourceGroup(*param.resource_group);
      update.resource_group = param.resource_group;
    }
    if (content) {
      jobs::WorkspaceReferences references(store_, project);
      auto info = di::ValidateTaskContent(type, *content, references);
      if (!info.ok()) {
        if (info.error().code() == ErrorCode::kDiInvalidParameter) return Fail(info.error().message());
        return std::move(info).error();
      }
      update.content = content;
      update.sources = info->sources;
      update.destinations = info->destinations;
    }
    auto updated = store_.UpdateTask(update, key);
    if (!updated.ok()) {
      if (updated.error().code() == ErrorCode::kNotFound) return InvalidFileId(file_id);
      if (updated.error().code() == ErrorCode::kFailedPrecondition) return TokenConflict(token);
      return std::move(updated).error();
    }
    return Succeeded();
  }

  Result<Json> Get(const ApiRequest& r) {
    ProjectId project(r.RequireInt("ProjectId").value());
    DISYNC_ASSIGN_OR_RETURN(di::TaskType type, TaskTypeParam(r, kGeneratedTypes));
    DISYNC_ASSIGN_OR_RETURN(int64_t file_id, r.RequireInt("FileId", 1, INT64_MAX));
    DISYNC_ASSIGN_OR_RETURN(std::optional<store::Task> task,
                            VisibleTask(store_, project, type, file_id));
    if (!task) return InvalidFileId(file_id);
    Json data = Json::object();
    data["Status"] = "success";
    if (type == di::TaskType::kRealtime) {
      data["Code"] = task->content;
      data["AlarmList"] = Json::array();
    } else {
      SolutionSummary summary = SummarizeSolution(task->content);
      std::string creator = task->creator_user_id;
      if (auto user = store_.GetUser(creator); user.ok() && !user->name.empty()) creator = user->name;
      data["Code"] = nullptr;
      data["SolutionDetail"] = Json{
          {"Id", task->file_id.value()},
          {"Name", task->name},
          {"CreatorName", creator},
          {"ProjectId", task->project.value()},
          {"SourceType", "mysql"},
          {"Type", summary.type},
          {"Status", "1"},  // not running
          {"StartTime", FormatDateTime(task->created)},
          {"SubmitTime", FormatDateTime(task->modified)},
          {"ProcessContent", task->content},
          {"ProcessExtra", Json{{"processType", "new"}, {"tableNum", summary.tables}}.dump()},
      };
    }
    return Json{{"Success", true}, {"Data", std::move(data)}};
  }

  Result<Json> Delete(const ApiRequest& r) {
    ProjectId project(r.RequireInt("ProjectId").value());
    DISYNC_ASSIGN_OR_RETURN(di::TaskType type, TaskTypeParam(r, kAllTypes));
    DISYNC_ASSIGN_OR_RETURN(int64_t file_id, r.RequireInt("FileId", 1, INT64_MAX));
    DISYNC_ASSIGN_OR_RETURN(std::optional<store::Task> task,
                            VisibleTask(store_, project, type, file_id));
    if (!task) return InvalidFileId(file_id);
    auto deleted = store_.DeleteTask(task->file_id);
    if (!deleted.ok()) {
      if (deleted.error().code() == ErrorCode::kNotFound) return InvalidFileId(file_id);
      return std::move(deleted).error();
    }
    return Succeeded();
  }

  Result<Json> ListRef(const ApiRequest& r) {
    store::ListRefTasksQuery query;
    query.project = ProjectId(r.RequireInt("ProjectId").value());
    DISYNC_ASSIGN_OR_RETURN(di::TaskType type, TaskTypeParam(r, kAllTypes));
    query.task_type = std::string(ToString(type));
    query.datasource = r.GetOr("DatasourceName", "");
    query.ref_type = r.GetOr("RefType", "");
    if (query.ref_type != "from" && query.ref_type != "to") {
      return r.Invalid("RefType", "from (tasks reading the data source) or to (tasks writing it)");
    }
    DISYNC_ASSIGN_OR_RETURN(auto paging, r.GetPaging(10, 100));
    if (paging.page_number > 100) return r.Invalid("PageNumber", "1 to 100");
    query.page_number = paging.page_number;
    query.page_size = paging.page_size;
    DISYNC_ASSIGN_OR_RETURN(std::vector<store::Task> tasks, store_.ListRefTasks(query));
    Json list = Json::array();
    for (const store::Task& task : tasks) {
      list.push_back(Json{{"NodeId", task.file_id.value()},
                          {"NodeName", task.name},
                          {"TaskType", task.task_type},
                          {"DiSourceDatasource", Json(task.sources).dump()},
                          {"DiDestinationDatasource", Json(task.destinations).dump()}});
    }
    return Json{{"Success", true}, {"Data", Json{{"DISyncTasks", std::move(list)}}}};
  }

  // Unknown, foreign or other-type TaskIds are refused at once (400
  // Invalid.DI.Parameter "fileId:[N] is invalid."), like every problem found
  // while accepting; a task deleted before the worker runs fails the process
  // with the same message.
  Result<Json> GenerateForUpdating(const ApiRequest& r) {
    ProjectId project(r.RequireInt("ProjectId").value());
    DISYNC_ASSIGN_OR_RETURN(di::TaskType type, TaskTypeParam(r, kGeneratedTypes));
    DISYNC_ASSIGN_OR_RETURN(int64_t task_id, r.RequireInt("TaskId", 1, INT64_MAX));
    std::string task_param = r.GetOr("TaskParam", "");
    std::string token = r.GetOr("ClientToken", "");

    std::optional<store::ClientTokenKey> key;
    if (!token.empty()) {
      key = store::ClientTokenKey{TokenScope(r, project), token,
                                  RequestHash({ToString(type), std::to_string(task_id), task_param})};
      DISYNC_ASSIGN_OR_RETURN(auto seen, store_.FindClientToken(key->scope, key->token));
      if (seen && seen->first != key->request_hash) return TokenConflict(token);
      if (seen) return Enqueued(ProcessId(seen->second));
    }

    DISYNC_ASSIGN_OR_RETURN(std::optional<store::Task> task,
                            VisibleTask(store_, project, type, task_id));
    if (!task) return DiInvalid("fileId:[" + std::to_string(task_id) + "] is invalid.");
    jobs::WorkspaceReferences references(store_, project);
    DISYNC_RETURN_IF_ERROR(di::PlanTaskUpdate(task->content, task_param, references));

    store::NewProcess process;
    process.project = project;
    process.task_type = std::string(ToString(type));
    process.kind = "update";
    process.task_id = task->file_id;
    process.task_param = task_param;
    process.caller_user_id = r.caller().user_id;
    auto enqueued = store_.EnqueueProcess(process, key);
    if (!enqueued.ok() && enqueued.error().code() == ErrorCode::kAlreadyExists) {
      return TokenConflict(token);
    }
    if (!enqueued.ok()) return std::move(enqueued).error();
    if (!enqueued->replayed) wake_();
    return Enqueued(enqueued->process.id);
  }

 private:
  static Json Created(FileId file_id) {
    return Json{{"Success", true},
                {"Data", Json{{"Status", "success"}, {"FileId", file_id.value()}}}};
  }
  static Json Succeeded() {
    return Json{{"Success", true}, {"Data", Json{{"Status", "success"}}}};
  }
  static Json Enqueued(ProcessId id) {
    return Json{{"Success", true},
                {"Data", Json{{"Status", "true"}, {"ProcessId", id.value()}, {"Message", ""}}}};
  }

  // TaskParam.ResourceGroup, else the content's extend.resourceGroup, else
  // the workspace's default DI resource group ("" when it has none).
  Result<std::string> DefaultResourceGroup(ProjectId project, const TaskParamFields& param,
                                           const di::TaskContentInfo& info) {
    if (param.resource_group) return *param.resource_group;
    if (!info.resource_group.empty()) return info.resource_group;
    DISYNC_ASSIGN_OR_RETURN(store::Project workspace, store_.GetProject(project));
    return workspace.default_di_resource_group;
  }

  store::MetadataStore& store_;
  std::function<void()> wake_;
};

}  // namespace

bool IsTaskFolderPath(std::string_view path) {
  std::vector<std::string_view> segments;
  size_t start = 0;
  for (;;) {
    size_t slash = path.find('/', start);
    segments.push_back(path.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (segments.size() < 3) return false;
  bool english = segments[0] == "Business Flow" && segments[2] == "Data Integration";
  bool chinese = segments[0] == "业务流程" && segments[2] == "数据集成";
  if (!english && !chinese) return false;
  return std::all_of(segments.begin(), segments.end(), [](std::string_view s) {
    return !s.empty() && s != "." && s != ".." && s.size() <= kMaxFolderSegmentBytes &&
           !HasControlCharacter(s) && s.front() != ' ' && s.back() != ' ';
  });
}

void RegisterTaskRoutes(openapi::Router& router, store::MetadataStore& store,
                        std::function<void()> wake_workers) {
  // Owned by the handlers; lives as long as the router's routes.
  auto api = std::make_shared<TaskApi>(store, std::move(wake_workers));
  auto spec = [](std::string action, Capability capability, std::vector<std::string> required) {
    openapi::RouteSpec s;
    s.action = std::move(action);
    s.auth = AuthLevel::kWorkspace;
    s.capability = capability;
    s.required = std::move(required);
    s.missing_code = ErrorCode::kDiInvalidParameter;
    s.invalid_code = ErrorCode::kDiInvalidParameter;
    s.denied_code = ErrorCode::kDiNoPrivilege;
    s.internal_code = ErrorCode::kDiInternal;
    return s;
  };
  router.Register(spec("CreateDISyncTask", Capability::kDiTaskWrite,
                       {"ProjectId", "TaskType", "TaskContent"}),
                  [api](const ApiRequest& r) { return api->Create(r); });
  router.Register(spec("UpdateDISyncTask", Capability::kDiTaskWrite,
                       {"ProjectId", "TaskType", "FileId"}),
                  [api](const ApiRequest& r) { return api->Update(r); });
  router.Register(spec("GetDISyncTask", Capability::kWorkspaceRead,
                       {"ProjectId", "TaskType", "FileId"}),
                  [api](const ApiRequest& r) { return api->Get(r); });
  router.Register(spec("DeleteDISyncTask", Capability::kDiTaskWrite,
                       {"ProjectId", "TaskType", "FileId"}),
                  [api](const ApiRequest& r) { return api->Delete(r); });
  router.Register(spec("ListRefDISyncTasks", Capability::kWorkspaceRead,
                       {"ProjectId", "DatasourceName", "RefType", "TaskType"}),
                  [api](const ApiRequest& r) { return api->ListRef(r); });
  router.Register(spec("GenerateDISyncTaskConfigForUpdating", Capability::kDiTaskWrite,
                       {"ProjectId", "TaskType", "TaskId", "TaskParam"}),
                  [api](const ApiRequest& r) { return api->GenerateForUpdating(r); });
}

}  // namespace disync::api
