#include "di/task_update.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/digest.h"
#include "di/generator.h"
#include "di/json_reader.h"
#include "di/task_content.h"
#include "di/type_mapping.h"

namespace disync::di {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

std::string Quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

// What PlanTaskUpdate needs of the current content, read after
// ValidateTaskContent accepted it.
struct CurrentConnection {
  std::string datasource;
  std::vector<std::pair<std::string, std::string>> tables;  // (database, table), content order
};

struct CurrentTask {
  RealtimeScript script;  // solution, resource group, name, writer; no sources
  std::vector<CurrentConnection> connections;
};

CurrentTask ReadCurrent(const Json& doc, const TaskContentInfo& info) {
  CurrentTask current;
  RealtimeScript& script = current.script;
  script.solution = info.solution.value_or(SolutionType::kOdps);
  script.resource_group = info.resource_group;
  script.name = info.name;
  if (const Json* extend = Member(doc, "extend")) {
    if (const Json* id = Member(*extend, "scheduleResgroupId"); id && id->is_number_integer()) {
      script.schedule_resgroup_id = id->get<int64_t>();
    }
  }
  script.reader_step_type = "mysql";
  script.writer_step_type = std::string(WriterStepType(script.solution));
  script.writer_datasource = info.destinations.empty() ? std::string() : info.destinations.front();
  for (const Json& step : doc["steps"]) {
    const std::string* category = StringMember(step, "category");
    if (category == nullptr || *category != "reader") continue;
    for (const Json& connection : step["parameter"]["connection"]) {
      CurrentConnection out;
      out.datasource = connection["datasource"].get<std::string>();
      for (const Json& selected : connection["selectedTables"]) {
        std::string database = selected["dbName"].get<std::string>();
        for (const Json& schema : selected["schema"]) {
          for (const Json& table_info : schema["tableInfos"]) {
            out.tables.emplace_back(database, table_info["table"].get<std::string>());
          }
        }
      }
      current.connections.push_back(std::move(out));
    }
    break;
  }
  return current;
}

// A table the update lists, with where it lists it.
struct ListedTable {
  std::string database;  // "" = the data source's default database
  std::string table;
  std::string pointer;
};

// One reader connection of the update script, resolved to its target.
struct ConnectionUpdate {
  std::optional<size_t> current;  // index among the current connections; nullopt = a new source
  std::string datasource;
  std::vector<ListedTable> tables;
};

class UpdateChecker {
 public:
  UpdateChecker(const CurrentTask& current, const ScriptReferences& refs, std::vector<Problem>* problems)
      : current_(current), refs_(refs), problems_(problems) {}

  std::vector<ConnectionUpdate> Check(const Json& doc, RealtimeScript* added) {
    std::vector<ConnectionUpdate> updates;
    if (!doc.is_object()) {
      Add("", problem_code::kType, "expected a JSON object (an update script), got another type");
      return updates;
    }
    if (const Json* setting = Member(doc, "setting")) {
      if (!setting->is_object()) {
        Add("/setting", problem_code::kType, "expected an object");
      } else {
        CheckSetting(*setting, added);
      }
    }
    const Json* steps = Member(doc, "steps");
    if (steps == nullptr) {
      Add("/steps", problem_code::kRequired,
          "missing; expected an array with the reader step and its new table lists");
      return updates;
    }
    if (!steps->is_array()) {
      Add("/steps", problem_code::kType, "expected an array of steps");
      return updates;
    }
    std::optional<size_t> reader;
    for (size_t i = 0; i < steps->size(); ++i) {
      const Json& step = (*steps)[i];
      const std::string pointer = AppendPointer("/steps", i);
      if (!step.is_object()) {
        Add(pointer, problem_code::kType, "expected a step object");
        continue;
      }
      const std::string* category = StringMember(step, "category");
      if (category == nullptr) {
        Add(AppendPointer(pointer, "category"), problem_code::kRequired,
            "missing; expected \"reader\" (or \"writer\")");
      } else if (*category == "reader") {
        if (reader) {
          Add(pointer, problem_code::kDuplicate,
              "a second reader step; expected exactly one, the first is " + AppendPointer("/steps", *reader));
        } else {
          reader = i;
        }
      } else if (*category == "writer") {
        CheckWriter(step, pointer);
      } else {
        Add(AppendPointer(pointer, "category"), problem_code::kEnum,
            "expected \"reader\" or \"writer\", got " + Quote(*category));
      }
    }
    if (!reader) {
      Add("/steps", problem_code::kRequired,
          "no step with category \"reader\"; expected the reader step with the new table lists");
      return updates;
    }
    return CheckReader((*steps)[*reader], AppendPointer("/steps", *reader));
  }

