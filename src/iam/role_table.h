// The built-in workspace roles and what each may do: the one table behind
// every 403 of the workspace-scoped Actions (workspaces.md sections 1.4 and
// 2.2). Data, not code: the authorizer only looks rows up.
// Thread-safety: immutable after static initialisation.
#ifndef DISYNC_IAM_ROLE_TABLE_H_
#define DISYNC_IAM_ROLE_TABLE_H_

#include <cstdint>
#include <string_view>
#include <vector>

#include "openapi/router.h"

namespace disync::iam {

// When a grant applies.
enum class GrantCondition {
  kAlways,
  kBasicModeOnly,  // only in a basic-mode workspace (ProjectMode 2)
};

struct RoleGrant {
  openapi::Capability capability;
  GrantCondition condition = GrantCondition::kAlways;
};

struct BuiltInRole {
  std::string_view code;     // e.g. "role_project_dev"
  int32_t id;                // ProjectRoleId
  std::string_view name_zh;  // ProjectRoleName, as the real service answers
  std::string_view name_en;
  // The Develop role grants nothing in a workspace with DisableDevelopment.
  bool off_when_development_disabled;
  // Owner cannot be granted or revoked through the API.
  bool grantable;
  std::vector<RoleGrant> grants;
};

// In ProjectRoleId order.
const std::vector<BuiltInRole>& BuiltInRoles();
const BuiltInRole* FindRole(std::string_view code);

inline constexpr std::string_view kOwnerRole = "role_project_owner";
inline constexpr std::string_view kAdminRole = "role_project_admin";

}  // namespace disync::iam

#endif  // DISYNC_IAM_ROLE_TABLE_H_
