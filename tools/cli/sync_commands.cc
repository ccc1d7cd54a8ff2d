// `disync sync generate|create|get|delete`: the core flow of a real-time
// sync task. generate submits a generation script
// (GenerateDISyncTaskConfigForCreating) and with --wait polls
// QueryDISyncTaskConfigProcessResult, showing progress on stderr, until it
// prints the TaskContent (verbatim, ready for `sync create --content-file`)
// or the failure reason.
#include <chrono>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tools/cli/commands.h"
#include "tools/cli/progress.h"

namespace disync::cli {
namespace {

using Clock = std::chrono::steady_clock;

struct GenerateOptions {
  std::optional<int64_t> project;
  std::string file;
  std::string task_type = "DI_REALTIME";
  std::string client_token;
  bool wait = false;
  int64_t wait_timeout_s = 3600;
  int64_t poll_interval_ms = 500;
  std::string progress = "auto";
};

struct CreateOptions {
  std::optional<int64_t> project;
  std::string name;
  std::string folder;
  std::string content_file;
  std::string resource_group;
  std::string task_type = "DI_REALTIME";
  std::string client_token;
};

struct FileOptions {
  std::optional<int64_t> project;
  int64_t file_id = 0;
  std::string task_type = "DI_REALTIME";
};

std::chrono::milliseconds Since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

ProgressStyle ParseProgressStyle(const std::string& text) {
  if (text == "bar") return ProgressStyle::kBar;
  if (text == "lines") return ProgressStyle::kLines;
  if (text == "none") return ProgressStyle::kNone;
  return ProgressStyle::kAuto;
}

Json DataOf(const Json& body) {
  auto it = body.find("Data");
  return it == body.end() ? Json::object() : *it;
}

ExitCode Wait(Session& session, const GenerateOptions& o, int64_t project, int64_t process_id) {
  auto reporter = MakeProgressReporter(
      stderr, session.quiet() ? ProgressStyle::kNone : ParseProgressStyle(o.progress),
      fmt::format("generation {}", process_id));
  const Clock::time_point start = Clock::now();
  const auto deadline = start + std::chrono::seconds(o.wait_timeout_s);
  for (;;) {
    Answer answer = session.Call("QueryDISyncTaskConfigProcessResult",
                                 {{"ProjectId", std::to_string(project)},
                                  {"TaskType", o.task_type},
                                  {"AsyncProcessId", std::to_string(process_id)}});
    if (!answer.ok()) {
      reporter->Finish("interrupted", Since(start));
      return answer.exit_code();
    }
    std::string status = DataStatus(answer.body());
    std::string message = DataMessage(answer.body());
    if (status == "running") {
      reporter->Update(status, message, Since(start));
      if (Clock::now() >= deadline) {
        reporter->Finish("still running", Since(start));
        session.PrintError(fmt::format(
            "generation {} is still running after {}s; ask again with: disync dataworks-public "
            "QueryDISyncTaskConfigProcessResult --ProjectId {} --TaskType {} --AsyncProcessId {}",
            process_id, o.wait_timeout_s, project, o.task_type, process_id));
        return ExitCode::kFailed;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(o.poll_interval_ms));
      continue;
    }
    reporter->Finish(status.empty() ? "unknown" : status, Since(start));
    if (status == "success") {
      const Json data = DataOf(answer.body());
      if (session.output(OutputFormat::kDefault) == OutputFormat::kTable) {
        session.Print(RenderTable(KeyValueTable(data)));
        return ExitCode::kOk;
      }
      auto content = data.find("TaskContent");
      std::string text = content != data.end() && content->is_string()
                             ? content->get<std::string>() : std::string();
      if (text.empty() || text.back() != '\n') text.push_back('\n');
      session.Print(text);
      return ExitCode::kOk;
    }
    if (status == "fail") {
      session.PrintError(fmt::format("generation {} failed: {}", process_id, message));
      return ExitCode::kFailed;
    }
    session.PrintError("unexpected answer to QueryDISyncTaskConfigProcessResult: " +
                       answer.body().dump());
    return ExitCode::kApiError;
  }
}

ExitCode RunGenerate(Session& session, const GenerateOptions& o) {
  if (ExitCode c = session.Connect(); c != ExitCode::kOk) return c;
  std::optional<int64_t> project = session.Project(o.project);
  if (!project) return ExitCode::kUsage;
  auto script = ReadInput(o.file);
  if (!script.ok()) return session.Fail(script.error());
  openapi::ParamMap params = {{"ProjectId", std::to_string(*project)},
                              {"TaskType", o.task_type},
                              {"TaskParam", *script}};
  if (!o.client_token.empty()) params.emplace("ClientToken", o.client_token);
  Answer answer = session.Call("GenerateDISyncTaskConfigForCreating", std::move(params));
  if (!answer.ok()) return answer.exit_code();
  const Json data = DataOf(answer.body());
  auto id = data.find("ProcessId");
  if (id == data.end() || !id->is_number_integer()) {
    session.PrintError("GenerateDISyncTaskConfigForCreating answered without a ProcessId: " +
                       answer.body().dump());
    return ExitCode::kApiError;
  }
  int64_t process_id = id->get<int64_t>();
  if (o.wait) return Wait(session, o, *project, process_id);
  if (session.quiet()) {
    session.Print(std::to_string(process_id) + "\n");
  } else {
    PrintAnswer(session, answer.body(), KeyValueTable(data));
  }
  return ExitCode::kOk;
}

// "demo" -> "Business Flow/demo/Data Integration"; a path is kept as given.
std::string FolderPath(const std::string& folder) {
  if (folder.find('/') != std::string::npos) return folder;
  return "Business Flow/" + folder + "/Data Integration";
}

// extend.resourceGroup of a generated TaskContent, if any.
std::string ContentResourceGroup(const std::string& content) {
  Json doc = Json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return "";
  auto extend = doc.find("extend");
  if (extend == doc.end() || !extend->is_object()) return "";
  auto group = extend->find("resourceGroup");
  return group != extend->end() && group->is_string() ? group->get<std::string>() : "";
}

// The in-band failure of the DI task operations: Data.Status "fail".
bool ReportInBandFailure(const Session& session, std::string_view action, const Json& body) {
  if (DataStatus(body) != "fail") return false;
  session.PrintError(fmt::format("{} failed: {}", action, DataMessage(body)));
  return true;
}

ExitCode RunCreate(Session& session, const CreateOptions& o) {
  if (ExitCode c = session.Connect(); c != ExitCode::kOk) return c;
  std::optional<int64_t> project = session.Project(o.project);
  if (!project) return ExitCode::kUsage;
  auto content = ReadInput(o.content_file);
  if (!content.ok()) return session.Fail(content.error());
  std::string resource_group =
      o.resource_group.empty() ? ContentResourceGroup(*content) : o.resource_group;
  Json task_param = {{"FileFolderPath", FolderPath(o.folder)}};
  if (!resource_group.empty()) task_param["ResourceGroup"] = resource_group;
  openapi::ParamMap params = {{"ProjectId", std::to_string(*project)},
                              {"TaskType", o.task_type},
                              {"TaskName", o.name},
                              {"TaskContent", *content},
                              {"TaskParam", task_param.dump()}};
  if (!o.client_token.empty()) params.emplace("ClientToken", o.client_token);
  Answer answer = session.Call("CreateDISyncTask", std::move(params));
  if (!answer.ok()) return answer.exit_code();
  if (ReportInBandFailure(session, "CreateDISyncTask", answer.body())) return ExitCode::kFailed;
  const Json data = DataOf(answer.body());
  if (session.quiet()) {
    auto id = data.find("FileId");
    session.Print((id == data.end() ? std::string() : CellText(*id)) + "\n");
  } else {
    PrintAnswer(session, answer.body(), KeyValueTable(data));
  }
  return ExitCode::kOk;
}

openapi::ParamMap FileParams(int64_t project, const FileOptions& o) {
  return {{"ProjectId", std::to_string(project)},
          {"TaskType", o.task_type},
          {"FileId", std::to_string(o.file_id)}};
}

ExitCode RunGet(Session& session, const FileOptions& o) {
  if (ExitCode c = session.Connect(); c != ExitCode::kOk) return c;
  std::optional<int64_t> project = session.Project(o.project);
  if (!project) return ExitCode::kUsage;
  Answer answer = session.Call("GetDISyncTask", FileParams(*project, o));
  if (!answer.ok()) return answer.exit_code();
  if (ReportInBandFailure(session, "GetDISyncTask", answer.body())) return ExitCode::kFailed;
  const Json data = DataOf(answer.body());
  if (session.quiet()) {
    // The task's script, verbatim.
    auto code = data.find("Code");
    std::string text = code != data.end() && code->is_string() ? code->get<std::string>() : "";
    if (text.empty() || text.back() != '\n') text.push_back('\n');
    session.Print(text);
  } else {
    PrintAnswer(session, answer.body(), KeyValueTable(data));
  }
  return ExitCode::kOk;
}

ExitCode RunDelete(Session& session, const FileOptions& o) {
  if (ExitCode c = session.Connect(); c != ExitCode::kOk) return c;
  std::optional<int64_t> project = session.Project(o.project);
  if (!project) return ExitCode::kUsage;
  Answer answer = session.Call("DeleteDISyncTask", FileParams(*project, o));
  if (!answer.ok()) return answer.exit_code();
  if (ReportInBandFailure(session, "DeleteDISyncTask", answer.body())) return ExitCode::kFailed;
  if (!session.quiet()) PrintAnswer(session, answer.body(), KeyValueTable(DataOf(answer.body())));
  return ExitCode::kOk;
}

void AddTaskType(CLI::App* cmd, std::string* task_type) {
  cmd->add_option("--task-type", *task_type, "DI_REALTIME (default) or DI_SOLUTION")
      ->check(CLI::IsMember({"DI_REALTIME", "DI_SOLUTION", "DI_OFFLINE"}));
}

}  // namespace

void RegisterSync(CLI::App& app, Context& ctx) {
  CLI::App* sync = app.add_subcommand("sync", "Real-time sync tasks: generate, create, get, delete");
  sync->require_subcommand(1);

  auto g = std::make_shared<GenerateOptions>();
  CLI::App* generate = sync->add_subcommand(
      "generate", "Submit a generation script; with --wait, print the TaskContent when done");
  generate->add_option("--project", g->project, "ProjectId (default: the profile's)");
  generate->add_option("--file,-f", g->file, "The generation script (TaskParam); - for stdin")
      ->required();
  AddTaskType(generate, &g->task_type);
  generate->add_option("--client-token", g->client_token, "Idempotency token");
  generate->add_flag("--wait,-w", g->wait, "Poll until the process ends; progress on stderr");
  generate->add_option("--wait-timeout", g->wait_timeout_s, "Give up waiting after this many seconds")
      ->check(CLI::Range(int64_t{1}, int64_t{7} * 24 * 3600))
      ->capture_default_str();
  generate->add_option("--poll-interval-ms", g->poll_interval_ms, "Time between two polls")
      ->check(CLI::Range(int64_t{50}, int64_t{60000}))
      ->capture_default_str();
  generate->add_option("--progress", g->progress,
                       "auto (a bar on a terminal, lines otherwise), bar, lines or none")
      ->check(CLI::IsMember({"auto", "bar", "lines", "none"}))
      ->capture_default_str();
  AddGlobalOptions(generate, &ctx.global, OptionSet::kApi);
  generate->callback([&ctx, g] { ctx.run = [g](Session& s) { return RunGenerate(s, *g); }; });

  auto c = std::make_shared<CreateOptions>();
  CLI::App* create = sync->add_subcommand("create", "Create a task from a TaskContent");
  create->add_option("--project", c->project, "ProjectId (default: the profile's)");
  create->add_option("--name", c->name, "Task name")->required();
  create->add_option("--folder", c->folder,
                     "FileFolderPath, or a business flow name (-> Business Flow/NAME/Data Integration)")
      ->required();
  create->add_option("--content-file", c->content_file, "The TaskContent; - for stdin")->required();
  create->add_option("--resource-group", c->resource_group,
                     "Resource group (default: extend.resourceGroup of the TaskContent)");
  AddTaskType(create, &c->task_type);
  create->add_option("--client-token", c->client_token, "Idempotency token");
  AddGlobalOptions(create, &ctx.global, OptionSet::kApi);
  create->callback([&ctx, c] { ctx.run = [c](Session& s) { return RunCreate(s, *c); }; });

  auto add_file_command = [&](const char* name, const char* help,
                              ExitCode (*run)(Session&, const FileOptions&)) {
    auto f = std::make_shared<FileOptions>();
    CLI::App* cmd = sync->add_subcommand(name, help);
    cmd->add_option("--project", f->project, "ProjectId (default: the profile's)");
    cmd->add_option("--file-id", f->file_id, "FileId of the task")->required();
    AddTaskType(cmd, &f->task_type);
    AddGlobalOptions(cmd, &ctx.global, OptionSet::kApi);
    cmd->callback([&ctx, f, run] { ctx.run = [f, run](Session& s) { return run(s, *f); }; });
  };
  add_file_command("get", "Show a task (with --quiet: its script only)", &RunGet);
  add_file_command("delete", "Delete a task", &RunDelete);
}

}  // namespace disync::cli
