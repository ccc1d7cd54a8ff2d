// GenerateDISyncTaskConfigForUpdating (async-config.md section 2): the update
// script (scripts.md section 2.6) applied to the generated TaskContent of an
// existing DI_REALTIME / DI_SOLUTION task, so that the new content differs
// from the old one only in the tables the update touches.
//
// The update script names, per reader connection, the new table list:
//   {"steps":[{"category":"reader","parameter":{"connection":[{"table":["a","b"]}]}}]}
// A connection is matched by its `datasource` name, or, without one, by its
// position among the task's reader connections; a connection naming a mysql
// data source the task does not read yet adds that source. Its table list
// (`selectedTables` with dbName, or `table` / `Tables` for names of the
// data source's default database, as in realtime_script.h) replaces the
// connection's tables: tables listed and already synchronised are kept
// untouched, tables not listed any more are removed, new ones are added.
// Connections the update does not mention keep their tables. A `table` name
// that the task has in several databases is ambiguous. A writer step, when
// given, must name the task's writer data source; setting.taskType, when
// given, must be the task's. setting.tableNameRule and setting.typeOverrides
// (generation.md extensions) apply to the added tables only; existing rules
// are never re-rendered.
//
// ApplyTaskUpdate splices the rendering of the added tables (the generator
// run over TaskUpdatePlan::added) into the old content: kept entries keep
// their place and bytes, added table infos and rules come after them (in
// the selectedTables entry of their database, or a new one),
// totalTableMapping is recounted, and extend.schemaFingerprint becomes a
// SHA-256 chained over the old fingerprint, the fingerprint of the added
// tables and the removed tables (unchanged when nothing changes). Keys keep
// their order.
//
// Pure functions; thread-safe as long as the ScriptReferences implementation is.
#ifndef DISYNC_DI_TASK_UPDATE_H_
#define DISYNC_DI_TASK_UPDATE_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "di/problems.h"
#include "di/realtime_script.h"

namespace disync::di {

namespace problem_code {
inline constexpr std::string_view kImmutable = "immutable";  // what an update cannot change
}  // namespace problem_code

struct SourceTable {
  std::string datasource;
  std::string database;
  std::string table;
  bool operator==(const SourceTable&) const = default;
};

struct TaskUpdatePlan {
  // The task's solution, resource group, name and writer with only the
  // tables to add (database "" = the data source's default database); no
  // sources when nothing is added. What the worker discovers and renders.
  RealtimeScript added;
  std::vector<SourceTable> removed;  // in the order of the old content
};

// Checks `update_script` against `content`, the task's current (generated)
// TaskContent. Problems of the update script point into it: Error
// (kDiInvalidParameter, "TaskParam is invalid: ..."), and *problems when not
// null. A current content that is not a valid generated TaskContent is
// Error(kDiInvalidParameter, "the task's TaskContent is invalid: ...").
Result<TaskUpdatePlan> PlanTaskUpdate(std::string_view content, std::string_view update_script,
                                      const ScriptReferences& refs,
                                      std::vector<Problem>* problems = nullptr);

// The new TaskContent: `content` without plan.removed and with the tables of
// `added_content` (GenerateTaskContent over plan.added; "" when nothing is
// added). kInvalidArgument when either document is not a generated content.
Result<std::string> ApplyTaskUpdate(std::string_view content, const TaskUpdatePlan& plan,
                                    std::string_view added_content);

}  // namespace disync::di

#endif  // DISYNC_DI_TASK_UPDATE_H_
