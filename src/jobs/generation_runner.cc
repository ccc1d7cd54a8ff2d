#include "jobs/generation_runner.h"

#include <nlohmann/json.hpp>

#include "connectors/datasource_content.h"
#include "connectors/introspector.h"
#include "di/generator.h"
#include "di/realtime_script.h"
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

}  // namespace

Result<std::string> GenerationRunner::Run(const store::Process& process,
                                          const ProgressFn& progress) {
  // The workspace may have changed since the script was accepted.
  WorkspaceReferences references(store_, process.project);
  DISYNC_ASSIGN_OR_RETURN(di::RealtimeScript script,
                          di::ParseRealtimeScript(process.task_param, references));

  int64_t total = 0;
  for (const auto& source : script.sources) {
    for (const auto& selection : source.selections) total += static_cast<int64_t>(selection.tables.size());
  }
  int64_t done = 0;
  progress(done, total);

  std::vector<di::SourceSchema> schemas;
  for (const auto& source : script.sources) {
    auto ds = FindScriptDataSource(store_, process.project, source.datasource);
    if (!ds.ok()) {
      return InContext(Error::NotFound("the data source no longer exists in the workspace"),
                       source.datasource);
    }
    auto content = nlohmann::ordered_json::parse(ds->content, nullptr, false);
    auto config = connectors::ConnectionFor(ds->type, content);
    if (!config.ok()) return InContext(config.error(), source.datasource);
    config->connect_timeout = options_.connect_timeout;
    config->read_timeout = options_.read_timeout;
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
  return di::GenerateTaskContent(script, schemas, di::GeneratorOptions{});
}

}  // namespace disync::jobs
