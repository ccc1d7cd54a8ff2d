#include "api/workspaces.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "iam/accounts.h"
#include "iam/role_table.h"

namespace disync::api {
namespace {

using openapi::ApiRequest;
using openapi::AuthLevel;
using openapi::Capability;
using openapi::Json;

constexpr const char* kStatusCodes[] = {"AVAILABLE", "DELETED",  "INITIALIZING", "INIT_FAILED",
                                        "FORBIDDEN", "DELETING", "DEL_FAILED",   "FROZEN",
                                        "UPDATING",  "UPDATE_FAILED"};

Json TagsJson(const std::vector<store::Tag>& tags) {
  Json out = Json::array();
  for (const auto& t : tags) out.push_back({{"Key", t.key}, {"Value", t.value}});
  return out;
}

Json EnvTypes(int32_t mode) {
  return mode == 3 ? Json::array({"DEV", "PROD"}) : Json::array({"PROD"});
}

Error InvalidParam(std::string message) { return {ErrorCode::kInvalidParam, std::move(message)}; }

// "Tags" as the SDKs send it: one JSON string of [{"Key","Value"}].
Result<std::vector<store::Tag>> ParseTags(const ApiRequest& request) {
  std::vector<store::Tag> tags;
  auto text = request.Get("Tags");
  if (!text || text->empty()) return tags;
  auto parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_array()) return request.Invalid("Tags", "a JSON array of {\"Key\",\"Value\"}");
  for (const auto& t : parsed) {
    if (!t.is_object() || !t.contains("Key") || !t["Key"].is_string() ||
        (t.contains("Value") && !t["Value"].is_string())) {
      return request.Invalid("Tags", "a JSON array of {\"Key\",\"Value\"} string pairs");
    }
    tags.push_back({t["Key"].get<std::string>(), t.value("Value", "")});
  }
  return tags;
}

// The fields GetProject and GetProjectDetail share (workspaces.md 3.2, 3.3).
Json ProjectDetail(const store::Project& p) {
  return Json{
      {"ProjectId", static_cast<int32_t>(p.id.value())},
      {"ProjectIdentifier", p.identifier},
      {"ProjectName", p.name},
      {"ProjectDescription", p.description},
      {"ProjectMode", p.mode},
      {"Status", p.status},
      {"EnvTypes", EnvTypes(p.mode)},
      {"DisableDevelopment", p.disable_development},
      {"IsAllowDownload", p.is_allow_download},
      {"IsDefault", p.is_default},
      {"TablePrivacyMode", 0},
      {"ProtectedMode", 0},
      {"UseProxyOdpsAccount", false},
      {"ResidentArea", "private"},
      {"SchedulerMaxRetryTimes", 3},
      {"SchedulerRetryInterval", 120000},
      {"DefaultDiResourceGroupIdentifier", p.default_di_resource_group},
      {"DevelopmentType", 4},
      {"GmtCreate", FormatJavaMediumUtc(p.created)},
      {"GmtModified", FormatJavaMediumUtc(p.modified)},
      {"ProjectOwnerBaseId", p.owner_user_id},
      {"TenantId", kTenantId},
      {"ResourceManagerResourceGroupId", p.resource_manager_resource_group_id},
      {"Tags", TagsJson(p.tags)},
  };
}

Json RoleJson(const iam::BuiltInRole& role) {
  return Json{{"ProjectRoleId", role.id},
              {"ProjectRoleCode", role.code},
              {"ProjectRoleName", role.name_zh},
              {"ProjectRoleType", "0"}};
}

// A workspace the caller may read, by id or identifier. Not found and not
// visible answer alike (the route's denied code), so that nothing leaks.
Result<store::Project> ReadableProject(store::MetadataStore& store, const ApiRequest& request) {
  DISYNC_ASSIGN_OR_RETURN(auto id, request.GetInt("ProjectId", 1, INT64_MAX));
  std::string identifier = request.GetOr("ProjectIdentifier", "");
  if (!id && identifier.empty()) {
    return Error(ErrorCode::kMissingParameter,
                 "The input parameter \"ProjectId\" or \"ProjectIdentifier\" that is mandatory "
                 "for processing this request is not supplied.");
  }
  // The id wins when both are given.
  auto found = id ? store.GetProject(ProjectId(*id)) : store.GetProjectByIdentifier(identifier);
  if (!found.ok() && found.error().code() != ErrorCode::kNotFound) {
    return std::move(found).error();
  }
  ProjectId project = found.ok() ? found->id : ProjectId(id.value_or(0));
  DISYNC_RETURN_IF_ERROR(request.AuthorizeIn(project));  // refuses a missing one too
  return found;
}

Result<Json> CreateProject(store::MetadataStore& store, const ApiRequest& request) {
  store::NewProject project;
  project.identifier = request.GetOr("ProjectIdentifier", "");
  project.name = request.GetOr("ProjectName", "");
  project.description = request.GetOr("ProjectDescription", "");
  DISYNC_ASSIGN_OR_RETURN(auto mode, request.GetInt("ProjectMode", 2, 3));
  project.mode = static_cast<int32_t>(mode.value_or(2));
  DISYNC_ASSIGN_OR_RETURN(auto disable, request.GetBool("DisableDevelopment"));
  project.disable_development = disable.value_or(false);
  DISYNC_ASSIGN_OR_RETURN(auto download, request.GetInt("IsAllowDownload", 0, 1));
  project.is_allow_download = static_cast<int32_t>(download.value_or(1));
  project.resource_manager_resource_group_id =
      request.GetOr("ResourceManagerResourceGroupId", "");
  DISYNC_ASSIGN_OR_RETURN(project.tags, ParseTags(request));
  auto created = iam::CreateProject(store, project);
  if (!created.ok() && created.error().code() == ErrorCode::kAlreadyExists) {
    return InvalidParam("The ProjectIdentifier \"" + project.identifier + "\" is already used.");
  }
  if (!created.ok()) return std::move(created).error();
  return Json{{"HttpStatusCode", 200}, {"Success", true}, {"Data", created->id.value()}};
}

Result<Json> ListProjects(store::MetadataStore& store, const ApiRequest& request) {
  DISYNC_ASSIGN_OR_RETURN(auto paging, request.GetPaging());
  store::ListProjectsQuery query;
  query.page_number = paging.page_number;
  query.page_size = paging.page_size;
  query.resource_manager_resource_group_id = request.GetOr("ResourceManagerResourceGroupId", "");
  DISYNC_ASSIGN_OR_RETURN(query.tags, ParseTags(request));
  // A caller sees the workspaces it belongs to; the superuser sees all.
  if (!request.caller().superuser) query.member_user_id = request.caller().user_id;
  DISYNC_ASSIGN_OR_RETURN(store::ProjectPage page, store.ListProjects(query));
  Json list = Json::array();
  for (const auto& p : page.projects) {
    list.push_back(Json{
        {"ProjectId", p.id.value()},
        {"ProjectIdentifier", p.identifier},
        {"ProjectName", p.name},
        {"ProjectDescription", p.description},
        {"ProjectStatus", p.status},
        {"ProjectStatusCode", kStatusCodes[p.status >= 0 && p.status <= 9 ? p.status : 0]},
        {"ProjectOwnerBaseId", p.owner_user_id},
        {"ResourceManagerResourceGroupId", p.resource_manager_resource_group_id},
        {"Tags", TagsJson(p.tags)},
        {"DisableDevelopment", p.disable_development},
        {"UseProxyOdpsAccount", false},
        {"TablePrivacyMode", 0},
        {"IsDefault", p.is_default},
    });
  }
  return Json{{"PageResult", Json{{"PageNumber", paging.page_number},
                                  {"PageSize", paging.page_size},
                                  {"TotalCount", static_cast<int32_t>(page.total_count)},
                                  {"ProjectList", std::move(list)}}}};
}

Result<Json> ListProjectIds(store::MetadataStore& store, const ApiRequest& request) {
  std::string user_id = request.GetOr("UserId", "");
  if (!request.caller().superuser && user_id != request.caller().user_id) {
    return Error(ErrorCode::kForbiddenRam,
                 "User not authorized to operate on the specified resource, or this API doesn't "
                 "support RAM.");
  }
  DISYNC_ASSIGN_OR_RETURN(auto projects, store.ListMemberProjects(user_id));
  Json ids = Json::array();
  for (ProjectId id : projects) ids.push_back(id.value());
  return Json{{"ProjectIds", std::move(ids)}};
}

Result<Json> GetProject(store::MetadataStore& store, const ApiRequest& request) {
  DISYNC_ASSIGN_OR_RETURN(store::Project project, ReadableProject(store, request));
  Json data = ProjectDetail(project);
  // Deprecated fields that only GetProject still declares.
  data["Appkey"] = "0";
  data["BaseProject"] = false;
  data["Destination"] = 0;
  data["DevStorageQuota"] = "0";
  data["ProdStorageQuota"] = "0";
  data["MaxFlowNode"] = 0;
  return Json{{"HttpStatusCode", 200}, {"Success", true}, {"Data", std::move(data)}};
}

Result<Json> GetProjectDetail(store::MetadataStore& store, const ApiRequest& request) {
  DISYNC_ASSIGN_OR_RETURN(store::Project project, ReadableProject(store, request));
  return Json{{"HttpStatusCode", 200}, {"Success", true}, {"Data", ProjectDetail(project)}};
}

// ---- members ----

// The target user of a member operation: must exist in the tenant.
Status RequireUser(store::MetadataStore& store, const std::string& user_id) {
  auto user = store.GetUser(user_id);
  if (user.ok()) return OkStatus();
  if (user.error().code() == ErrorCode::kNotFound) {
    return Error(ErrorCode::kUserNotInTenant, "The user is not in the tenant.");
  }
  return std::move(user).error();
}

// A role code a member operation may grant or revoke in this workspace.
Result<const iam::BuiltInRole*> GrantableRole(store::MetadataStore& store,
                                              const ApiRequest& request, ProjectId project) {
  std::string code = request.GetOr("RoleCode", "");
  const iam::BuiltInRole* role = iam::FindRole(code);
  if (role == nullptr) return InvalidParam("The RoleCode \"" + code + "\" is not a known role.");
  if (!role->grantable) return InvalidParam("The owner role cannot be granted or revoked.");
  if (role->off_when_development_disabled) {
    DISYNC_ASSIGN_OR_RETURN(store::Project p, store.GetProject(project));
    if (p.disable_development) {
      return InvalidParam("The Develop role is disabled in this workspace.");
    }
  }
  return role;
}

Status RequireMember(store::MetadataStore& store, ProjectId project, const std::string& user) {
  auto member = store.GetMember(project, user);
  if (member.ok()) return OkStatus();
  if (member.error().code() == ErrorCode::kNotFound) {
    return Error(ErrorCode::kUserNotInProject, "The user is not in the project.");
  }
  return std::move(member).error();
}

Result<Json> CreateProjectMember(store::MetadataStore& store, const ApiRequest& request) {
  ProjectId project(request.RequireInt("ProjectId").value());
  std::string user_id = request.GetOr("UserId", "");
  DISYNC_RETURN_IF_ERROR(RequireUser(store, user_id));
  const iam::BuiltInRole* role = nullptr;
  if (!request.GetOr("RoleCode", "").empty()) {
    DISYNC_ASSIGN_OR_RETURN(role, GrantableRole(store, request, project));
  }
  auto added = store.AddMember(project, user_id);
  if (!added.ok() && added.error().code() == ErrorCode::kAlreadyExists) {
    // A retry that carries a ClientToken and finds its effect done succeeds.
    bool retry = !request.GetOr("ClientToken", "").empty();
    if (retry && role != nullptr) {
      DISYNC_ASSIGN_OR_RETURN(auto roles, store.GetMemberRoles(project, user_id));
      retry = std::find(roles.begin(), roles.end(), role->code) != roles.end();
    }
    if (!retry) {
      return Error(ErrorCode::kUserAlreadyInProject, "The user already exists in the project.");
    }
    return Json::object();
  }
  if (!added.ok()) return std::move(added).error();
  if (role != nullptr) {
    DISYNC_RETURN_IF_ERROR(store.AddMemberRole(project, user_id, std::string(role->code)));
  }
  return Json::object();
}

Result<Json> AddProjectMemberToRole(store::MetadataStore& store, const ApiRequest& request) {
  ProjectId project(request.RequireInt("ProjectId").value());
  std::string user_id = request.GetOr("UserId", "");
  DISYNC_RETURN_IF_ERROR(RequireUser(store, user_id));
  DISYNC_ASSIGN_OR_RETURN(const iam::BuiltInRole* role, GrantableRole(store, request, project));
  DISYNC_RETURN_IF_ERROR(RequireMember(store, project, user_id));
  DISYNC_RETURN_IF_ERROR(store.AddMemberRole(project, user_id, std::string(role->code)));
  return Json::object();
}

Result<Json> RemoveProjectMemberFromRole(store::MetadataStore& store, const ApiRequest& request) {
  ProjectId project(request.RequireInt("ProjectId").value());
  std::string user_id = request.GetOr("UserId", "");
  DISYNC_RETURN_IF_ERROR(RequireUser(store, user_id));
  DISYNC_ASSIGN_OR_RETURN(const iam::BuiltInRole* role, GrantableRole(store, request, project));
  DISYNC_RETURN_IF_ERROR(RequireMember(store, project, user_id));
  DISYNC_RETURN_IF_ERROR(store.RemoveMemberRole(project, user_id, std::string(role->code)));
  return Json::object();
}

Result<Json> DeleteProjectMember(store::MetadataStore& store, const ApiRequest& request) {
  ProjectId project(request.RequireInt("ProjectId").value());
  std::string user_id = request.GetOr("UserId", "");
  DISYNC_RETURN_IF_ERROR(RequireUser(store, user_id));
  DISYNC_ASSIGN_OR_RETURN(store::Project p, store.GetProject(project));
  if (p.owner_user_id == user_id) return InvalidParam("The owner cannot be removed.");
  DISYNC_ASSIGN_OR_RETURN(auto roles, store.GetMemberRoles(project, user_id));
  if (std::find(roles.begin(), roles.end(), iam::kOwnerRole) != roles.end()) {
    return InvalidParam("The owner cannot be removed.");
  }
  auto removed = store.RemoveMember(project, user_id);
  if (!removed.ok() && removed.error().code() == ErrorCode::kNotFound) {
    return Error(ErrorCode::kUserNotInProject, "The user is not in the project.");
  }
  if (!removed.ok()) return std::move(removed).error();
  return Json::object();
}

Result<Json> ListProjectMembers(store::MetadataStore& store, const ApiRequest& request) {
  ProjectId project(request.RequireInt("ProjectId").value());
  DISYNC_ASSIGN_OR_RETURN(auto paging, request.GetPaging());
  DISYNC_ASSIGN_OR_RETURN(store::MemberPage page,
                          store.ListMembers(project, paging.page_number, paging.page_size));
  Json list = Json::array();
  for (const auto& m : page.members) {
    Json roles = Json::array();
    for (const auto& code : m.roles) {
      if (const iam::BuiltInRole* role = iam::FindRole(code)) roles.push_back(RoleJson(*role));
    }
    list.push_back(Json{{"ProjectMemberId", m.user_id},
                        {"ProjectMemberName", m.user_name},
                        {"Nick", m.user_name},
                        {"ProjectMemberType", "5"},
                        {"Status", "0"},
                        {"ProjectRoleList", std::move(roles)}});
  }
  return Json{{"Data", Json{{"PageNumber", paging.page_number},
                            {"PageSize", paging.page_size},
                            {"TotalCount", static_cast<int32_t>(page.total_count)},
                            {"ProjectMemberList", std::move(list)}}}};
}

Result<Json> ListProjectRoles(store::MetadataStore&, const ApiRequest&) {
  Json roles = Json::array();
  for (const auto& role : iam::BuiltInRoles()) roles.push_back(RoleJson(role));
  return Json{{"ProjectRoleList", std::move(roles)}};
}

}  // namespace

