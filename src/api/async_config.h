// The asynchronous generation of sync task configurations (async-config.md):
// GenerateDISyncTaskConfigForCreating validates the script, stores a durable
// process and answers at once with its ProcessId; the jobs::WorkerPool runs
// it; QueryDISyncTaskConfigProcessResult reports running (with progress),
// success (with TaskContent) or fail (with the cause).
// Thread-safety: handlers are reentrant.
#ifndef DISYNC_API_ASYNC_CONFIG_H_
#define DISYNC_API_ASYNC_CONFIG_H_

#include <functional>

#include "jobs/accepted_scripts.h"
#include "jobs/prepared_contents.h"
#include "openapi/router.h"
#include "store/metadata_store.h"

namespace disync::api {

// `wake_workers` is called after a process is stored; its parsed script is
// left in `accepted` first (nullptr: the worker parses it again). A JSON
// answer with a TaskContent takes it from `prepared` when the worker left it
// there (nullptr: always read from the store).
void RegisterAsyncConfigRoutes(openapi::Router& router, store::MetadataStore& store,
                               std::function<void()> wake_workers,
                               jobs::PreparedContents* prepared = nullptr,
                               jobs::AcceptedScripts* accepted = nullptr);

// The ClientToken scope of an action: caller, workspace and action.
std::string TokenScope(const openapi::ApiRequest& request, ProjectId project);
// SHA-256 hex over the parameters that define a request (length-prefixed).
std::string RequestHash(std::initializer_list<std::string_view> parts);

}  // namespace disync::api

#endif  // DISYNC_API_ASYNC_CONFIG_H_
