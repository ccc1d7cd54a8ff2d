#include "api/async_config.h"

#include "common/digest.h"
#include "common/json_writer.h"
#include "di/realtime_script.h"
#include "jobs/workspace_references.h"
#include "openapi/envelope.h"
#include "openapi/signature.h"

namespace disync::api {
namespace {

using openapi::ApiRequest;
using openapi::AuthLevel;
using openapi::Capability;
using openapi::Json;

// How long an answer waits for a TaskContent the worker is still escaping
// (it stored it first); after that the answer reads the store.
constexpr std::chrono::milliseconds kPreparedPatience{5000};

Error DiInvalid(std::string message) {
  return {ErrorCode::kDiInvalidParameter, std::move(message)};
}

Result<std::string> GenerationTaskType(const ApiRequest& r) {
  std::string type = r.GetOr("TaskType", "");
  if (type != "DI_REALTIME" && type != "DI_SOLUTION") {
    return DiInvalid("The parameter \"TaskType\" is not valid: expected DI_REALTIME or "
                     "DI_SOLUTION, got \"" + type + "\".");
  }
  return type;
}

Result<Json> Generate(store::MetadataStore& store, const std::function<void()>& wake,
                      jobs::AcceptedScripts* accepted, const ApiRequest& r) {
  ProjectId project(r.RequireInt("ProjectId").value());
  DISYNC_ASSIGN_OR_RETURN(std::string task_type, GenerationTaskType(r));
  std::string task_param = r.GetOr("TaskParam", "");
  std::string token = r.GetOr("ClientToken", "");

  std::optional<store::ClientTokenKey> key;
  if (!token.empty()) {
    key = store::ClientTokenKey{TokenScope(r, project), token, RequestHash({task_type, task_param})};
    // A token seen before answers before any check: the first request was
    // accepted, and what it created may since have changed the workspace.
    DISYNC_ASSIGN_OR_RETURN(auto seen, store.FindClientToken(key->scope, key->token));
    if (seen && seen->first != key->request_hash) {
      return DiInvalid("The ClientToken \"" + token + "\" was already used for another request.");
    }
  }

  jobs::WorkspaceReferences references(store, project);
  jobs::RecordingReferences recording(references);
  DISYNC_ASSIGN_OR_RETURN(di::RealtimeScript script,
                          di::ParseRealtimeScript(task_param, recording));
  if (!script.name.empty()) {
    DISYNC_ASSIGN_OR_RETURN(bool taken, store.TaskNameExists(project, script.name));
    if (taken) {
      return Error(ErrorCode::kDiFileExisted,
                   "The file name already exists: /setting/name \"" + script.name +
                       "\" names a task of this workspace.");
    }
  }

  store::NewProcess process;
  process.project = project;
  process.task_type = task_type;
  process.task_param = task_param;
  process.caller_user_id = r.caller().user_id;
  auto enqueued = store.EnqueueProcess(process, key);
  if (!enqueued.ok() && enqueued.error().code() == ErrorCode::kAlreadyExists) {
    return DiInvalid("The ClientToken \"" + token + "\" was already used for another request.");
  }
  if (!enqueued.ok()) return std::move(enqueued).error();
  if (!enqueued->replayed) {
    if (accepted != nullptr) {
      accepted->Put(enqueued->process.id, std::move(script), recording.TakeAnswers());
    }
    wake();
  }
  return Json{{"Success", true},
              {"Data", Json{{"Status", "true"},
                            {"ProcessId", enqueued->process.id.value()},
                            {"Message", ""}}}};
}

// The answer to a Query. `quick`: on the I/O thread (openapi::QuickHandler),
// so nullopt instead of reading a TaskContent larger than
// store::kSmallTaskContentBytes or waiting for a prepared one; the worker
// that answers then gives the same answer.
std::optional<Result<Json>> Query(store::MetadataStore& store, jobs::PreparedContents* prepared,
                                  const ApiRequest& r, bool quick) {
  ProjectId project(r.RequireInt("ProjectId").value());
  std::string task_type = r.GetOr("TaskType", "");
  DISYNC_ASSIGN_OR_RETURN(int64_t id, r.RequireInt("AsyncProcessId"));
  // A TaskContent the worker escaped (jobs/prepared_contents.h) is not read
  // from the store, and is handed out only once the process is known to be
  // the caller's. XML answers escape the text themselves.
  const bool maybe_prepared =
      prepared != nullptr &&
      openapi::ParseFormat(r.GetOr("Format", "")) == openapi::Format::kJson &&
      prepared->Holds(ProcessId(id));
  if (quick && maybe_prepared) return std::nullopt;
  auto process = store.GetProcess(ProcessId(id), maybe_prepared ? store::ProcessDetail::kStatus
                                                 : quick        ? store::ProcessDetail::kSmallResult
                                                                : store::ProcessDetail::kResult);
  if (!process.ok() && process.error().code() != ErrorCode::kNotFound) {
    return std::move(process).error();
  }
  // A process of another workspace, or of another task type, is answered
  // exactly like one that does not exist.
  if (!process.ok() || process->project != project || process->task_type != task_type) {
    return Json{{"Success", true},
                {"Data", Json{{"Status", "fail"},
                              {"Message", "AsyncProcessId:[" + std::to_string(id) +
                                              "] is invalid."}}}};
  }
  Json data = Json::object();
  switch (process->status) {
    case store::ProcessStatus::kQueued:
      data = Json{{"Status", "running"}, {"Message", "queued"}};
      break;
    case store::ProcessStatus::kRunning:
      data = Json{{"Status", "running"},
                  {"Message", process->message.empty() ? "running" : process->message}};
      break;
    case store::ProcessStatus::kSuccess: {
      if (process->task_content_withheld) return std::nullopt;  // quick, and large
      std::optional<std::vector<std::uint8_t>> literal;
      if (maybe_prepared) literal = prepared->Take(process->id, kPreparedPatience);
      Json content;
      if (literal) {
        content = PreRenderedJson(std::move(*literal));
      } else if (maybe_prepared) {  // taken by another answer meanwhile
        DISYNC_ASSIGN_OR_RETURN(store::Process read,
                                store.GetProcess(process->id, store::ProcessDetail::kResult));
        content = std::move(read.task_content);
      } else {
        content = std::move(process->task_content);
      }
      data = Json{{"Status", "success"}, {"Message", ""}, {"TaskContent", std::move(content)}};
      break;
    }
    case store::ProcessStatus::kFail:
      data = Json{{"Status", "fail"}, {"Message", process->message}};
      break;
  }
  return Json{{"Success", true}, {"Data", std::move(data)}};
}

}  // namespace

std::string TokenScope(const ApiRequest& request, ProjectId project) {
  return request.caller().user_id + "/" + std::to_string(project.value()) + "/" +
         std::string(request.action());
}

std::string RequestHash(std::initializer_list<std::string_view> parts) {
  std::string framed;
  for (std::string_view part : parts) AppendFramed(&framed, part);
  return Sha256Hex(framed);
}

void RegisterAsyncConfigRoutes(openapi::Router& router, store::MetadataStore& store,
                               std::function<void()> wake_workers, jobs::PreparedContents* prepared,
                               jobs::AcceptedScripts* accepted) {
  openapi::RouteSpec generate;
  generate.action = "GenerateDISyncTaskConfigForCreating";
  generate.auth = AuthLevel::kWorkspace;
  generate.capability = Capability::kDiTaskWrite;
  generate.required = {"ProjectId", "TaskType", "TaskParam"};
  generate.missing_code = ErrorCode::kDiInvalidParameter;
  generate.invalid_code = ErrorCode::kDiInvalidParameter;
  generate.denied_code = ErrorCode::kDiNoPrivilege;
  generate.internal_code = ErrorCode::kDiInternal;
  router.Register(generate,
                  [&store, wake = std::move(wake_workers), accepted](const ApiRequest& r) {
                    return Generate(store, wake, accepted, r);
                  });

  openapi::RouteSpec query = generate;
  query.action = "QueryDISyncTaskConfigProcessResult";
  query.capability = Capability::kWorkspaceRead;
  query.required = {"ProjectId", "TaskType", "AsyncProcessId"};
  router.Register(
      query,
      [&store, prepared](const ApiRequest& r) {
        return *Query(store, prepared, r, /*quick=*/false);
      },
      [&store, prepared](const ApiRequest& r) {
        return Query(store, prepared, r, /*quick=*/true);
      });
}

}  // namespace disync::api
