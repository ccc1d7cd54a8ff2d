// The generation script: TaskParam of GenerateDISyncTaskConfigForCreating
// (scripts.md section 2), parsed and validated into typed structs. This is the
// "Accept" step of generation.md section 1: everything that can be checked
// without touching a source database is checked here, and every problem is
// reported at once, each with a JSON Pointer and a stable code (problems.h).
//
// ParseRealtimeScript checks, in one pass:
//   * size (more than kMaxTaskParamBytes is refused before parsing: too_large),
//     JSON syntax and UTF-8 (invalid_json, with the byte offset), nesting
//     (deeper than kMaxTaskParamDepth: too_deep), repeated keys (duplicate);
//   * the JSON Schema src/di/schemas/realtime_script.schema.json (required,
//     type, enum, empty, too_long, range, key_case, ...);
//   * semantics: exactly one reader (stepType mysql) and one writer (odps, holo
//     or kafka) step; setting.taskType agrees with the writer (task_type_mismatch);
//     every data source exists (unknown_datasource) and has the right type
//     (datasource_type); the resource group exists (unknown_resource_group);
//     table lists are not empty (empty); database and table names are MySQL
//     identifiers (invalid_identifier); no table is selected twice and no data
//     source is listed in two connections (duplicate, at the second one);
//     setting.tableNameRule only uses known placeholders (invalid_template);
//     setting.typeOverrides name known types (unsupported_type).
//
// Table selection: a connection selects tables with `selectedTables`
// (multi-database) or `table` (single database, the data source's default);
// the capitalised spellings `SelectedTables` / `Tables` are accepted too.
// selectedTables wins over table; giving both spellings of one key is a
// duplicate. Names are compared exactly (case-sensitively).
//
// Value types and a pure function; thread-safe as long as the
// ScriptReferences implementation is.
#ifndef DISYNC_DI_REALTIME_SCRIPT_H_
#define DISYNC_DI_REALTIME_SCRIPT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "di/problems.h"

namespace disync::di {

inline constexpr size_t kMaxTaskParamBytes = 4 * 1024 * 1024;
inline constexpr int kMaxTaskParamDepth = 64;

// setting.taskType: which solution the script asks for.
enum class SolutionType { kOdps, kHolo, kKafka };

// "oneclick_to_odps", "oneclick_to_holo", "oneclick_to_kafka".
std::string_view ToString(SolutionType solution);
std::optional<SolutionType> ParseSolutionType(std::string_view task_type);
// The writer stepType (and data source type) of a solution: "odps", "holo", "kafka".
std::string_view WriterStepType(SolutionType solution);

struct TableSelection {
  std::string database;  // "" = the database of the data source's JDBC URL (single-database form)
  std::vector<std::string> tables;  // in script order, no duplicates
  bool operator==(const TableSelection&) const = default;
};

struct SourceConnection {
  std::string datasource;
  std::string datasource_type;  // "mysql"
  std::vector<TableSelection> selections;  // selectedTables entries in script order, or one for `table`
  bool operator==(const SourceConnection&) const = default;
};

// setting.typeOverrides (disync extension, generation.md section 3).
struct TypeOverride {
  std::string source;  // normalised MySQL type: lower case, single spaces, e.g. "tinyint(1)", "bigint unsigned"
  std::string target;  // canonical target type, e.g. "BOOLEAN" (odps), "bool" (holo), "string" (kafka)
  bool operator==(const TypeOverride&) const = default;
};

struct RealtimeScript {
  std::string resource_group;                  // setting.resourceGroup
  std::optional<int64_t> schedule_resgroup_id;  // setting.scheduleResgroupId
  std::string name;                            // setting.name; "" = not given
  SolutionType solution = SolutionType::kOdps;  // setting.taskType
  std::string reader_step_type;                // "mysql"
  std::vector<SourceConnection> sources;       // reader parameter.connection, in script order
  std::string writer_step_type;                // "odps" | "holo" | "kafka"
  std::string writer_datasource;               // writer parameter.datasource
  std::optional<std::string> table_name_rule;  // setting.tableNameRule (extension)
  std::vector<TypeOverride> type_overrides;    // setting.typeOverrides (extension), in script order
  bool operator==(const RealtimeScript&) const = default;
};

// What the validator needs to know about the workspace. Implemented by the API
// layer over the store; tests use a fake. Called from the caller's thread.
class ScriptReferences {
 public:
  virtual ~ScriptReferences() = default;
  // The data source's type ("mysql", "odps", "holo", "kafka", ...), or nullopt
  // when the workspace has no data source of that name. An implementation
  // reports MySQL-compatible sources (e.g. rds with SubType mysql) as "mysql".
  virtual std::optional<std::string> DataSourceType(const std::string& name) const = 0;
  virtual bool ResourceGroupExists(const std::string& identifier) const = 0;
};

// Parses and validates a TaskParam. On success returns the script and leaves
// *problems empty. Otherwise returns Error(kDiInvalidParameter,
// "TaskParam is invalid: <pointer>: <message>; ...") listing every problem
// (ValidationError::ToError), and, when `problems` is not null, stores them
// there sorted and deduplicated (NormalizeProblems).
Result<RealtimeScript> ParseRealtimeScript(std::string_view task_param, const ScriptReferences& refs,
                                           std::vector<Problem>* problems = nullptr);

// Why `name` is not a valid MySQL database or table name, or nullopt when it
// is: 1 to 64 characters, no U+0000, no characters outside the Basic
// Multilingual Plane, no trailing space. `name` must be valid UTF-8.
std::optional<std::string> MysqlIdentifierProblem(std::string_view name);

// The placeholders setting.tableNameRule may use.
inline constexpr std::string_view kTableNamePlaceholders[] = {
    "srcDatasourceName", "srcDatabaseName", "srcTableName"};

// Why `rule` is not a valid table name rule (an unknown or unterminated
// ${...}), or nullopt.
std::optional<std::string> TableNameRuleProblem(std::string_view rule);

}  // namespace disync::di

#endif  // DISYNC_DI_REALTIME_SCRIPT_H_
