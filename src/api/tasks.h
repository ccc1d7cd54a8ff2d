// Sync task operations (tasks.md sections 4, 5a-5c, 6f, async-config.md
// section 2): CreateDISyncTask, UpdateDISyncTask, GetDISyncTask,
// DeleteDISyncTask, ListRefDISyncTasks and
// GenerateDISyncTaskConfigForUpdating.
//
// A task is a versioned file of its workspace (store::Task). Its TaskContent
// is validated for its TaskType (di/task_content.h) before it is stored; the
// data sources it reads and writes are recorded for ListRefDISyncTasks and
// for DeleteDataSource, which refuses a data source a task still uses.
// Functional failures (a bad folder, resource group or content, a FileId
// that is not a task of the workspace) are HTTP 200 with Data.Status "fail"
// and Data.Message, as documented; malformed parameters are 400
// Invalid.DI.Parameter, a taken name 400 Invalid.DI.Parameter.File.Existed.
// A task of another workspace or of another TaskType is answered exactly
// like a missing one. Create, Update and GenerateDISyncTaskConfigForUpdating
// honour ClientToken like GenerateDISyncTaskConfigForCreating.
//
// Thread-safety: handlers are reentrant; the store is thread-safe.
#ifndef DISYNC_API_TASKS_H_
#define DISYNC_API_TASKS_H_

#include <functional>

#include "openapi/router.h"
#include "store/metadata_store.h"

namespace disync::api {

// `wake_workers` is called after an update process is stored.
void RegisterTaskRoutes(openapi::Router& router, store::MetadataStore& store,
                        std::function<void()> wake_workers);

// Whether `path` is a DataStudio folder a sync task may be stored in:
// "Business Flow/<flow>/Data Integration" or "业务流程/<flow>/数据集成",
// optionally followed by subfolders; no empty, "." or ".." segment, no
// control character, no segment with leading or trailing spaces.
bool IsTaskFolderPath(std::string_view path);

}  // namespace disync::api

#endif  // DISYNC_API_TASKS_H_