void RegisterWorkspaceRoutes(openapi::Router& router, store::MetadataStore& store) {
  auto bind = [&store](Result<Json> (*fn)(store::MetadataStore&, const ApiRequest&)) {
    return [&store, fn](const ApiRequest& r) { return fn(store, r); };
  };
  // Tenant level.
  router.Register({.action = "CreateProject",
                   .auth = AuthLevel::kSuperuser,
                   .required = {"ProjectName", "ProjectIdentifier"}},
                  bind(CreateProject));
  router.Register({.action = "ListProjects"}, bind(ListProjects));
  router.Register({.action = "ListProjectIds", .required = {"UserId"}}, bind(ListProjectIds));

  // Workspace reads: a workspace the caller cannot see does not exist.
  openapi::RouteSpec read{.auth = AuthLevel::kWorkspace,
                          .capability = Capability::kWorkspaceRead,
                          .denied_code = ErrorCode::kProjectNotExists};
  auto with = [](openapi::RouteSpec spec, std::string action, std::vector<std::string> required,
                 std::string project_param) {
    spec.action = std::move(action);
    spec.required = std::move(required);
    spec.project_param = std::move(project_param);
    return spec;
  };
  router.Register(with(read, "GetProject", {}, ""), bind(GetProject));
  router.Register(with(read, "GetProjectDetail", {"ProjectId"}, ""), bind(GetProjectDetail));
  router.Register(with(read, "ListProjectMembers", {"ProjectId"}, "ProjectId"),
                  bind(ListProjectMembers));
  router.Register(with(read, "ListProjectRoles", {"ProjectId"}, "ProjectId"),
                  bind(ListProjectRoles));

  // Member management: owner and administrator only.
  openapi::RouteSpec manage{.auth = AuthLevel::kWorkspace,
                            .capability = Capability::kMemberManage,
                            .denied_code = ErrorCode::kNotProjectOwnerOrAdmin};
  router.Register(with(manage, "CreateProjectMember", {"ProjectId", "UserId"}, "ProjectId"),
                  bind(CreateProjectMember));
  router.Register(
      with(manage, "AddProjectMemberToRole", {"ProjectId", "UserId", "RoleCode"}, "ProjectId"),
      bind(AddProjectMemberToRole));
  router.Register(with(manage, "RemoveProjectMemberFromRole", {"ProjectId", "UserId", "RoleCode"},
                       "ProjectId"),
                  bind(RemoveProjectMemberFromRole));
  router.Register(with(manage, "DeleteProjectMember", {"ProjectId", "UserId"}, "ProjectId"),
                  bind(DeleteProjectMember));
}

}  // namespace disync::api
