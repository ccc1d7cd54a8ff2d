#include "api/workspaces.h"

#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace disync::api {
namespace {

using openapi::ApiRequest;
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

Error ProjectNotExists() {
  return {ErrorCode::kProjectNotExists, "The project does not exist."};
}

// A workspace the caller may see. A caller who is not a member learns
// nothing about its existence: both cases answer ProjectNotExists.
Result<store::Project> VisibleProject(store::MetadataStore& store, const ApiRequest& request,
                                      Result<store::Project> found) {
  if (!found.ok()) {
    if (found.error().code() == ErrorCode::kNotFound) return ProjectNotExists();
    return std::move(found).error();
  }
  if (found->status == 1) return ProjectNotExists();  // DELETED
  if (request.caller().superuser) return found;
  DISYNC_ASSIGN_OR_RETURN(auto roles, store.GetMemberRoles(found->id, request.caller().user_id));
  if (roles.empty()) return ProjectNotExists();
  return found;
}

Result<Json> ListProjects(store::MetadataStore& store, const ApiRequest& request) {
  DISYNC_ASSIGN_OR_RETURN(auto paging, request.GetPaging());
  store::ListProjectsQuery query;
  query.page_number = paging.page_number;
  query.page_size = paging.page_size;
  query.resource_manager_resource_group_id = request.GetOr("ResourceManagerResourceGroupId", "");
  if (auto tags = request.Get("Tags"); tags && !tags->empty()) {
    auto parsed = nlohmann::json::parse(*tags, nullptr, /*allow_exceptions=*/false);
    if (!parsed.is_array()) return request.Invalid("Tags", "a JSON array of {\"Key\",\"Value\"}");
    for (const auto& t : parsed) {
      if (!t.is_object() || !t.contains("Key") || !t["Key"].is_string() ||
          (t.contains("Value") && !t["Value"].is_string())) {
        return request.Invalid("Tags", "a JSON array of {\"Key\",\"Value\"} string pairs");
      }
      query.tags.push_back({t["Key"].get<std::string>(), t.value("Value", "")});
    }
  }
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

Result<Json> GetProject(store::MetadataStore& store, const ApiRequest& request) {
  DISYNC_ASSIGN_OR_RETURN(auto id, request.GetInt("ProjectId", 1, INT64_MAX));
  std::string identifier = request.GetOr("ProjectIdentifier", "");
  if (!id && identifier.empty()) {
    return Error(ErrorCode::kMissingParameter,
                 "The input parameter \"ProjectId\" or \"ProjectIdentifier\" that is mandatory "
                 "for processing this request is not supplied.");
  }
  // The id wins when both are given.
  auto found = id ? store.GetProject(ProjectId(*id)) : store.GetProjectByIdentifier(identifier);
  DISYNC_ASSIGN_OR_RETURN(store::Project project, VisibleProject(store, request, std::move(found)));
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
  DISYNC_ASSIGN_OR_RETURN(int64_t id, request.RequireInt("ProjectId", 1, INT64_MAX));
  DISYNC_ASSIGN_OR_RETURN(store::Project project,
                          VisibleProject(store, request, store.GetProject(ProjectId(id))));
  return Json{{"HttpStatusCode", 200}, {"Success", true}, {"Data", ProjectDetail(project)}};
}

}  // namespace

void RegisterWorkspaceRoutes(openapi::Router& router, store::MetadataStore& store) {
  router.Register({.action = "ListProjects"},
                  [&store](const ApiRequest& r) { return ListProjects(store, r); });
  router.Register({.action = "GetProject"},
                  [&store](const ApiRequest& r) { return GetProject(store, r); });
  router.Register({.action = "GetProjectDetail", .required = {"ProjectId"}},
                  [&store](const ApiRequest& r) { return GetProjectDetail(store, r); });
}

}  // namespace disync::api