 private:
  void Add(std::string pointer, std::string_view code, std::string message) {
    problems_->push_back({std::move(pointer), std::string(code), std::move(message)});
  }

  void CheckSetting(const Json& setting, RealtimeScript* added) {
    if (const Json* task_type = Member(setting, "taskType")) {
      const std::string expected(ToString(current_.script.solution));
      if (!task_type->is_string() || task_type->get<std::string>() != expected) {
        Add("/setting/taskType", problem_code::kImmutable,
            "the task is a " + Quote(expected) + " task and an update cannot change that; expected " +
                Quote(expected) + " or no taskType");
      }
    }
    if (const Json* rule = Member(setting, "tableNameRule")) {
      if (!rule->is_string()) {
        Add("/setting/tableNameRule", problem_code::kType, "expected a string");
      } else if (std::optional<std::string> why = TableNameRuleProblem(rule->get<std::string>())) {
        Add("/setting/tableNameRule", problem_code::kInvalidTemplate, *why);
      } else {
        added->table_name_rule = rule->get<std::string>();
      }
    }
    const Json* overrides = Member(setting, "typeOverrides");
    if (overrides == nullptr) return;
    if (!overrides->is_array()) {
      Add("/setting/typeOverrides", problem_code::kType, "expected an array of {source, target} objects");
      return;
    }
    std::map<std::string, std::string> seen;
    for (size_t i = 0; i < overrides->size(); ++i) {
      const std::string pointer = AppendPointer("/setting/typeOverrides", i);
      const std::string* source = StringMember((*overrides)[i], "source");
      const std::string* target = StringMember((*overrides)[i], "target");
      if (source == nullptr || target == nullptr) {
        Add(pointer, problem_code::kType, "expected an object with the strings source and target");
        continue;
      }
      std::optional<std::string> normalized = NormalizeMysqlType(*source);
      std::optional<std::string> canonical = CanonicalTargetType(current_.script.solution, *target);
      if (!normalized) {
        Add(AppendPointer(pointer, "source"), problem_code::kUnsupportedType,
            "unknown MySQL type " + Quote(*source) +
                "; expected a MySQL column type such as tinyint(1) or bigint unsigned");
      } else if (auto [it, inserted] = seen.emplace(*normalized, pointer); !inserted) {
        Add(AppendPointer(pointer, "source"), problem_code::kDuplicate,
            "type " + Quote(*normalized) + " is already overridden at " + it->second);
        normalized.reset();
      }
      if (!canonical) {
        Add(AppendPointer(pointer, "target"), problem_code::kUnsupportedType,
            Quote(*target) + " is not a type of the task's target; expected one of " +
                TargetTypeNames(current_.script.solution));
      }
      if (normalized && canonical) added->type_overrides.push_back({*normalized, *canonical});
    }
  }

