// Users, access keys and resource groups over the API: the superuser's
// counterparts of `disyncd admin` (disync extensions, named after the RAM
// operations CreateUser / CreateAccessKey / UpdateAccessKey /
// DeleteAccessKey), plus ListResourceGroups (tasks.md), which every caller
// may use. Thread-safety: handlers are reentrant.
#ifndef DISYNC_API_IDENTITIES_H_
#define DISYNC_API_IDENTITIES_H_

#include "common/clock.h"
#include "openapi/router.h"
#include "store/metadata_store.h"

namespace disync::api {

void RegisterIdentityRoutes(openapi::Router& router, store::MetadataStore& store,
                            const Clock& clock);

}  // namespace disync::api

#endif  // DISYNC_API_IDENTITIES_H_
