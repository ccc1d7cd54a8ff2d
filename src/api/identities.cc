#include "api/identities.h"

#include "api/workspaces.h"
#include "common/time_format.h"
#include "iam/accounts.h"

namespace disync::api {
namespace {

using openapi::ApiRequest;
using openapi::AuthLevel;
using openapi::Json;

// Maps the account errors to what a client sees.
Error Visible(Error error, std::string_view what) {
  switch (error.code()) {
    case ErrorCode::kAlreadyExists:
      return {ErrorCode::kInvalidParam, std::string(what) + " already exists."};
    case ErrorCode::kNotFound:
      return {ErrorCode::kInvalidParam, std::string(what) + " does not exist."};
    default:
      return error;
  }
}

Json GroupJson(const store::ResourceGroup& g) {
  return Json{{"Id", g.id},
              {"Identifier", g.identifier},
              {"Name", g.name},
              {"Mode", "ISOLATE"},
              {"BizExtKey", "single"},
              {"ResourceGroupType", "4"},
              {"Status", 0},
              {"IsDefault", false},
              {"EnableKp", false},
              {"Cluster", "default"},
              {"CreateTime", FormatJavaMediumUtc(g.created)},
              {"UpdateTime", FormatJavaMediumUtc(g.created)},
              {"Sequence", static_cast<int32_t>(g.id)},
              {"Specs", Json::object()},
              {"TenantId", kTenantId},
              {"ResourceManagerResourceGroupId", ""},
              {"Tags", Json::array()}};
}

}  // namespace

void RegisterIdentityRoutes(openapi::Router& router, store::MetadataStore& store,
                            const Clock& clock) {
  router.Register(
      {.action = "CreateUser", .auth = AuthLevel::kSuperuser, .required = {"UserId"}},
      [&store, &clock](const ApiRequest& r) -> Result<Json> {
        std::string id = r.GetOr("UserId", "");
        auto user = iam::CreateUser(store, clock, id, r.GetOr("UserName", ""));
        if (!user.ok()) return Visible(std::move(user).error(), "The user \"" + id + "\"");
        return Json{{"User", Json{{"UserId", user->id}, {"UserName", user->name}}}};
      });
  router.Register(
      {.action = "CreateAccessKey", .auth = AuthLevel::kSuperuser, .required = {"UserId"}},
      [&store, &clock](const ApiRequest& r) -> Result<Json> {
        std::string id = r.GetOr("UserId", "");
        auto key = iam::CreateAccessKey(store, clock, id);
        if (!key.ok()) return Visible(std::move(key).error(), "The user \"" + id + "\"");
        // The one answer that carries a secret: it is shown once, as RAM does.
        return Json{{"AccessKey", Json{{"AccessKeyId", key->id},
                                       {"AccessKeySecret", key->secret},
                                       {"Status", "Active"},
                                       {"CreateDate", FormatIso8601Utc(key->created)}}}};
      });
  router.Register(
      {.action = "UpdateAccessKey",
       .auth = AuthLevel::kSuperuser,
       .required = {"UserAccessKeyId", "Status"}},
      [&store](const ApiRequest& r) -> Result<Json> {
        std::string id = r.GetOr("UserAccessKeyId", "");
        std::string status = r.GetOr("Status", "");
        if (status != "Active" && status != "Inactive") return r.Invalid("Status", "Active or Inactive");
        auto done = iam::SetAccessKeyStatus(store, id, status == "Active"
                                                           ? store::AccessKeyStatus::kEnabled
                                                           : store::AccessKeyStatus::kDisabled);
        if (!done.ok()) return Visible(std::move(done).error(), "The access key \"" + id + "\"");
        return Json::object();
      });
  router.Register(
      {.action = "DeleteAccessKey", .auth = AuthLevel::kSuperuser, .required = {"UserAccessKeyId"}},
      [&store](const ApiRequest& r) -> Result<Json> {
        std::string id = r.GetOr("UserAccessKeyId", "");
        auto done = iam::DeleteAccessKey(store, id);
        if (!done.ok()) return Visible(std::move(done).error(), "The access key \"" + id + "\"");
        return Json::object();
      });
  router.Register(
      {.action = "CreateResourceGroup", .auth = AuthLevel::kSuperuser, .required = {"Identifier"}},
      [&store, &clock](const ApiRequest& r) -> Result<Json> {
        std::string id = r.GetOr("Identifier", "");
        auto group = iam::CreateResourceGroup(store, clock, id, r.GetOr("Name", ""));
        if (!group.ok()) return Visible(std::move(group).error(), "The resource group \"" + id + "\"");
        return Json{{"HttpStatusCode", 200}, {"Success", true}, {"Data", GroupJson(*group)}};
      });
  router.Register({.action = "ListResourceGroups"}, [&store](const ApiRequest& r) -> Result<Json> {
    DISYNC_ASSIGN_OR_RETURN(auto type, r.GetInt("ResourceGroupType", 0, 9));
    Json data = Json::array();
    // Only Data Integration groups (type 4) exist here; the default type (1,
    // scheduling) also lists them so that clients find what TaskParam needs.
    if (!type || *type == 1 || *type == 4) {
      DISYNC_ASSIGN_OR_RETURN(auto groups, store.ListResourceGroups(r.GetOr("Keyword", "")));
      for (const auto& g : groups) data.push_back(GroupJson(g));
    }
    return Json{{"HttpStatusCode", 200}, {"Success", true}, {"Data", std::move(data)}};
  });
}

}  // namespace disync::api
