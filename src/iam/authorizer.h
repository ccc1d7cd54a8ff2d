// RoleAuthorizer: openapi::Authorizer over the store and the role table.
// A caller holds a capability in a workspace when one of its roles there
// grants it (role_table.h); superusers hold every capability.
// Blocking (reads the store); thread-safe.
#ifndef DISYNC_IAM_AUTHORIZER_H_
#define DISYNC_IAM_AUTHORIZER_H_

#include "openapi/router.h"
#include "store/metadata_store.h"

namespace disync::iam {

class RoleAuthorizer final : public openapi::Authorizer {
 public:
  explicit RoleAuthorizer(store::MetadataStore& store) : store_(store) {}

  Status Authorize(const openapi::Caller& caller, openapi::Capability capability,
                   ProjectId project, ErrorCode denied) override;

 private:
  store::MetadataStore& store_;
};

// Whether the roles in `access` grant `capability` in a workspace of that
// mode and development switch.
bool RolesGrant(const store::WorkspaceAccess& access, openapi::Capability capability);

}  // namespace disync::iam

#endif  // DISYNC_IAM_AUTHORIZER_H_