  void CheckWriter(const Json& step, const std::string& pointer) {
    const Json* parameter = Member(step, "parameter");
    const std::string* name = parameter != nullptr ? StringMember(*parameter, "datasource") : nullptr;
    if (name != nullptr && *name != current_.script.writer_datasource) {
      Add(AppendPointer(AppendPointer(pointer, "parameter"), "datasource"), problem_code::kImmutable,
          "the task writes to " + Quote(current_.script.writer_datasource) +
              " and an update cannot change that; expected " + Quote(current_.script.writer_datasource));
    }
    const std::string* step_type = StringMember(step, "stepType");
    if (step_type != nullptr && *step_type != current_.script.writer_step_type) {
      Add(AppendPointer(pointer, "stepType"), problem_code::kImmutable,
          "the task writes with " + Quote(current_.script.writer_step_type) +
              " and an update cannot change that; expected " + Quote(current_.script.writer_step_type));
    }
  }

  std::vector<ConnectionUpdate> CheckReader(const Json& step, const std::string& pointer) {
    std::vector<ConnectionUpdate> updates;
    if (const std::string* step_type = StringMember(step, "stepType"); step_type && *step_type != "mysql") {
      Add(AppendPointer(pointer, "stepType"), problem_code::kEnum,
          "expected \"mysql\" for the reader step, got " + Quote(*step_type));
    }
    const Json* parameter = Member(step, "parameter");
    const std::string parameter_pointer = AppendPointer(pointer, "parameter");
    if (parameter == nullptr || !parameter->is_object()) {
      Add(parameter_pointer, parameter == nullptr ? problem_code::kRequired : problem_code::kType,
          "expected an object with connection");
      return updates;
    }
    const Json* connections = Member(*parameter, "connection");
    const std::string connections_pointer = AppendPointer(parameter_pointer, "connection");
    if (connections == nullptr || !connections->is_array()) {
      Add(connections_pointer, connections == nullptr ? problem_code::kRequired : problem_code::kType,
          "expected an array of connections with their new table lists");
      return updates;
    }
    if (connections->empty()) {
      Add(connections_pointer, problem_code::kEmpty,
          "empty; expected at least one connection with its new table list");
    }
    std::map<std::string, std::string> targets;  // data source -> pointer of its connection
    for (size_t i = 0; i < connections->size(); ++i) {
      const std::string connection_pointer = AppendPointer(connections_pointer, i);
      const Json& connection = (*connections)[i];
      if (!connection.is_object()) {
        Add(connection_pointer, problem_code::kType, "expected a connection object");
        continue;
      }
      std::optional<ConnectionUpdate> update = ResolveConnection(connection, connection_pointer, i);
      if (!update) continue;
      auto [it, inserted] = targets.emplace(update->datasource, connection_pointer);
      if (!inserted) {
        Add(connection_pointer, problem_code::kDuplicate,
            "data source " + Quote(update->datasource) + " is already updated at " + it->second +
                "; expected each data source once");
        continue;
      }
      CheckTables(connection, connection_pointer, &*update);
      updates.push_back(std::move(*update));
    }
    return updates;
  }

  std::optional<ConnectionUpdate> ResolveConnection(const Json& connection, const std::string& pointer,
                                                    size_t position) {
    ConnectionUpdate update;
    const std::string* name = StringMember(connection, "datasource");
    if (name == nullptr || name->empty()) {
      if (position >= current_.connections.size()) {
        Add(AppendPointer(pointer, "datasource"), problem_code::kRequired,
            "missing; the task reads " + std::to_string(current_.connections.size()) +
                " data source(s), so this connection must name its data source");
        return std::nullopt;
      }
      update.current = position;
      update.datasource = current_.connections[position].datasource;
      return update;
    }
    update.datasource = *name;
    for (size_t j = 0; j < current_.connections.size(); ++j) {
      if (current_.connections[j].datasource == *name) update.current = j;
    }
    if (update.current) return update;
    std::optional<std::string> type = refs_.DataSourceType(*name);
    if (!type) {
      Add(AppendPointer(pointer, "datasource"), problem_code::kUnknownDatasource,
          "no data source named " + Quote(*name) + " in the workspace; expected a MySQL data source");
      return std::nullopt;
    }
    if (*type != "mysql") {
      Add(AppendPointer(pointer, "datasource"), problem_code::kDatasourceType,
          "data source " + Quote(*name) + " has type " + Quote(*type) +
              "; the mysql reader needs a data source of type \"mysql\"");
      return std::nullopt;
    }
    return update;
  }

