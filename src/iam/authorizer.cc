#include "iam/authorizer.h"

#include "iam/role_table.h"
#include "openapi/error_table.h"

namespace disync::iam {
namespace {

constexpr int32_t kStatusAvailable = 0;
constexpr int32_t kStatusDeleted = 1;
constexpr int32_t kBasicMode = 2;

// A refusal carries only its code's documented text: never a hint about
// whether the workspace or the object exists.
Error Denied(ErrorCode denied) {
  return {denied, std::string(openapi::Describe(denied).default_message)};
}

}  // namespace

bool RolesGrant(const store::WorkspaceAccess& access, openapi::Capability capability) {
  for (const auto& code : access.roles) {
    const BuiltInRole* role = FindRole(code);
    if (role == nullptr) continue;
    if (role->off_when_development_disabled && access.disable_development) continue;
    for (const auto& grant : role->grants) {
      if (grant.capability != capability) continue;
      if (grant.condition == GrantCondition::kBasicModeOnly && access.mode != kBasicMode) continue;
      return true;
    }
  }
  return false;
}

Status RoleAuthorizer::Authorize(const openapi::Caller& caller, openapi::Capability capability,
                                 ProjectId project_id, ErrorCode denied) {
  auto access = store_.GetWorkspaceAccess(project_id, caller.user_id);
  if (!access.ok()) {
    if (access.error().code() != ErrorCode::kNotFound) return std::move(access).error();
    if (caller.superuser) {
      return Error(ErrorCode::kProjectNotExists, "The project does not exist.");
    }
    return Denied(denied);
  }
  if (access->status == kStatusDeleted) {
    return caller.superuser ? Error(ErrorCode::kProjectNotExists, "The project does not exist.")
                            : Denied(denied);
  }
  if (caller.superuser) return OkStatus();
  if (!RolesGrant(*access, capability)) return Denied(denied);
  // A workspace that is not AVAILABLE may be read but not changed.
  if (access->status != kStatusAvailable && capability != openapi::Capability::kWorkspaceRead) {
    return Denied(denied);
  }
  return OkStatus();
}

}  // namespace disync::iam
