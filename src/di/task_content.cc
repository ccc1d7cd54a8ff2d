#include "di/task_content.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "di/json_reader.h"

namespace disync::di {
namespace {

using Json = nlohmann::json;

// How a batch plugin names what it reads or writes.
enum class Tables {
  kNone,        // topics, paths, ...: not checked
  kRelational,  // connection[].table (or parameter.table); a reader's querySql may replace them
  kNamed,       // parameter.table
};

struct StepKind {
  std::string_view step_type;        // lower case
  std::string_view datasource_type;  // "" = the plugin takes no data source
  Tables tables;
};

// The batch plugins disync knows (scripts.md section 5, and the data source
// types of datasources.md).
constexpr StepKind kStepKinds[] = {
    {"mysql", "mysql", Tables::kRelational},
    {"postgresql", "postgresql", Tables::kRelational},
    {"sqlserver", "sqlserver", Tables::kRelational},
    {"oracle", "oracle", Tables::kRelational},
    {"polardb", "polardb", Tables::kRelational},
    {"analyticdb_for_mysql", "analyticdb_for_mysql", Tables::kRelational},
    {"hybriddb_for_postgresql", "hybriddb_for_postgresql", Tables::kRelational},
    {"clickhouse", "clickhouse", Tables::kRelational},
    {"starrocks", "starrocks", Tables::kRelational},
    {"doris", "doris", Tables::kRelational},
    {"odps", "odps", Tables::kNamed},
    {"holo", "holo", Tables::kNamed},
    {"hive", "hive", Tables::kNamed},
    {"kafka", "kafka", Tables::kNone},
    {"datahub", "datahub", Tables::kNone},
    {"elasticsearch", "elasticsearch", Tables::kNone},
    {"mongodb", "mongodb", Tables::kNone},
    {"redis", "redis", Tables::kNone},
    {"oss", "oss", Tables::kNone},
    {"hdfs", "hdfs", Tables::kNone},
    {"ftp", "ftp", Tables::kNone},
    {"stream", "", Tables::kNone},
};

constexpr std::string_view kGeneratedModes[] = {"migration_odps", "migration_holo",
                                                "migration_kafka"};

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const StepKind* FindStepKind(std::string_view step_type) {
  std::string lower = Lower(step_type);
  for (const StepKind& kind : kStepKinds) {
    if (kind.step_type == lower) return &kind;
  }
  return nullptr;
}

std::string KnownStepTypes() {
  std::string out;
  for (const StepKind& kind : kStepKinds) {
    if (!out.empty()) out += ", ";
    out += kind.step_type;
  }
  return out;
}

std::optional<SolutionType> SolutionOfMode(std::string_view mode) {
  if (mode == "migration_odps") return SolutionType::kOdps;
  if (mode == "migration_holo") return SolutionType::kHolo;
  if (mode == "migration_kafka") return SolutionType::kKafka;
  return std::nullopt;
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::string KindOf(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::null: return "null";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned:
    case Json::value_t::number_float: return "a number";
    default: return "another type";
  }
}

void Note(std::vector<std::string>* names, const std::string& name) {
  if (std::find(names->begin(), names->end(), name) == names->end()) names->push_back(name);
}

enum class Need { kOptional, kRequired };
enum class Emptiness { kAllowed, kRefused };

// A reader or writer step as far as its shape could be read.
struct StepView {
  std::string pointer;  // /steps/<i>
  const std::string* step_type = nullptr;
  const std::string* category = nullptr;  // "reader" | "writer" when valid
  const std::string* name = nullptr;
  const Json* parameter = nullptr;  // an object when set
};

class ContentChecker {
 public:
  ContentChecker(const ScriptReferences& refs, std::vector<Problem>* problems)
      : refs_(refs), problems_(problems) {}