  const Json* Alias(const Json& object, const std::string& base, const char* lower, const char* upper,
                    std::string* key) {
    const Json* a = Member(object, lower);
    const Json* b = Member(object, upper);
    if (a != nullptr && b != nullptr) {
      Add(AppendPointer(base, upper), problem_code::kDuplicate,
          std::string("both \"") + lower + "\" and \"" + upper + "\" are given; expected one of them");
    }
    *key = a != nullptr ? lower : upper;
    return a != nullptr ? a : b;
  }

  void CheckTables(const Json& connection, const std::string& base, ConnectionUpdate* update) {
    std::string selected_key;
    std::string tables_key;
    const Json* selected = Alias(connection, base, "selectedTables", "SelectedTables", &selected_key);
    const Json* tables = Alias(connection, base, "table", "Tables", &tables_key);
    std::set<std::pair<std::string, std::string>> seen;
    if (selected != nullptr) {
      const std::string pointer = AppendPointer(base, selected_key);
      if (!selected->is_array()) {
        Add(pointer, problem_code::kType, "expected an array of {dbName, schema} objects");
        return;
      }
      if (selected->empty()) Add(pointer, problem_code::kEmpty, "empty; expected at least one {dbName, schema} object");
      for (size_t i = 0; i < selected->size(); ++i) {
        const Json& entry = (*selected)[i];
        const std::string entry_pointer = AppendPointer(pointer, i);
        const std::string* database = StringMember(entry, "dbName");
        if (database == nullptr) {
          Add(AppendPointer(entry_pointer, "dbName"), problem_code::kRequired,
              "missing; expected the database of the tables");
          continue;
        }
        if (std::optional<std::string> why = MysqlIdentifierProblem(*database)) {
          Add(AppendPointer(entry_pointer, "dbName"), problem_code::kInvalidIdentifier,
              "database name " + Quote(*database) + " " + *why);
          continue;
        }
        const Json* schemas = Member(entry, "schema");
        if (schemas == nullptr || !schemas->is_array() || schemas->empty()) {
          Add(AppendPointer(entry_pointer, "schema"),
              schemas == nullptr ? problem_code::kRequired
                                 : (schemas->is_array() ? problem_code::kEmpty : problem_code::kType),
              "expected a non-empty array of {tableInfos} objects");
          continue;
        }
        for (size_t j = 0; j < schemas->size(); ++j) {
          const std::string schema_pointer = AppendPointer(AppendPointer(entry_pointer, "schema"), j);
          const Json* infos = Member((*schemas)[j], "tableInfos");
          if (infos == nullptr || !infos->is_array() || infos->empty()) {
            Add(AppendPointer(schema_pointer, "tableInfos"),
                infos == nullptr ? problem_code::kRequired
                                 : (infos->is_array() ? problem_code::kEmpty : problem_code::kType),
                "expected a non-empty array of {table} objects");
            continue;
          }
          for (size_t k = 0; k < infos->size(); ++k) {
            const std::string table_pointer =
                AppendPointer(AppendPointer(AppendPointer(schema_pointer, "tableInfos"), k), "table");
            const Json* table = Member((*infos)[k], "table");
            if (table == nullptr) {
              Add(table_pointer, problem_code::kRequired, "missing; expected a table name");
              continue;
            }
            AddTable(*table, *database, table_pointer, &seen, update);
          }
        }
      }
    } else if (tables != nullptr) {
      const std::string pointer = AppendPointer(base, tables_key);
      if (!tables->is_array()) {
        Add(pointer, problem_code::kType, "expected an array of table names");
        return;
      }
      if (tables->empty()) Add(pointer, problem_code::kEmpty, "empty; expected at least one table name");
      for (size_t i = 0; i < tables->size(); ++i) {
        AddTable((*tables)[i], "", AppendPointer(pointer, i), &seen, update);
      }
    } else {
      Add(AppendPointer(base, "table"), problem_code::kRequired,
          "missing; expected the new \"table\" list or \"selectedTables\"");
    }
  }

