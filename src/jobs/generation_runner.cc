#include "jobs/generation_runner.h"

#include <nlohmann/json.hpp>

#include "connectors/datasource_content.h"
#include "connectors/introspector.h"
#include "di/generator.h"
#include "di/realtime_script.h"
#include "di/task_content.h"
#include "di/task_update.h"
#include "jobs/workspace_references.h"

namespace disync::jobs {
namespace {

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

// "data source "x", database "y": <cause>", keeping the cause's code.
Error InContext(const Error& cause, std::string_view datasource, std::string_view database = {}) {
  std::string message = "data source " + Quote(datasource);
  if (!database.empty()) message += ", database " + Quote(database);
  message += ": " + cause.message();
  return {cause.code(), std::move(message)};
}

// Connects to every source of `script` and describes the tables it selects,
// with a constant number of metadata queries per database.
Result<std::vector<di::SourceSchema>> Discover(store::MetadataStore& store,
                                               const GenerationOptions& options, ProjectId project,
                                               const di::RealtimeScript& script,
                                               const ProgressFn& progress) {
  int64_t total = 0;
  for (const auto& source : script.sources) {
    for (const auto& selection : source.selections) total += static_cast<int64_t>(selection.tables.size());
  }
  int64_t done = 0;
  progress(done, total);

  std::vector<di::SourceSchema> schemas;
  for (const auto& source : script.sources) {
    auto ds = FindScriptDataSource(store, project, source.datasource);
    if (!ds.ok()) {
      return InContext(Error::NotFound("the data source no longer exists in the workspace"),
                       source.datasource);
    }
    auto content = nlohmann::ordered_json::parse(ds->content, nullptr, false);
    auto config = connectors::ConnectionFor(ds->type, content);
    if (!config.ok()) return InContext(config.error(), source.datasource);
    config->connect_timeout = options.connect_timeout;
    config->read_timeout = options.read_timeout;
    auto introspector = connectors::ConnectIntrospector(*config);
    if (!introspector.ok()) return InContext(introspector.error(), source.datasource);

    di::SourceSchema schema{source.datasource, {}};
    for (const auto& selection : source.selections) {
      // The single-database form reads the database of the JDBC URL.
      std::string database = selection.database.empty() ? config->database : selection.database;
      if (database.empty()) {
        return InContext(Error::InvalidArgument("the JDBC URL names no database; name it with "
                                                "selectedTables[].dbName"),
                         source.datasource);
      }
      int64_t base = done;
      auto tables = (*introspector)->DescribeTables(
          database, selection.tables, [&](size_t n, size_t) {
            done = base + static_cast<int64_t>(n);
            progress(done, total);
          });
      if (!tables.ok()) return InContext(tables.error(), source.datasource, database);
      done = base + static_cast<int64_t>(selection.tables.size());
      for (auto& t : *tables) schema.tables.push_back(std::move(t));
    }
    schemas.push_back(std::move(schema));
  }
  progress(total, total);
  return schemas;
}

// GenerateDISyncTaskConfigForUpdating: the task's current content with the
// update script applied (di/task_update.h). Only the added tables are
// discovered and rendered; kept rules stay as they are.
Result<std::string> RunUpdate(store::MetadataStore& store, const GenerationOptions& options,
                              const store::Process& process, const ProgressFn& progress) {
  auto task = store.GetTask(process.task_id);
  if (!task.ok() && task.error().code() != ErrorCode::kNotFound) return std::move(task).error();
  if (!task.ok() || task->project != process.project || task->task_type != process.task_type) {
    return Error::NotFound("fileId:[" + std::to_string(process.task_id.value()) + "] is invalid.");
  }
  WorkspaceReferences references(store, process.project);
  DISYNC_ASSIGN_OR_RETURN(di::TaskUpdatePlan plan,
                          di::PlanTaskUpdate(task->content, process.task_param, references));
  std::string added;
  if (!plan.added.sources.empty()) {
    DISYNC_ASSIGN_OR_RETURN(std::vector<di::SourceSchema> schemas,
                            Discover(store, options, process.project, plan.added, progress));
    DISYNC_ASSIGN_OR_RETURN(added, di::GenerateTaskContent(plan.added, schemas, di::GeneratorOptions{}));
  } else {
    progress(0, 0);
  }
  DISYNC_ASSIGN_OR_RETURN(std::string content, di::ApplyTaskUpdate(task->content, plan, added));
  // An added table may, say, take the target name of a kept one.
  auto type = di::ParseTaskType(process.task_type);
  if (!type) return Error::InvalidArgument("unknown task type " + Quote(process.task_type));
  auto checked = di::ValidateTaskContent(*type, content, references);
  if (!checked.ok()) return Error(checked.error().code(), "the updated " + checked.error().message());
  return content;
}

}  // namespace

Result<std::string> GenerationRunner::Run(const store::Process& process,
                                          const ProgressFn& progress) {
  if (process.kind == "update") return RunUpdate(store_, options_, process, progress);
  // The workspace may have changed since the script was accepted.
  WorkspaceReferences references(store_, process.project);
  DISYNC_ASSIGN_OR_RETURN(di::RealtimeScript script,
                          di::ParseRealtimeScript(process.task_param, references));
  DISYNC_ASSIGN_OR_RETURN(std::vector<di::SourceSchema> schemas,
                          Discover(store_, options_, process.project, script, progress));
  return di::GenerateTaskContent(script, schemas, di::GeneratorOptions{});
}

}  // namespace disync::jobs
