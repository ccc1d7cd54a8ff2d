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

// Whether `roles` grant `capability` in a workspace of that mode.
bool RolesGrant(const std::vector<std::string>& roles, openapi::Capability capability,
                const store::Project& project);

}  // namespace disync::iam

#endif  // DISYNC_IAM_AUTHORIZER_H_