  void AddTable(const Json& value, const std::string& database, const std::string& pointer,
                std::set<std::pair<std::string, std::string>>* seen, ConnectionUpdate* update) {
    if (!value.is_string()) {
      Add(pointer, problem_code::kType, "expected a table name");
      return;
    }
    const std::string& table = value.get_ref<const std::string&>();
    if (std::optional<std::string> why = MysqlIdentifierProblem(table)) {
      Add(pointer, problem_code::kInvalidIdentifier, "table name " + Quote(table) + " " + *why);
      return;
    }
    if (!seen->emplace(database, table).second) {
      Add(pointer, problem_code::kDuplicate, "table " + Quote(table) + " is listed twice");
      return;
    }
    update->tables.push_back({database, table, pointer});
  }

  const CurrentTask& current_;
  const ScriptReferences& refs_;
  std::vector<Problem>* problems_;
};

std::string StringOr(const OJson& object, const char* key, std::string_view fallback = "") {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string(fallback);
}

// The reader and writer steps of a generated content.
struct Steps {
  OJson* reader = nullptr;
  OJson* writer = nullptr;
};

Result<Steps> FindSteps(OJson& doc, std::string_view what) {
  Steps steps;
  if (doc.is_object() && doc.contains("steps") && doc["steps"].is_array()) {
    for (OJson& step : doc["steps"]) {
      std::string category = step.is_object() ? StringOr(step, "category") : "";
      if (category == "reader" && steps.reader == nullptr) steps.reader = &step;
      if (category == "writer" && steps.writer == nullptr) steps.writer = &step;
    }
  }
  auto shaped = [](const OJson* step, const char* key, const char* list) {
    return step != nullptr && step->contains("parameter") && (*step)["parameter"].is_object() &&
           (*step)["parameter"].contains(key) &&
           (list == nullptr || ((*step)["parameter"][key].is_object() &&
                                (*step)["parameter"][key].contains(list) &&
                                (*step)["parameter"][key][list].is_array()));
  };
  if (!shaped(steps.reader, "connection", nullptr) || !(*steps.reader)["parameter"]["connection"].is_array() ||
      !shaped(steps.writer, "tableMappingRule", "datasource")) {
    return Error::InvalidArgument(std::string(what) + " is not a generated TaskContent");
  }
  return steps;
}

OJson* FindBy(OJson& list, const char* key, std::string_view value) {
  for (OJson& entry : list) {
    if (entry.is_object() && StringOr(entry, key) == value) return &entry;
  }
  return nullptr;
}

void RemoveTable(const Steps& steps, const SourceTable& table) {
  if (OJson* connection = FindBy((*steps.reader)["parameter"]["connection"], "datasource", table.datasource);
      connection != nullptr && connection->contains("selectedTables")) {
    OJson& selected = (*connection)["selectedTables"];
    for (OJson& entry : selected) {
      if (StringOr(entry, "dbName") != table.database || !entry.contains("schema")) continue;
      for (OJson& schema : entry["schema"]) {
        if (!schema.contains("tableInfos")) continue;
        OJson& infos = schema["tableInfos"];
        infos.erase(std::remove_if(infos.begin(), infos.end(),
                                   [&](const OJson& info) { return StringOr(info, "table") == table.table; }),
                    infos.end());
      }
      OJson& schemas = entry["schema"];
      schemas.erase(std::remove_if(schemas.begin(), schemas.end(),
                                   [](const OJson& schema) {
                                     return !schema.contains("tableInfos") || schema["tableInfos"].empty();
                                   }),
                    schemas.end());
    }
    selected.erase(std::remove_if(selected.begin(), selected.end(),
                                  [](const OJson& entry) { return !entry.contains("schema") || entry["schema"].empty(); }),
                   selected.end());
  }
  OJson& groups = (*steps.writer)["parameter"]["tableMappingRule"]["datasource"];
  if (OJson* group = FindBy(groups, "srcDatasourceName", table.datasource);
      group != nullptr && group->contains("tableRule")) {
    OJson& rules = (*group)["tableRule"];
    rules.erase(std::remove_if(rules.begin(), rules.end(),
                               [&](const OJson& rule) {
                                 return StringOr(rule, "srcDbName") == table.database &&
                                        StringOr(rule, "srcTable") == table.table;
                               }),
                rules.end());
  }
}

void AddRendered(const Steps& steps, const Steps& added) {
  OJson& connections = (*steps.reader)["parameter"]["connection"];
  for (const OJson& connection : (*added.reader)["parameter"]["connection"]) {
    OJson* existing = FindBy(connections, "datasource", StringOr(connection, "datasource"));
    if (existing == nullptr) {
      connections.push_back(connection);
      continue;
    }
    OJson& selected = (*existing)["selectedTables"];
    for (const OJson& entry : connection["selectedTables"]) {
      OJson* same_database = FindBy(selected, "dbName", StringOr(entry, "dbName"));
      if (same_database == nullptr || !(*same_database)["schema"].is_array() ||
          (*same_database)["schema"].empty()) {
        selected.push_back(entry);
        continue;
      }
      OJson& infos = (*same_database)["schema"].back()["tableInfos"];
      for (const OJson& schema : entry["schema"]) {
        for (const OJson& info : schema["tableInfos"]) infos.push_back(info);
      }
    }
  }
  OJson& groups = (*steps.writer)["parameter"]["tableMappingRule"]["datasource"];
  for (const OJson& group : (*added.writer)["parameter"]["tableMappingRule"]["datasource"]) {
    OJson* existing = FindBy(groups, "srcDatasourceName", StringOr(group, "srcDatasourceName"));
    if (existing == nullptr) {
      groups.push_back(group);
      continue;
    }
    for (const OJson& rule : group["tableRule"]) (*existing)["tableRule"].push_back(rule);
  }
}

}  // namespace

