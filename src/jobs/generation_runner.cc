#include "jobs/generation_runner.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

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

// One database of one source, or one part of a large selection of one:
// what discovery runs in parallel.
struct DiscoveryUnit {
  size_t source;     // index into the script's sources
  size_t selection;  // index into that source's selections
  size_t part;       // in di::SplitSelection's parts of the selection
  std::string database;
  std::vector<std::string> tables;  // the part's
};

// Receives one unit's tables, on the discovery thread that read them.
using OnTables = std::function<void(const DiscoveryUnit&, std::vector<TableSchema>)>;

// Connects to every source of `script` and describes the tables it selects,
// with a constant number of metadata queries per database or part of one
// (di::SplitSelection, `tables_per_part`), handing each unit's tables to
// `on_tables` as soon as they are read. The units are described in parallel
// over up to options.discovery_connections connections per process; the
// calling thread only reports progress, so the store is written from one
// thread and no lock is held across I/O. A failure other than tables or a
// database not found keeps the units not yet started from starting. The
// first failure in the script's order is reported; when it is a not-found
// one, with every other not-found one (each message once).
Status DiscoverEach(store::MetadataStore& store, const GenerationOptions& options,
                    ProjectId project, const di::RealtimeScript& script, size_t tables_per_part,
                    const ProgressFn& progress, const OnTables& on_tables) {
  int64_t total = 0;
  std::vector<connectors::ConnectionConfig> configs;
  std::vector<DiscoveryUnit> units;
  for (size_t s = 0; s < script.sources.size(); ++s) {
    const auto& source = script.sources[s];
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
    for (size_t k = 0; k < source.selections.size(); ++k) {
      const auto& selection = source.selections[k];
      // The single-database form reads the database of the JDBC URL.
      std::string database = selection.database.empty() ? config->database : selection.database;
      if (database.empty()) {
        return InContext(Error::InvalidArgument("the JDBC URL names no database; name it with "
                                                "selectedTables[].dbName"),
                         source.datasource);
      }
      const auto parts = di::SplitSelection(selection.tables.size(), tables_per_part);
      for (size_t p = 0; p < parts.size(); ++p) {
        const auto [first, last] = parts[p];
        units.push_back({s, k, p, database,
                         std::vector<std::string>(
                             selection.tables.begin() + static_cast<std::ptrdiff_t>(first),
                             selection.tables.begin() + static_cast<std::ptrdiff_t>(last))});
      }
      total += static_cast<int64_t>(selection.tables.size());
    }
    configs.push_back(std::move(*config));
  }
  progress(0, total);

  std::vector<std::optional<Error>> errors(units.size());  // each written by one thread
  std::atomic<size_t> next{0};
  std::atomic<int64_t> done{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::condition_variable finished_cv;
  size_t finished = 0;  // guarded by mu

  auto work = [&] {
    std::unique_ptr<connectors::SchemaIntrospector> introspector;
    size_t connected_source = units.size();  // none yet
    for (size_t i = next++; i < units.size() && !failed; i = next++) {
      const DiscoveryUnit& unit = units[i];
      const std::string& datasource = script.sources[unit.source].datasource;
      if (connected_source != unit.source) {
        auto connected = connectors::ConnectIntrospector(configs[unit.source]);
        if (!connected.ok()) {
          errors[i] = InContext(connected.error(), datasource);
          failed = true;
          break;
        }
        introspector = std::move(*connected);
        connected_source = unit.source;
      }
      int64_t reported = 0;
      auto tables = introspector->DescribeTables(unit.database, unit.tables, [&](size_t n, size_t) {
        done += static_cast<int64_t>(n) - reported;
        reported = static_cast<int64_t>(n);
      });
      done += static_cast<int64_t>(unit.tables.size()) - reported;
      if (!tables.ok()) {
        errors[i] = InContext(tables.error(), datasource, unit.database);
        // What else is not found is worth naming too; nothing else is.
        if (tables.error().code() != ErrorCode::kNotFound) {
          failed = true;
          break;
        }
        continue;
      }
      on_tables(unit, std::move(*tables));
    }
    std::lock_guard<std::mutex> lock(mu);
    ++finished;
    finished_cv.notify_all();
  };

  const size_t parallel = std::clamp<size_t>(static_cast<size_t>(options.discovery_connections), 1,
                                             std::max<size_t>(units.size(), 1));
  std::vector<std::thread> threads;
  threads.reserve(parallel);
  for (size_t t = 0; t < parallel; ++t) threads.emplace_back(work);
  {
    std::unique_lock<std::mutex> lock(mu);
    while (finished < parallel) {
      finished_cv.wait_for(lock, options.progress_poll);
      const int64_t now_done = done.load();
      lock.unlock();
      progress(std::min(now_done, total), total);
      lock.lock();
    }
  }
  for (std::thread& t : threads) t.join();

  auto first = std::find_if(errors.begin(), errors.end(),
                            [](const std::optional<Error>& e) { return e.has_value(); });
  if (first != errors.end()) {
    if ((*first)->code() != ErrorCode::kNotFound) return **first;
    // Every part of a database that does not exist says so: once is enough.
    std::vector<std::string> messages;
    for (auto e = first; e != errors.end(); ++e) {
      if (!*e || (*e)->code() != ErrorCode::kNotFound) continue;
      if (std::find(messages.begin(), messages.end(), (*e)->message()) == messages.end()) {
        messages.push_back((*e)->message());
      }
    }
    std::string message = messages.front();
    for (size_t m = 1; m < messages.size(); ++m) message += "; " + messages[m];
    return Error::NotFound(std::move(message));
  }
  progress(total, total);
  return OkStatus();
}

// The schemas of every table `script` selects, per source, in script order.
Result<std::vector<di::SourceSchema>> Discover(store::MetadataStore& store,
                                               const GenerationOptions& options, ProjectId project,
                                               const di::RealtimeScript& script,
                                               const ProgressFn& progress) {
  std::vector<std::vector<std::vector<TableSchema>>> found(script.sources.size());
  for (size_t s = 0; s < script.sources.size(); ++s) found[s].resize(script.sources[s].selections.size());
  DISYNC_RETURN_IF_ERROR(
      DiscoverEach(store, options, project, script, /*tables_per_part=*/0, progress,
                   [&](const DiscoveryUnit& unit, std::vector<TableSchema> tables) {
                     found[unit.source][unit.selection] = std::move(tables);
                   }));
  std::vector<di::SourceSchema> schemas;
  for (size_t s = 0; s < script.sources.size(); ++s) {
    di::SourceSchema schema{script.sources[s].datasource, {}};
    for (auto& tables : found[s]) {
      for (TableSchema& t : tables) schema.tables.push_back(std::move(t));
    }
    schemas.push_back(std::move(schema));
  }
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

Result<TextPieces> GenerationRunner::Run(const store::Process& process,
                                         const ProgressFn& progress) {
  if (process.kind == "update") {
    DISYNC_ASSIGN_OR_RETURN(std::string content, RunUpdate(store_, options_, process, progress));
    return TextPieces(std::move(content));
  }
  // The workspace may have changed since the script was accepted.
  WorkspaceReferences references(store_, process.project);
  std::optional<di::RealtimeScript> accepted;
  if (accepted_ != nullptr) accepted = accepted_->TakeIfStillValid(process.id, references);
  if (!accepted) {
    DISYNC_ASSIGN_OR_RETURN(accepted, di::ParseRealtimeScript(process.task_param, references));
  }
  const di::RealtimeScript& script = *accepted;
  // Each database's tables are planned and rendered on a thread of their
  // own, in the order they were read, while the connections go on reading:
  // none waits for the rendering of what it read (gen_scale at 10,000
  // tables: discovery 0.39-0.41 s against 0.42-0.46 s when each discovery
  // thread rendered its own, bench/README.md).
  // A database of thousands of tables is read and rendered in parts too.
  di::TaskContentBuilder builder(script, di::GeneratorOptions{}, options_.tables_per_query);
  struct Described {
    size_t source = 0, selection = 0, part = 0;
    std::vector<TableSchema> tables;
  };
  std::mutex mu;
  std::condition_variable changed;
  std::deque<Described> described;  // guarded by mu
  bool discovery_over = false;      // guarded by mu
  std::thread renderer([&] {
    std::unique_lock lock(mu);
    for (;;) {
      changed.wait(lock, [&] { return discovery_over || !described.empty(); });
      if (described.empty()) return;
      Described next = std::move(described.front());
      described.pop_front();
      lock.unlock();
      builder.AddPart(next.source, next.selection, next.part, std::move(next.tables));
      lock.lock();
    }
  });
  const Status discovered = DiscoverEach(
      store_, options_, process.project, script, options_.tables_per_query, progress,
      [&](const DiscoveryUnit& unit, std::vector<TableSchema> tables) {
        std::lock_guard lock(mu);
        described.push_back({unit.source, unit.selection, unit.part, std::move(tables)});
        changed.notify_one();
      });
  {
    std::lock_guard lock(mu);
    discovery_over = true;
    if (!discovered.ok()) described.clear();  // nothing more to render
  }
  changed.notify_one();
  renderer.join();
  DISYNC_RETURN_IF_ERROR(discovered);
  return builder.Finish();
}

}  // namespace disync::jobs