  TaskContentInfo CheckBatch(const Json& doc) {
    TaskContentInfo info;
    if (!doc.is_object()) {
      Add("", problem_code::kType, "expected a JSON object (a batch job script), got " + KindOf(doc));
      return info;
    }
    CheckType(doc);
    if (const std::string* version =
            String(doc, "version", "", Need::kRequired, Emptiness::kRefused, "\"2.0\"")) {
      if (*version != "2.0" && *version != "1.0") {
        Add("/version", problem_code::kEnum,
            "expected \"2.0\" (or the legacy \"1.0\"), got " + Quote(*version));
      }
    }
    CheckExtend(doc, Need::kOptional, &info);
    std::vector<StepView> steps = Steps(doc);
    CountCategories(steps, "at least one writer step");
    for (const StepView& step : steps) {
      if (step.step_type == nullptr) continue;
      const StepKind* kind = FindStepKind(*step.step_type);
      if (kind == nullptr) {
        Add(AppendPointer(step.pointer, "stepType"), problem_code::kEnum,
            "unknown stepType " + Quote(*step.step_type) + "; expected one of " + KnownStepTypes());
        continue;
      }
      if (step.category == nullptr || step.parameter == nullptr) continue;
      bool reader = *step.category == "reader";
      CheckBatchStep(step, *kind, reader ? &info.sources : &info.destinations);
    }
    CheckSetting(doc);
    CheckOrder(doc, steps);
    return info;
  }

  TaskContentInfo CheckGenerated(const Json& doc) {
    TaskContentInfo info;
    if (!doc.is_object()) {
      Add("", problem_code::kType,
          "expected a JSON object (the TaskContent QueryDISyncTaskConfigProcessResult returned), "
          "got " + KindOf(doc));
      return info;
    }
    CheckType(doc);
    if (const std::string* version =
            String(doc, "version", "", Need::kOptional, Emptiness::kRefused, "\"2.0\"")) {
      if (*version != "2.0") Add("/version", problem_code::kEnum, "expected \"2.0\", got " + Quote(*version));
    }
    CheckExtend(doc, Need::kRequired, &info);
    std::vector<StepView> steps = Steps(doc);
    auto [readers, writers] = CountCategories(steps, "exactly one writer step");
    for (size_t i = 1; i < writers.size(); ++i) {
      Add(steps[writers[i]].pointer, problem_code::kDuplicate,
          "a second writer step; expected exactly one, the first is " + steps[writers[0]].pointer);
    }
    if (!readers.empty()) CheckGeneratedReader(steps[readers[0]], &info);
    if (!writers.empty()) CheckGeneratedWriter(steps[writers[0]], &info);
    CheckOrder(doc, steps);
    return info;
  }

 private:
  void Add(std::string pointer, std::string_view code, std::string message) {
    problems_->push_back({std::move(pointer), std::string(code), std::move(message)});
  }

  // ---- typed member access; each reports what is wrong with the member ----

  const Json* Get(const Json& object, std::string_view key, const std::string& base, Need need,
                  std::string_view expected) {
    const Json* value = Member(object, key);
    if (value == nullptr && need == Need::kRequired) {
      Add(AppendPointer(base, key), problem_code::kRequired, "missing; expected " + std::string(expected));
    }
    return value;
  }

  const std::string* String(const Json& object, std::string_view key, const std::string& base,
                            Need need, Emptiness emptiness, std::string_view expected) {
    const Json* value = Get(object, key, base, need, expected);
    if (value == nullptr) return nullptr;
    if (!value->is_string()) {
      Add(AppendPointer(base, key), problem_code::kType,
          "expected " + std::string(expected) + ", got " + KindOf(*value));
      return nullptr;
    }
    const std::string& text = value->get_ref<const std::string&>();
    if (text.empty() && emptiness == Emptiness::kRefused) {
      Add(AppendPointer(base, key), problem_code::kEmpty, "empty; expected " + std::string(expected));
      return nullptr;
    }
    return &text;
  }

  const Json* Object(const Json& object, std::string_view key, const std::string& base, Need need,
                     std::string_view expected) {
    const Json* value = Get(object, key, base, need, expected);
    if (value == nullptr) return nullptr;
    if (!value->is_object()) {
      Add(AppendPointer(base, key), problem_code::kType,
          "expected " + std::string(expected) + ", got " + KindOf(*value));
      return nullptr;
    }
    return value;
  }

  const Json* Array(const Json& object, std::string_view key, const std::string& base, Need need,
                    Emptiness emptiness, std::string_view expected) {
    const Json* value = Get(object, key, base, need, expected);
    if (value == nullptr) return nullptr;
    if (!value->is_array()) {
      Add(AppendPointer(base, key), problem_code::kType,
          "expected " + std::string(expected) + ", got " + KindOf(*value));
      return nullptr;
    }
    if (value->empty() && emptiness == Emptiness::kRefused) {
      Add(AppendPointer(base, key), problem_code::kEmpty, "empty; expected " + std::string(expected));
    }
    return value;
  }

  // ---- parts shared by both kinds of content ----