Result<TaskUpdatePlan> PlanTaskUpdate(std::string_view content, std::string_view update_script,
                                      const ScriptReferences& refs, std::vector<Problem>* problems) {
  if (problems != nullptr) problems->clear();
  Result<TaskContentInfo> info = ValidateTaskContent(TaskType::kRealtime, content, refs);
  if (!info.ok()) return Error(ErrorCode::kDiInvalidParameter, "the task's " + info.error().message());
  Json current_doc = Json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!current_doc.is_object()) return Error::Internal("a validated TaskContent did not parse");
  CurrentTask current = ReadCurrent(current_doc, *info);

  std::vector<Problem> found;
  std::optional<Json> doc = ReadJson(update_script, "TaskParam",
                                     JsonLimits{kMaxTaskParamBytes, kMaxTaskParamDepth}, &found);
  TaskUpdatePlan plan;
  plan.added = current.script;
  std::vector<ConnectionUpdate> updates;
  if (doc) updates = UpdateChecker(current, refs, &found).Check(*doc, &plan.added);

  for (const ConnectionUpdate& update : updates) {
    SourceConnection added;
    added.datasource = update.datasource;
    added.datasource_type = "mysql";
    std::vector<bool> kept;
    const CurrentConnection* existing =
        update.current ? &current.connections[*update.current] : nullptr;
    if (existing != nullptr) kept.assign(existing->tables.size(), false);
    for (const ListedTable& listed : update.tables) {
      std::vector<size_t> matches;
      for (size_t i = 0; existing != nullptr && i < existing->tables.size(); ++i) {
        const auto& [database, table] = existing->tables[i];
        if (table == listed.table && (listed.database.empty() || database == listed.database)) {
          matches.push_back(i);
        }
      }
      if (matches.size() > 1) {
        std::string where;
        for (size_t i : matches) where += (where.empty() ? "" : ", ") + Quote(existing->tables[i].first);
        found.push_back({listed.pointer, std::string(problem_code::kAmbiguous),
                         "the task reads table " + Quote(listed.table) + " from several databases (" +
                             where + "); name its database with selectedTables"});
        continue;
      }
      if (matches.size() == 1) {
        kept[matches.front()] = true;
        continue;
      }
      // One selectedTables entry per database, in order of first appearance.
      auto group = std::find_if(added.selections.begin(), added.selections.end(),
                                [&](const TableSelection& s) { return s.database == listed.database; });
      if (group == added.selections.end()) {
        group = added.selections.insert(added.selections.end(), TableSelection{listed.database, {}});
      }
      group->tables.push_back(listed.table);
    }
    for (size_t i = 0; existing != nullptr && i < existing->tables.size(); ++i) {
      if (!kept[i]) {
        plan.removed.push_back({existing->datasource, existing->tables[i].first, existing->tables[i].second});
      }
    }
    if (!added.selections.empty()) plan.added.sources.push_back(std::move(added));
  }

  NormalizeProblems(&found);
  if (problems != nullptr) *problems = found;
  if (!found.empty()) return ValidationError{std::move(found)}.ToError("TaskParam");
  return plan;
}

