#include "di/realtime_script.h"

#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/check.h"
#include "di/embedded_files.h"
#include "di/json_reader.h"
#include "di/json_schema.h"
#include "di/type_mapping.h"

namespace disync::di {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kSchemaFile = "schemas/realtime_script.schema.json";
constexpr std::string_view kReaderStepType = "mysql";
constexpr std::string_view kSourceDatasourceType = "mysql";

const JsonSchema& ScriptSchema() {
  static const std::unique_ptr<JsonSchema> schema = [] {
    std::optional<std::string_view> text = FindEmbeddedFile(kSchemaFile);
    DISYNC_CHECK(text.has_value());
    Result<std::unique_ptr<JsonSchema>> compiled = JsonSchema::Compile(*text);
    DISYNC_CHECK(compiled.ok());
    return std::move(compiled).value();
  }();
  return *schema;
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::string_view TargetProductName(SolutionType solution) {
  switch (solution) {
    case SolutionType::kOdps: return "MaxCompute";
    case SolutionType::kHolo: return "Hologres";
    case SolutionType::kKafka: return "Kafka";
  }
  return "";
}

// The semantic checks; the schema has already reported shape problems, so
// every accessor here skips values of the wrong type silently.
class Checker {
 public:
  Checker(const ScriptReferences& refs, std::vector<Problem>* problems)
      : refs_(refs), problems_(problems) {}

  RealtimeScript Check(const Json& doc) {
    RealtimeScript script;
    if (!doc.is_object()) return script;
    std::optional<SolutionType> solution;
    if (const Json* setting = Member(doc, "setting"); setting != nullptr && setting->is_object()) {
      solution = CheckSetting(*setting, &script);
    }
    if (const Json* steps = Member(doc, "steps"); steps != nullptr && steps->is_array()) {
      CheckSteps(*steps, solution, &script);
    }
    return script;
  }

 private:
  // Where a table name was found: element `index` of the array at `*array`
  // (a "table" list) or that element's "table" member (tableInfos). Its
  // pointer is spelled out only for a problem: 10,000 tables have none.
  struct TableAt {
    const std::string* array;  // into arrays_
    size_t index;
    bool member;
    std::string Pointer() const {
      std::string pointer = AppendPointer(*array, index);
      return member ? AppendPointer(pointer, "table") : pointer;
    }
  };
  struct TableKey {
    std::string_view datasource, database, table;  // views into the document
    bool operator==(const TableKey&) const = default;
  };
  struct TableKeyHash {
    size_t operator()(const TableKey& key) const {
      const std::hash<std::string_view> hash;
      size_t h = hash(key.table);
      for (std::string_view part : {key.database, key.datasource}) {
        h ^= hash(part) + 0x9e3779b97f4a7c15 + (h << 6) + (h >> 2);
      }
      return h;
    }
  };

  void Add(std::string pointer, std::string_view code, std::string message) {
    problems_->push_back({std::move(pointer), std::string(code), std::move(message)});
  }

  std::optional<SolutionType> CheckSetting(const Json& setting, RealtimeScript* script) {
    const std::string base = "/setting";
    if (const std::string* group = StringMember(setting, "resourceGroup"); group && !group->empty()) {
      script->resource_group = *group;
      if (!refs_.ResourceGroupExists(*group)) {
        Add(AppendPointer(base, "resourceGroup"), problem_code::kUnknownResourceGroup,
            "no resource group " + Quote(*group) + "; expected the identifier of a DI resource group");
      }
    }
    std::optional<SolutionType> solution;
    if (const std::string* task_type = StringMember(setting, "taskType")) {
      solution = ParseSolutionType(*task_type);
      if (solution) script->solution = *solution;
    }
    if (const std::string* name = StringMember(setting, "name")) script->name = *name;
    if (const Json* id = Member(setting, "scheduleResgroupId")) {
      if (id->is_number_integer() && !id->is_number_unsigned()) {
        script->schedule_resgroup_id = id->get<int64_t>();
      } else if (id->is_number_unsigned()) {
        uint64_t value = id->get<uint64_t>();
        if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
          Add(AppendPointer(base, "scheduleResgroupId"), problem_code::kRange,
              "out of range; expected an integer of at most 9223372036854775807");
        } else {
          script->schedule_resgroup_id = static_cast<int64_t>(value);
        }
      }
    }
    if (const std::string* rule = StringMember(setting, "tableNameRule")) {
      script->table_name_rule = *rule;
      if (std::optional<std::string> why = TableNameRuleProblem(*rule)) {
        Add(AppendPointer(base, "tableNameRule"), problem_code::kInvalidTemplate, *why);
      }
    }
    if (const Json* overrides = Member(setting, "typeOverrides"); overrides && overrides->is_array()) {
      CheckTypeOverrides(*overrides, AppendPointer(base, "typeOverrides"), solution, script);
    }
    return solution;
  }

  void CheckTypeOverrides(const Json& overrides, const std::string& base,
                          std::optional<SolutionType> solution, RealtimeScript* script) {
    std::map<std::string, std::string> seen;  // normalised source -> pointer of its first override
    for (size_t i = 0; i < overrides.size(); ++i) {
      const Json& entry = overrides[i];
      const std::string pointer = AppendPointer(base, i);
      const std::string* source = StringMember(entry, "source");
      const std::string* target = StringMember(entry, "target");
      TypeOverride parsed;
      bool valid = source != nullptr && target != nullptr;
      if (source != nullptr) {
        std::optional<std::string> normalized = NormalizeMysqlType(*source);
        if (!normalized) {
          valid = false;
          Add(AppendPointer(pointer, "source"), problem_code::kUnsupportedType,
              "unknown MySQL type " + Quote(*source) +
                  "; expected a MySQL column type such as tinyint(1) or bigint unsigned");
        } else {
          parsed.source = *normalized;
          auto [it, inserted] = seen.emplace(*normalized, pointer);
          if (!inserted) {
            valid = false;
            Add(AppendPointer(pointer, "source"), problem_code::kDuplicate,
                "type " + Quote(*normalized) + " is already overridden at " + it->second);
          }
        }
      }
      if (target != nullptr && solution) {
        std::optional<std::string> canonical = CanonicalTargetType(*solution, *target);
        if (!canonical) {
          valid = false;
          Add(AppendPointer(pointer, "target"), problem_code::kUnsupportedType,
              Quote(*target) + " is not a " + std::string(TargetProductName(*solution)) +
                  " type; expected one of " + TargetTypeNames(*solution));
        } else {
          parsed.target = *canonical;
        }
      }
      if (valid) script->type_overrides.push_back(std::move(parsed));
    }
  }

  void CheckSteps(const Json& steps, std::optional<SolutionType> solution, RealtimeScript* script) {
    std::optional<size_t> reader;
    std::optional<size_t> writer;
    for (size_t i = 0; i < steps.size(); ++i) {
      const std::string* category = StringMember(steps[i], "category");
      if (category == nullptr) continue;
      std::optional<size_t>* slot = *category == "reader" ? &reader : (*category == "writer" ? &writer : nullptr);
      if (slot == nullptr) continue;
      if (slot->has_value()) {
        Add(AppendPointer("/steps", i), problem_code::kDuplicate,
            "a second " + *category + " step; expected exactly one, the first is " +
                AppendPointer("/steps", **slot));
      } else {
        *slot = i;
      }
    }
    if (!reader) {
      Add("/steps", problem_code::kRequired,
          "no step with category \"reader\"; expected one mysql reader step");
    }
    if (!writer) {
      Add("/steps", problem_code::kRequired,
          "no step with category \"writer\"; expected one odps, holo or kafka writer step");
    }
    if (reader) CheckReader(steps[*reader], AppendPointer("/steps", *reader), script);
    if (writer) CheckWriter(steps[*writer], AppendPointer("/steps", *writer), solution, script);
  }

  void CheckReader(const Json& step, const std::string& base, RealtimeScript* script) {
    if (const std::string* step_type = StringMember(step, "stepType")) {
      script->reader_step_type = *step_type;
      if (*step_type != kReaderStepType) {
        Add(AppendPointer(base, "stepType"), problem_code::kEnum,
            "expected \"mysql\" for the reader step, got " + Quote(*step_type));
      }
    }
    const Json* parameter = Member(step, "parameter");
    if (parameter == nullptr) return;
    const Json* connections = Member(*parameter, "connection");
    if (connections == nullptr || !connections->is_array()) return;
    const std::string connections_pointer = AppendPointer(AppendPointer(base, "parameter"), "connection");
    for (size_t i = 0; i < connections->size(); ++i) {
      if (!(*connections)[i].is_object()) continue;
      CheckConnection((*connections)[i], AppendPointer(connections_pointer, i), script);
    }
  }

  // Picks `lower` or its capitalised alias; both present is a duplicate.
  std::pair<const Json*, const char*> Alias(const Json& object, const std::string& base, const char* lower,
                                            const char* upper) {
    const Json* a = Member(object, lower);
    const Json* b = Member(object, upper);
    if (a != nullptr && b != nullptr) {
      Add(AppendPointer(base, upper), problem_code::kDuplicate,
          std::string("both \"") + lower + "\" and \"" + upper + "\" are given; expected one of them");
    }
    if (a != nullptr) return {a, lower};
    return {b, upper};
  }

  void CheckConnection(const Json& connection, const std::string& base, RealtimeScript* script) {
    SourceConnection source;
    source.datasource_type = std::string(kSourceDatasourceType);
    // The tables are keyed by views into the document, which outlives the check.
    std::string_view datasource;
    if (const std::string* name = StringMember(connection, "datasource"); name && !name->empty()) {
      source.datasource = *name;
      datasource = *name;
      const std::string pointer = AppendPointer(base, "datasource");
      auto [it, inserted] = datasources_.emplace(*name, base);
      if (!inserted) {
        Add(pointer, problem_code::kDuplicate,
            "data source " + Quote(*name) + " is already listed at " + it->second +
                "; expected each data source once, with all its tables");
      }
      std::optional<std::string> type = refs_.DataSourceType(*name);
      if (!type) {
        Add(pointer, problem_code::kUnknownDatasource,
            "no data source named " + Quote(*name) + " in the workspace; expected a MySQL data source");
      } else if (*type != kSourceDatasourceType) {
        Add(pointer, problem_code::kDatasourceType,
            "data source " + Quote(*name) + " has type " + Quote(*type) +
                "; the mysql reader needs a data source of type \"mysql\"");
      }
    }

    auto [selected, selected_key] = Alias(connection, base, "selectedTables", "SelectedTables");
    auto [tables, tables_key] = Alias(connection, base, "table", "Tables");
    if (selected != nullptr) {
      if (selected->is_array()) {
        CheckSelectedTables(*selected, AppendPointer(base, selected_key), datasource, &source);
      }
    } else if (tables != nullptr) {
      if (tables->is_array()) {
        const std::string& pointer = arrays_.emplace_back(AppendPointer(base, tables_key));
        TableSelection selection;
        if (tables->empty()) {
          Add(pointer, problem_code::kEmpty, "empty; expected at least one table name");
        }
        for (size_t i = 0; i < tables->size(); ++i) {
          CheckTable((*tables)[i], TableAt{&pointer, i, /*member=*/false}, datasource, {},
                     &selection);
        }
        source.selections.push_back(std::move(selection));
      }
    } else {
      Add(AppendPointer(base, "table"), problem_code::kRequired,
          "missing; expected a non-empty \"table\" array of table names or a non-empty "
          "\"selectedTables\" array");
    }
    script->sources.push_back(std::move(source));
  }

  void CheckSelectedTables(const Json& selected, const std::string& base,
                           std::string_view datasource, SourceConnection* source) {
    if (selected.empty()) {
      Add(base, problem_code::kEmpty, "empty; expected at least one {dbName, schema} object");
    }
    for (size_t i = 0; i < selected.size(); ++i) {
      const Json& entry = selected[i];
      const std::string pointer = AppendPointer(base, i);
      TableSelection selection;
      std::string_view database_name;  // a view into the document
      if (const std::string* database = StringMember(entry, "dbName")) {
        selection.database = *database;
        database_name = *database;
        if (std::optional<std::string> why = MysqlIdentifierProblem(*database)) {
          Add(AppendPointer(pointer, "dbName"), problem_code::kInvalidIdentifier,
              "database name " + Quote(*database) + " " + *why);
        }
      }
      const Json* schemas = Member(entry, "schema");
      if (schemas != nullptr && schemas->is_array()) {
        const std::string schemas_pointer = AppendPointer(pointer, "schema");
        if (schemas->empty()) {
          Add(schemas_pointer, problem_code::kEmpty, "empty; expected at least one {tableInfos} object");
        }
        for (size_t j = 0; j < schemas->size(); ++j) {
          const Json* infos = Member((*schemas)[j], "tableInfos");
          if (infos == nullptr || !infos->is_array()) continue;
          const std::string& infos_pointer =
              arrays_.emplace_back(AppendPointer(AppendPointer(schemas_pointer, j), "tableInfos"));
          if (infos->empty()) {
            Add(infos_pointer, problem_code::kEmpty, "empty; expected at least one {table} object");
          }
          for (size_t k = 0; k < infos->size(); ++k) {
            const Json* table = Member((*infos)[k], "table");
            if (table == nullptr) continue;
            CheckTable(*table, TableAt{&infos_pointer, k, /*member=*/true}, datasource,
                       database_name, &selection);
          }
        }
      }
      source->selections.push_back(std::move(selection));
    }
  }

  // `datasource` and `database` are views into the document (or empty).
  void CheckTable(const Json& value, TableAt at, std::string_view datasource,
                  std::string_view database, TableSelection* selection) {
    if (!value.is_string()) return;
    const std::string& table = value.get_ref<const std::string&>();
    if (std::optional<std::string> why = MysqlIdentifierProblem(table)) {
      Add(at.Pointer(), problem_code::kInvalidIdentifier,
          "table name " + Quote(table) + " " + *why);
      return;
    }
    auto [it, inserted] = tables_.try_emplace(TableKey{datasource, database, table}, at);
    if (!inserted) {
      std::string where = database.empty() ? std::string() : " of database " + Quote(database);
      Add(at.Pointer(), problem_code::kDuplicate,
          "table " + Quote(table) + where + " is already selected at " + it->second.Pointer());
      return;
    }
    selection->tables.push_back(table);
  }

  void CheckWriter(const Json& step, const std::string& base, std::optional<SolutionType> solution,
                   RealtimeScript* script) {
    std::optional<std::string> writer_type;  // a known writer stepType
    if (const std::string* step_type = StringMember(step, "stepType")) {
      script->writer_step_type = *step_type;
      if (*step_type == "odps" || *step_type == "holo" || *step_type == "kafka") {
        writer_type = *step_type;
      } else {
        Add(AppendPointer(base, "stepType"), problem_code::kEnum,
            "expected one of \"odps\", \"holo\", \"kafka\" for the writer step, got " + Quote(*step_type));
      }
    }
    if (writer_type && solution && WriterStepType(*solution) != *writer_type) {
      Add("/setting/taskType", problem_code::kTaskTypeMismatch,
          "taskType " + Quote(ToString(*solution)) + " writes with stepType " +
              Quote(WriterStepType(*solution)) + ", but the writer step " + base + " has stepType " +
              Quote(*writer_type));
    }
    if (!writer_type && solution) writer_type = std::string(WriterStepType(*solution));

    const Json* parameter = Member(step, "parameter");
    if (parameter == nullptr) return;
    const std::string* name = StringMember(*parameter, "datasource");
    if (name == nullptr || name->empty()) return;
    script->writer_datasource = *name;
    const std::string pointer = AppendPointer(AppendPointer(base, "parameter"), "datasource");
    std::optional<std::string> type = refs_.DataSourceType(*name);
    if (!type) {
      Add(pointer, problem_code::kUnknownDatasource,
          "no data source named " + Quote(*name) + " in the workspace; expected " +
              (writer_type ? "a data source of type " + Quote(*writer_type) : std::string("a destination")));
    } else if (writer_type && *type != *writer_type) {
      Add(pointer, problem_code::kDatasourceType,
          "data source " + Quote(*name) + " has type " + Quote(*type) + "; the " + *writer_type +
              " writer needs a data source of type " + Quote(*writer_type));
    }
  }

  const ScriptReferences& refs_;
  std::vector<Problem>* problems_;
  std::map<std::string, std::string> datasources_;  // name -> pointer of its first connection
  std::deque<std::string> arrays_;  // pointers of the table arrays; stable addresses
  std::unordered_map<TableKey, TableAt, TableKeyHash> tables_;  // -> where first selected
};

}  // namespace