  void CheckType(const Json& doc) {
    if (const std::string* type = String(doc, "type", "", Need::kRequired, Emptiness::kRefused, "\"job\"")) {
      if (*type != "job") Add("/type", problem_code::kEnum, "expected \"job\", got " + Quote(*type));
    }
  }

  void CheckExtend(const Json& doc, Need need, TaskContentInfo* info) {
    const Json* extend = Object(doc, "extend", "", need,
                                need == Need::kRequired ? "an object with mode, resourceGroup and name"
                                                        : "an object");
    if (extend == nullptr) return;
    if (const std::string* name = String(*extend, "name", "/extend", Need::kOptional,
                                         Emptiness::kAllowed, "the task name")) {
      info->name = *name;
    }
    if (const std::string* group = String(*extend, "resourceGroup", "/extend", Need::kOptional,
                                          Emptiness::kAllowed, "a resource group identifier")) {
      info->resource_group = *group;
    }
    if (need == Need::kOptional) return;  // batch: "wizard" or "code", not checked
    const std::string* mode = String(*extend, "mode", "/extend", Need::kRequired, Emptiness::kRefused,
                                     "one of \"migration_odps\", \"migration_holo\", \"migration_kafka\"");
    if (mode == nullptr) return;
    info->solution = SolutionOfMode(*mode);
    if (!info->solution) {
      Add("/extend/mode", problem_code::kEnum,
          "expected one of \"migration_odps\", \"migration_holo\", \"migration_kafka\", got " +
              Quote(*mode));
    }
  }

  std::vector<StepView> Steps(const Json& doc) {
    std::vector<StepView> views;
    const Json* steps = Array(doc, "steps", "", Need::kRequired, Emptiness::kRefused,
                              "an array of reader and writer steps");
    if (steps == nullptr) return views;
    std::map<std::string, std::string> names;  // step name -> pointer of its first step
    for (size_t i = 0; i < steps->size(); ++i) {
      const Json& step = (*steps)[i];
      StepView view;
      view.pointer = AppendPointer("/steps", i);
      if (!step.is_object()) {
        Add(view.pointer, problem_code::kType, "expected a step object, got " + KindOf(step));
        views.push_back(std::move(view));
        continue;
      }
      view.step_type = String(step, "stepType", view.pointer, Need::kRequired, Emptiness::kRefused,
                              "the plugin name, such as \"mysql\" or \"odps\"");
      view.category = String(step, "category", view.pointer, Need::kRequired, Emptiness::kRefused,
                             "\"reader\" or \"writer\"");
      if (view.category != nullptr && *view.category != "reader" && *view.category != "writer") {
        Add(AppendPointer(view.pointer, "category"), problem_code::kEnum,
            "expected \"reader\" or \"writer\", got " + Quote(*view.category));
        view.category = nullptr;
      }
      view.name = String(step, "name", view.pointer, Need::kRequired, Emptiness::kRefused,
                         "the step name that order.hops refers to");
      if (view.name != nullptr) {
        auto [it, inserted] = names.emplace(*view.name, view.pointer);
        if (!inserted) {
          Add(AppendPointer(view.pointer, "name"), problem_code::kDuplicate,
              "step name " + Quote(*view.name) + " is already used by " + it->second +
                  "; expected unique step names");
        }
      }
      view.parameter = Object(step, "parameter", view.pointer, Need::kRequired,
                              "an object of plugin parameters");
      views.push_back(std::move(view));
    }
    return views;
  }

  // Indexes of the reader and writer steps; reports a missing reader or
  // writer and every reader after the first.
  std::pair<std::vector<size_t>, std::vector<size_t>> CountCategories(const std::vector<StepView>& steps,
                                                                      std::string_view writers_expected) {
    std::vector<size_t> readers;
    std::vector<size_t> writers;
    bool any_category_unknown = false;
    for (size_t i = 0; i < steps.size(); ++i) {
      if (steps[i].category == nullptr) {
        any_category_unknown = true;
      } else if (*steps[i].category == "reader") {
        readers.push_back(i);
      } else {
        writers.push_back(i);
      }
    }
    if (steps.empty()) return {readers, writers};
    for (size_t i = 1; i < readers.size(); ++i) {
      Add(steps[readers[i]].pointer, problem_code::kDuplicate,
          "a second reader step; expected exactly one, the first is " + steps[readers[0]].pointer);
    }
    // A step whose category could not be read may be the missing one.
    if (any_category_unknown) return {readers, writers};
    if (readers.empty()) {
      Add("/steps", problem_code::kRequired,
          "no step with category \"reader\"; expected exactly one reader step");
    }
    if (writers.empty()) {
      Add("/steps", problem_code::kRequired,
          "no step with category \"writer\"; expected " + std::string(writers_expected));
    }
    return {readers, writers};
  }