Result<std::string> ApplyTaskUpdate(std::string_view content, const TaskUpdatePlan& plan,
                                    std::string_view added_content) {
  OJson doc = OJson::parse(content, nullptr, /*allow_exceptions=*/false);
  DISYNC_ASSIGN_OR_RETURN(Steps steps, FindSteps(doc, "the task's content"));
  for (const SourceTable& table : plan.removed) RemoveTable(steps, table);

  std::string added_fingerprint;
  if (!added_content.empty()) {
    OJson added = OJson::parse(added_content, nullptr, /*allow_exceptions=*/false);
    DISYNC_ASSIGN_OR_RETURN(Steps added_steps, FindSteps(added, "the rendering of the added tables"));
    AddRendered(steps, added_steps);
    if (added.contains("extend") && added["extend"].is_object()) {
      added_fingerprint = StringOr(added["extend"], "schemaFingerprint");
    }
  }

  OJson& mapping = (*steps.writer)["parameter"]["tableMappingRule"];
  size_t total = 0;
  for (const OJson& group : mapping["datasource"]) {
    if (group.contains("tableRule") && group["tableRule"].is_array()) total += group["tableRule"].size();
  }
  mapping["totalTableMapping"] = total;

  if ((!plan.removed.empty() || !added_content.empty()) && doc.contains("extend") &&
      doc["extend"].is_object()) {
    std::string data = "disync-update-fingerprint/1";
    AppendFramed(&data, StringOr(doc["extend"], "schemaFingerprint"));
    AppendFramed(&data, added_fingerprint);
    std::vector<SourceTable> removed = plan.removed;
    std::sort(removed.begin(), removed.end(), [](const SourceTable& a, const SourceTable& b) {
      return std::tie(a.datasource, a.database, a.table) < std::tie(b.datasource, b.database, b.table);
    });
    AppendFramed(&data, std::to_string(removed.size()));
    for (const SourceTable& table : removed) {
      AppendFramed(&data, table.datasource);
      AppendFramed(&data, table.database);
      AppendFramed(&data, table.table);
    }
    doc["extend"]["schemaFingerprint"] = Sha256Hex(data);
  }
  return doc.dump(-1, ' ', false, OJson::error_handler_t::replace);
}

}  // namespace disync::di