std::string_view ToString(SolutionType solution) {
  switch (solution) {
    case SolutionType::kOdps: return "oneclick_to_odps";
    case SolutionType::kHolo: return "oneclick_to_holo";
    case SolutionType::kKafka: return "oneclick_to_kafka";
  }
  return "";
}

std::optional<SolutionType> ParseSolutionType(std::string_view task_type) {
  for (SolutionType solution : {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka}) {
    if (ToString(solution) == task_type) return solution;
  }
  return std::nullopt;
}

std::string_view WriterStepType(SolutionType solution) {
  switch (solution) {
    case SolutionType::kOdps: return "odps";
    case SolutionType::kHolo: return "holo";
    case SolutionType::kKafka: return "kafka";
  }
  return "";
}

std::optional<std::string> MysqlIdentifierProblem(std::string_view name) {
  size_t characters = 0;
  for (size_t i = 0; i < name.size();) {
    unsigned char lead = static_cast<unsigned char>(name[i]);
    size_t length = lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xE ? 3 : (lead >> 3) == 0x1E ? 4 : 0;
    if (length == 0 || i + length > name.size()) return "is not valid UTF-8";
    if (lead == 0) return "contains a NUL character; expected a MySQL identifier";
    if (length == 4) {
      return "contains a character outside the Basic Multilingual Plane, which MySQL identifiers "
             "cannot hold";
    }
    i += length;
    ++characters;
  }
  if (characters == 0) return "is empty; expected a MySQL identifier of 1 to 64 characters";
  if (characters > 64) {
    return "has " + std::to_string(characters) +
           " characters; expected a MySQL identifier of 1 to 64 characters";
  }
  if (name.back() == ' ') return "ends with a space, which MySQL identifiers cannot";
  return std::nullopt;
}