  void CheckOrder(const Json& doc, const std::vector<StepView>& steps) {
    const Json* order = Object(doc, "order", "", Need::kOptional, "an object with hops");
    if (order == nullptr) return;
    const Json* hops = Array(*order, "hops", "/order", Need::kOptional, Emptiness::kAllowed,
                             "an array of {from, to} step names");
    if (hops == nullptr) return;
    std::set<std::string> names;
    for (const StepView& step : steps) {
      if (step.name != nullptr) names.insert(*step.name);
    }
    for (size_t i = 0; i < hops->size(); ++i) {
      const std::string pointer = AppendPointer("/order/hops", i);
      const Json& hop = (*hops)[i];
      if (!hop.is_object()) {
        Add(pointer, problem_code::kType, "expected a {from, to} object, got " + KindOf(hop));
        continue;
      }
      for (const char* end : {"from", "to"}) {
        const std::string* name =
            String(hop, end, pointer, Need::kRequired, Emptiness::kRefused, "the name of a step");
        if (name != nullptr && !names.contains(*name)) {
          Add(AppendPointer(pointer, end), problem_code::kUnknownStep,
              "no step is named " + Quote(*name) + "; expected the name of one of the steps");
        }
      }
    }
  }

  // A data source named by a step: it must exist and have the plugin's type
  // ("" = any type).
  void CheckDatasource(const std::string& name, const std::string& pointer,
                       std::string_view expected_type, const std::string& who) {
    std::optional<std::string> type = refs_.DataSourceType(name);
    std::string expected = expected_type.empty() ? std::string("a data source")
                                                 : "a data source of type " + Quote(expected_type);
    if (!type) {
      Add(pointer, problem_code::kUnknownDatasource,
          "no data source named " + Quote(name) + " in the workspace; expected " + expected);
    } else if (!expected_type.empty() && *type != expected_type) {
      Add(pointer, problem_code::kDatasourceType,
          "data source " + Quote(name) + " has type " + Quote(*type) + "; the " + who + " needs " +
              expected);
    }
  }

  // ---- batch ----

  // A list of table names: non-empty strings, none twice within the step.
  void CheckTableList(const Json& list, const std::string& pointer,
                      std::map<std::string, std::string>* seen) {
    if (!list.is_array()) {
      Add(pointer, problem_code::kType, "expected an array of table names, got " + KindOf(list));
      return;
    }
    if (list.empty()) {
      Add(pointer, problem_code::kEmpty, "empty; expected at least one table name");
      return;
    }
    for (size_t i = 0; i < list.size(); ++i) {
      CheckTableName(list[i], AppendPointer(pointer, i), seen);
    }
  }

  void CheckTableName(const Json& value, const std::string& pointer,
                      std::map<std::string, std::string>* seen) {
    if (!value.is_string()) {
      Add(pointer, problem_code::kType, "expected a table name, got " + KindOf(value));
      return;
    }
    const std::string& table = value.get_ref<const std::string&>();
    if (table.empty()) {
      Add(pointer, problem_code::kEmpty, "empty; expected a table name");
      return;
    }
    auto [it, inserted] = seen->emplace(table, pointer);
    if (!inserted) {
      Add(pointer, problem_code::kDuplicate,
          "table " + Quote(table) + " is already listed at " + it->second);
    }
  }

