// Workspace operations (workspaces.md section 3): ListProjects, GetProject,
// GetProjectDetail. Handlers only: the Router/Dispatcher authenticate, check
// required parameters and render.
// Thread-safety: handlers are reentrant; the store is thread-safe.
#ifndef DISYNC_API_WORKSPACES_H_
#define DISYNC_API_WORKSPACES_H_

#include "openapi/router.h"
#include "store/metadata_store.h"

namespace disync::api {

// The tenant every workspace of this installation belongs to.
inline constexpr int64_t kTenantId = 1;

void RegisterWorkspaceRoutes(openapi::Router& router, store::MetadataStore& store);

}  // namespace disync::api

#endif  // DISYNC_API_WORKSPACES_H_