std::optional<std::string> TableNameRuleProblem(std::string_view rule) {
  size_t at = 0;
  while ((at = rule.find("${", at)) != std::string_view::npos) {
    size_t close = rule.find('}', at + 2);
    if (close == std::string_view::npos) {
      return "unterminated \"${\" at character " + std::to_string(at) +
             "; expected ${srcDatasourceName}, ${srcDatabaseName} or ${srcTableName}";
    }
    std::string_view name = rule.substr(at + 2, close - at - 2);
    bool known = false;
    for (std::string_view placeholder : kTableNamePlaceholders) known = known || placeholder == name;
    if (!known) {
      return "unknown placeholder ${" + std::string(name) +
             "}; expected ${srcDatasourceName}, ${srcDatabaseName} or ${srcTableName}";
    }
    at = close + 1;
  }
  return std::nullopt;
}

Result<RealtimeScript> ParseRealtimeScript(std::string_view task_param, const ScriptReferences& refs,
                                           std::vector<Problem>* problems) {
  std::vector<Problem> found;
  std::optional<Json> doc =
      ReadJson(task_param, "TaskParam", JsonLimits{kMaxTaskParamBytes, kMaxTaskParamDepth}, &found);
  RealtimeScript script;
  if (doc) {
    ScriptSchema().Validate(*doc, &found);
    script = Checker(refs, &found).Check(*doc);
  }
  NormalizeProblems(&found);
  if (problems != nullptr) *problems = found;
  if (!found.empty()) return ValidationError{std::move(found)}.ToError("TaskParam");
  return script;
}

}  // namespace disync::di