  void CheckBatchStep(const StepView& step, const StepKind& kind, std::vector<std::string>* names) {
    const Json& parameter = *step.parameter;
    const std::string base = AppendPointer(step.pointer, "parameter");
    const std::string who = std::string(kind.step_type) + " " + *step.category;
    bool reader = *step.category == "reader";
    bool named = false;  // a data source was given (well-formed or not)
    if (Member(parameter, "datasource") != nullptr) named = true;
    if (const std::string* name = String(parameter, "datasource", base, Need::kOptional,
                                         Emptiness::kRefused, "a data source name")) {
      CheckDatasource(*name, AppendPointer(base, "datasource"), kind.datasource_type, who);
      Note(names, *name);
    }

    std::map<std::string, std::string> tables;  // table name -> pointer of its first mention
    bool tables_given = false;
    bool tables_reported = false;
    // A connection of the wrong type was reported; do not ask for tables too.
    if (Member(parameter, "connection") != nullptr) tables_reported = true;
    const Json* connections = Array(parameter, "connection", base, Need::kOptional,
                                    Emptiness::kRefused, "an array of connection objects");
    if (connections != nullptr) {
      tables_reported = false;
      const std::string connections_pointer = AppendPointer(base, "connection");
      for (size_t j = 0; j < connections->size(); ++j) {
        const Json& connection = (*connections)[j];
        const std::string pointer = AppendPointer(connections_pointer, j);
        if (!connection.is_object()) {
          Add(pointer, problem_code::kType, "expected a connection object, got " + KindOf(connection));
          tables_reported = true;
          continue;
        }
        if (Member(connection, "datasource") != nullptr) named = true;
        if (const std::string* name = String(connection, "datasource", pointer, Need::kOptional,
                                             Emptiness::kRefused, "a data source name")) {
          CheckDatasource(*name, AppendPointer(pointer, "datasource"), kind.datasource_type, who);
          Note(names, *name);
        }
        bool query = false;
        if (const Json* sql = Array(connection, "querySql", pointer, Need::kOptional,
                                    Emptiness::kAllowed, "an array of SQL statements")) {
          query = reader && !sql->empty();
        }
        if (const Json* list = Member(connection, "table")) {
          tables_given = true;
          CheckTableList(*list, AppendPointer(pointer, "table"), &tables);
        } else if (kind.tables == Tables::kRelational && !query) {
          Add(AppendPointer(pointer, "table"), problem_code::kRequired,
              "missing; expected an array of the tables to " +
                  std::string(reader ? "read" : "write") + " (or querySql in a reader)");
          tables_reported = true;
        } else if (query) {
          tables_given = true;
        }
      }
      if (connections->empty()) tables_reported = true;
    }
    if (const Json* table = Member(parameter, "table")) {
      tables_given = true;
      if (table->is_string()) {
        CheckTableName(*table, AppendPointer(base, "table"), &tables);
      } else {
        CheckTableList(*table, AppendPointer(base, "table"), &tables);
      }
    }
    if (!tables_given && !tables_reported) {
      if (kind.tables == Tables::kRelational) {
        Add(AppendPointer(base, "connection"), problem_code::kRequired,
            "missing; expected connection[].table listing the tables to " +
                std::string(reader ? "read" : "write"));
      } else if (kind.tables == Tables::kNamed) {
        Add(AppendPointer(base, "table"), problem_code::kRequired,
            "missing; expected the name of the table to " + std::string(reader ? "read" : "write"));
      }
    }
    if (!named && !kind.datasource_type.empty()) {
      Add(AppendPointer(base, "datasource"), problem_code::kRequired,
          "missing; expected the name of a data source of type " + Quote(kind.datasource_type) +
              " in the workspace");
    }
  }

  void CheckSetting(const Json& doc) {
    const Json* setting = Object(doc, "setting", "", Need::kOptional, "an object of run settings");
    if (setting == nullptr) return;
    if (const Json* speed = Object(*setting, "speed", "/setting", Need::kOptional,
                                   "an object with concurrent, throttle and mbps")) {
      if (const Json* concurrent = Member(*speed, "concurrent")) {
        const std::string pointer = "/setting/speed/concurrent";
        if (!concurrent->is_number_integer()) {
          Add(pointer, problem_code::kType,
              "expected a positive integer (the number of channels), got " + KindOf(*concurrent));
        } else if (concurrent->is_number_unsigned() ? concurrent->get<uint64_t>() == 0
                                                    : concurrent->get<int64_t>() <= 0) {
          Add(pointer, problem_code::kRange,
              "is " + concurrent->dump() + "; expected a positive integer (the number of channels)");
        }
      }
    }
    if (const Json* limit = Object(*setting, "errorLimit", "/setting", Need::kOptional,
                                   "an object with record")) {
      if (const Json* record = Member(*limit, "record");
          record != nullptr && !record->is_string() && !record->is_number()) {
        Add("/setting/errorLimit/record", problem_code::kType,
            "expected a string or a number (the dirty records tolerated; \"\" = no limit), got " +
                KindOf(*record));
      }
    }
  }

  // ---- generated ----

