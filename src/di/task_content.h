// The TaskContent of CreateDISyncTask / UpdateDISyncTask (tasks.md sections 4
// and 5a), checked before a task is stored. Like the generation script
// (realtime_script.h), every problem is collected, each with a JSON Pointer
// into the submitted content and a stable code (problems.h), so that a client
// can fix a script in one round trip.
//
// DI_OFFLINE: a batch job script (scripts.md section 1): type "job", version
//   "2.0" (or the legacy "1.0"), steps with exactly one reader and at least
//   one writer, each step with stepType (a known plugin), category, a unique
//   name and a parameter object; order.hops endpoints name steps;
//   setting.speed.concurrent a positive integer; setting.errorLimit.record a
//   string or number. Every parameter.datasource and connection[].datasource
//   names a data source of the workspace whose type matches the stepType;
//   relational steps list their tables (connection[].table, or
//   parameter.table; a reader's querySql stands in for them), without
//   duplicates.
// DI_REALTIME / DI_SOLUTION: a generated TaskContent (scripts.md section 3.1,
//   generator.h) that may have been edited by hand and must still be
//   coherent: type "job", extend.mode one of migration_holo / migration_odps
//   / migration_kafka agreeing with the writer stepType, one mysql reader and
//   one writer step whose data sources exist with the right types, the reader
//   selecting its tables with selectedTables, every tableRule naming
//   (srcDatasourceName, srcDbName, srcTable) a table the reader selects,
//   totalTableMapping equal to the number of rules, and no two rules with one
//   dstTable (compared without case except for Kafka topics, as the
//   generator does).
//
// Value types and pure functions; thread-safe as long as the ScriptReferences
// implementation is.
#ifndef DISYNC_DI_TASK_CONTENT_H_
#define DISYNC_DI_TASK_CONTENT_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "di/problems.h"
#include "di/realtime_script.h"

namespace disync::di {

// Problem codes of this validator beyond those of problems.h. Stable.
namespace problem_code {
inline constexpr std::string_view kUnknownStep = "unknown_step";    // a hop names no step
inline constexpr std::string_view kNotSelected = "not_selected";    // a rule's table is not read
inline constexpr std::string_view kModeMismatch = "mode_mismatch";  // extend.mode vs writer
inline constexpr std::string_view kCountMismatch = "count_mismatch";
inline constexpr std::string_view kAmbiguous = "ambiguous";  // a name that matches several tables
}  // namespace problem_code

inline constexpr size_t kMaxTaskContentBytes = 4 * 1024 * 1024;
inline constexpr int kMaxTaskContentDepth = 64;

// The TaskType parameter of the task operations.
enum class TaskType { kOffline, kRealtime, kSolution };
// "DI_OFFLINE", "DI_REALTIME", "DI_SOLUTION".
std::string_view ToString(TaskType type);
std::optional<TaskType> ParseTaskType(std::string_view text);

// What a valid TaskContent says about its task.
struct TaskContentInfo {
  // Data source names read from and written to, in order of first mention,
  // each once (what ListRefDISyncTasks and DeleteDataSource look at).
  std::vector<std::string> sources;
  std::vector<std::string> destinations;
  std::string name;            // extend.name; "" when absent
  std::string resource_group;  // extend.resourceGroup; "" when absent
  // Generated content only: the solution of extend.mode and the number of
  // table rules.
  std::optional<SolutionType> solution;
  int64_t table_count = 0;
};

// Validates `content` for a task of `type`. On success returns what it says
// and leaves *problems empty. Otherwise returns Error(kDiInvalidParameter,
// "TaskContent is invalid: <pointer>: <message>; ...") listing every problem
// (ValidationError::ToError) and, when `problems` is not null, stores them
// there, normalised.
Result<TaskContentInfo> ValidateTaskContent(TaskType type, std::string_view content,
                                            const ScriptReferences& refs,
                                            std::vector<Problem>* problems = nullptr);

}  // namespace disync::di

#endif  // DISYNC_DI_TASK_CONTENT_H_