  void CheckGeneratedReader(const StepView& step, TaskContentInfo* info) {
    if (step.step_type != nullptr && *step.step_type != "mysql") {
      Add(AppendPointer(step.pointer, "stepType"), problem_code::kEnum,
          "expected \"mysql\" for the reader step, got " + Quote(*step.step_type));
    }
    if (step.parameter == nullptr) return;
    const std::string base = AppendPointer(step.pointer, "parameter");
    const Json* connections = Array(*step.parameter, "connection", base, Need::kRequired,
                                    Emptiness::kRefused, "an array of source connections");
    if (connections == nullptr) return;
    const std::string connections_pointer = AppendPointer(base, "connection");
    std::map<std::string, std::string> datasources;  // name -> pointer of its first connection
    for (size_t i = 0; i < connections->size(); ++i) {
      const Json& connection = (*connections)[i];
      const std::string pointer = AppendPointer(connections_pointer, i);
      if (!connection.is_object()) {
        Add(pointer, problem_code::kType, "expected a connection object, got " + KindOf(connection));
        continue;
      }
      const std::string* name = String(connection, "datasource", pointer, Need::kRequired,
                                       Emptiness::kRefused, "the name of a mysql data source");
      if (name != nullptr) {
        auto [it, inserted] = datasources.emplace(*name, pointer);
        if (!inserted) {
          Add(AppendPointer(pointer, "datasource"), problem_code::kDuplicate,
              "data source " + Quote(*name) + " is already listed at " + it->second +
                  "; expected each data source once, with all its tables");
        }
        CheckDatasource(*name, AppendPointer(pointer, "datasource"), "mysql", "mysql reader");
        Note(&info->sources, *name);
        read_datasources_.insert(*name);
      }
      const Json* selected = Array(connection, "selectedTables", pointer, Need::kRequired,
                                   Emptiness::kRefused, "an array of {dbName, schema} objects");
      if (selected == nullptr) continue;
      CheckSelectedTables(*selected, AppendPointer(pointer, "selectedTables"),
                          name != nullptr ? *name : std::string());
    }
  }

  void CheckSelectedTables(const Json& selected, const std::string& base, const std::string& datasource) {
    for (size_t i = 0; i < selected.size(); ++i) {
      const Json& entry = selected[i];
      const std::string pointer = AppendPointer(base, i);
      if (!entry.is_object()) {
        Add(pointer, problem_code::kType, "expected a {dbName, schema} object, got " + KindOf(entry));
        continue;
      }
      const std::string* database = String(entry, "dbName", pointer, Need::kRequired,
                                           Emptiness::kRefused, "the source database name");
      if (database != nullptr) {
        if (std::optional<std::string> why = MysqlIdentifierProblem(*database)) {
          Add(AppendPointer(pointer, "dbName"), problem_code::kInvalidIdentifier,
              "database name " + Quote(*database) + " " + *why);
          database = nullptr;
        }
      }
      const Json* schemas = Array(entry, "schema", pointer, Need::kRequired, Emptiness::kRefused,
                                  "an array of {tableInfos} objects");
      if (schemas == nullptr) continue;
      for (size_t j = 0; j < schemas->size(); ++j) {
        const std::string schema_pointer = AppendPointer(AppendPointer(pointer, "schema"), j);
        const Json& schema = (*schemas)[j];
        if (!schema.is_object()) {
          Add(schema_pointer, problem_code::kType, "expected a {tableInfos} object, got " + KindOf(schema));
          continue;
        }
        const Json* infos = Array(schema, "tableInfos", schema_pointer, Need::kRequired,
                                  Emptiness::kRefused, "an array of {table} objects");
        if (infos == nullptr) continue;
        for (size_t k = 0; k < infos->size(); ++k) {
          const std::string info_pointer = AppendPointer(AppendPointer(schema_pointer, "tableInfos"), k);
          const Json& info = (*infos)[k];
          if (!info.is_object()) {
            Add(info_pointer, problem_code::kType, "expected a {table} object, got " + KindOf(info));
            continue;
          }
          bool enabled = true;
          if (const Json* enable = Member(info, "enable")) {
            if (!enable->is_boolean()) {
              Add(AppendPointer(info_pointer, "enable"), problem_code::kType,
                  "expected a boolean, got " + KindOf(*enable));
            } else {
              enabled = enable->get<bool>();
            }
          }
          const std::string* table = String(info, "table", info_pointer, Need::kRequired,
                                            Emptiness::kRefused, "the source table name");
          if (table == nullptr) continue;
          if (std::optional<std::string> why = MysqlIdentifierProblem(*table)) {
            Add(AppendPointer(info_pointer, "table"), problem_code::kInvalidIdentifier,
                "table name " + Quote(*table) + " " + *why);
            continue;
          }
          if (database == nullptr || datasource.empty()) continue;
          auto [it, inserted] = selected_.emplace(TableKey(datasource, *database, *table),
                                                  AppendPointer(info_pointer, "table"));
          if (!inserted) {
            Add(AppendPointer(info_pointer, "table"), problem_code::kDuplicate,
                "table " + Quote(*table) + " of database " + Quote(*database) +
                    " is already selected at " + it->second);
          } else if (!enabled) {
            disabled_.insert(it->first);
          }
        }
      }
    }
  }

  static std::string TableKey(std::string_view datasource, std::string_view database,
                              std::string_view table) {
    std::string key(datasource);
    key += '\0';
    key += database;
    key += '\0';
    key += table;
    return key;
  }

  void CheckGeneratedWriter(const StepView& step, TaskContentInfo* info) {
    std::optional<std::string> writer_type;
    if (step.step_type != nullptr) {
      if (*step.step_type == "odps" || *step.step_type == "holo" || *step.step_type == "kafka") {
        writer_type = *step.step_type;
      } else {
        Add(AppendPointer(step.pointer, "stepType"), problem_code::kEnum,
            "expected one of \"odps\", \"holo\", \"kafka\" for the writer step, got " +
                Quote(*step.step_type));
      }
    }
    if (writer_type && info->solution && WriterStepType(*info->solution) != *writer_type) {
      Add("/extend/mode", problem_code::kModeMismatch,
          "mode " + Quote(ModeName(*info->solution)) + " writes with stepType " +
              Quote(WriterStepType(*info->solution)) + ", but the writer step " + step.pointer +
              " has stepType " + Quote(*writer_type));
    }
    if (!writer_type && info->solution) writer_type = std::string(WriterStepType(*info->solution));
    if (step.parameter == nullptr) return;
    const std::string base = AppendPointer(step.pointer, "parameter");
    std::string who = (writer_type ? *writer_type : std::string("the")) + " writer";
    if (const std::string* name = String(*step.parameter, "datasource", base, Need::kRequired,
                                         Emptiness::kRefused, "the name of the destination data source")) {
      CheckDatasource(*name, AppendPointer(base, "datasource"), writer_type.value_or(""), who);
      Note(&info->destinations, *name);
    }
    const Json* mapping = Object(*step.parameter, "tableMappingRule", base, Need::kRequired,
                                 "an object with datasource and totalTableMapping");
    if (mapping == nullptr) return;
    const std::string mapping_pointer = AppendPointer(base, "tableMappingRule");
    const Json* datasources = Array(*mapping, "datasource", mapping_pointer, Need::kRequired,
                                    Emptiness::kRefused, "an array of {srcDatasourceName, tableRule} objects");
    int64_t rules = 0;
    if (datasources != nullptr) {
      for (size_t i = 0; i < datasources->size(); ++i) {
        rules += CheckRuleGroup((*datasources)[i],
                                AppendPointer(AppendPointer(mapping_pointer, "datasource"), i),
                                info->solution == SolutionType::kKafka);
      }
    }
    info->table_count = rules;
    const std::string total_pointer = AppendPointer(mapping_pointer, "totalTableMapping");
    if (const Json* total = Get(*mapping, "totalTableMapping", mapping_pointer, Need::kRequired,
                                "the number of table rules")) {
      if (!total->is_number_integer()) {
        Add(total_pointer, problem_code::kType,
            "expected the number of table rules, got " + KindOf(*total));
      } else if (datasources != nullptr && total->dump() != std::to_string(rules)) {
        Add(total_pointer, problem_code::kCountMismatch,
            "is " + total->dump() + ", but there are " + std::to_string(rules) +
                " table rules; expected " + std::to_string(rules));
      }
    }
  }

  static std::string_view ModeName(SolutionType solution) {
    switch (solution) {
      case SolutionType::kOdps: return kGeneratedModes[0];
      case SolutionType::kHolo: return kGeneratedModes[1];
      case SolutionType::kKafka: return kGeneratedModes[2];
    }
    return "";
  }

  // One tableMappingRule.datasource entry; returns its number of rules.
  int64_t CheckRuleGroup(const Json& group, const std::string& pointer, bool case_sensitive_targets) {
    if (!group.is_object()) {
      Add(pointer, problem_code::kType,
          "expected a {srcDatasourceName, tableRule} object, got " + KindOf(group));
      return 0;
    }
    const std::string* datasource = String(group, "srcDatasourceName", pointer, Need::kRequired,
                                           Emptiness::kRefused, "the name of a data source the reader reads");
    if (datasource != nullptr && !read_datasources_.contains(*datasource)) {
      Add(AppendPointer(pointer, "srcDatasourceName"), problem_code::kNotSelected,
          "data source " + Quote(*datasource) +
              " is not read by the reader step; expected one of its connection[].datasource");
      datasource = nullptr;
    }
    const Json* rules = Array(group, "tableRule", pointer, Need::kRequired, Emptiness::kRefused,
                              "an array of table rules");
    if (rules == nullptr) return 0;
    for (size_t i = 0; i < rules->size(); ++i) {
      const Json& rule = (*rules)[i];
      const std::string rule_pointer = AppendPointer(AppendPointer(pointer, "tableRule"), i);
      if (!rule.is_object()) {
        Add(rule_pointer, problem_code::kType, "expected a table rule object, got " + KindOf(rule));
        continue;
      }
      const std::string* database = String(rule, "srcDbName", rule_pointer, Need::kRequired,
                                           Emptiness::kRefused, "the source database");
      const std::string* table = String(rule, "srcTable", rule_pointer, Need::kRequired,
                                        Emptiness::kRefused, "the source table");
      const std::string* target = String(rule, "dstTable", rule_pointer, Need::kRequired,
                                         Emptiness::kRefused, "the destination table or topic");
      if (datasource != nullptr && database != nullptr && table != nullptr) {
        std::string key = TableKey(*datasource, *database, *table);
        const std::string table_pointer = AppendPointer(rule_pointer, "srcTable");
        if (!selected_.contains(key) || disabled_.contains(key)) {
          Add(table_pointer, problem_code::kNotSelected,
              "table " + Quote(*table) + " of database " + Quote(*database) + " of data source " +
                  Quote(*datasource) + " is not selected (enabled) in the reader's selectedTables");
        } else if (auto [it, inserted] = mapped_.emplace(key, table_pointer); !inserted) {
          Add(table_pointer, problem_code::kDuplicate,
              "table " + Quote(*table) + " of database " + Quote(*database) +
                  " already has the rule at " + it->second);
        }
      }
      if (target != nullptr) {
        std::string key = case_sensitive_targets ? *target : Lower(*target);
        const std::string target_pointer = AppendPointer(rule_pointer, "dstTable");
        auto [it, inserted] = targets_.emplace(key, target_pointer);
        if (!inserted) {
          Add(target_pointer, problem_code::kDuplicate,
              "dstTable " + Quote(*target) + " is already the target of " + it->second +
                  "; expected one source table per target");
        }
      }
    }
    return static_cast<int64_t>(rules->size());
  }

  const ScriptReferences& refs_;
  std::vector<Problem>* problems_;
  std::set<std::string> read_datasources_;           // reader connection data sources
  std::map<std::string, std::string> selected_;      // table key -> pointer in the reader
  std::set<std::string> disabled_;                   // selected with enable:false
  std::map<std::string, std::string> mapped_;        // table key -> pointer of its rule
  std::map<std::string, std::string> targets_;       // dstTable -> pointer of its rule
};

}  // namespace

std::string_view ToString(TaskType type) {
  switch (type) {
    case TaskType::kOffline: return "DI_OFFLINE";
    case TaskType::kRealtime: return "DI_REALTIME";
    case TaskType::kSolution: return "DI_SOLUTION";
  }
  return "";
}

std::optional<TaskType> ParseTaskType(std::string_view text) {
  for (TaskType type : {TaskType::kOffline, TaskType::kRealtime, TaskType::kSolution}) {
    if (ToString(type) == text) return type;
  }
  return std::nullopt;
}

Result<TaskContentInfo> ValidateTaskContent(TaskType type, std::string_view content,
                                            const ScriptReferences& refs,
                                            std::vector<Problem>* problems) {
  std::vector<Problem> found;
  std::optional<Json> doc = ReadJson(content, "TaskContent",
                                     JsonLimits{kMaxTaskContentBytes, kMaxTaskContentDepth}, &found);
  TaskContentInfo info;
  if (doc) {
    ContentChecker checker(refs, &found);
    info = type == TaskType::kOffline ? checker.CheckBatch(*doc) : checker.CheckGenerated(*doc);
  }
  NormalizeProblems(&found);
  if (problems != nullptr) *problems = found;
  if (!found.empty()) return ValidationError{std::move(found)}.ToError("TaskContent");
  return info;
}

}  // namespace disync::di
