#include "openapi/router.h"

#include <charconv>

#include "common/check.h"
#include "http/message.h"

namespace disync::openapi {

std::string_view ToString(Capability capability) {
  switch (capability) {
    case Capability::kNone: return "none";
    case Capability::kWorkspaceRead: return "workspace.read";
    case Capability::kDiTaskWrite: return "di.task.write";
    case Capability::kDiDeploy: return "di.deploy";
    case Capability::kDiRunControl: return "di.run";
    case Capability::kDataSourceWrite: return "datasource.write";
    case Capability::kDataSourceShare: return "datasource.share";
    case Capability::kDataSourceUse: return "datasource.use";
    case Capability::kDiProjectConfig: return "di.config";
    case Capability::kMemberManage: return "member.manage";
  }
  return "unknown";
}

Status ApiRequest::AuthorizeIn(ProjectId project) const {
  DISYNC_CHECK(route_ != nullptr && authorizer_ != nullptr &&
               route_->auth == AuthLevel::kWorkspace);
  return authorizer_->Authorize(caller_, route_->capability, project, route_->denied_code);
}

Status ApiRequest::AuthorizeIn(ProjectId project, Capability capability,
                               ErrorCode denied) const {
  DISYNC_CHECK(authorizer_ != nullptr);
  return authorizer_->Authorize(caller_, capability, project, denied);
}

std::optional<std::string_view> ApiRequest::Get(std::string_view name) const {
  auto it = params_.find(std::string(name));
  if (it == params_.end()) return std::nullopt;
  return std::string_view(it->second);
}

std::string ApiRequest::GetOr(std::string_view name, std::string_view fallback) const {
  auto v = Get(name);
  return std::string(v && !v->empty() ? *v : fallback);
}

Error ApiRequest::Invalid(std::string_view name, std::string_view expected) const {
  std::string message = "The specified parameter \"";
  message += name;
  message += "\" is not valid: expected ";
  message += expected;
  message += '.';
  return {invalid_code_, std::move(message)};
}

Result<std::optional<int64_t>> ApiRequest::GetInt(std::string_view name, int64_t min,
                                                  int64_t max) const {
  auto v = Get(name);
  if (!v || v->empty()) return std::optional<int64_t>();
  int64_t out = 0;
  auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || ptr != v->data() + v->size() || out < min || out > max) {
    std::string expected = "an integer";
    if (min != INT64_MIN || max != INT64_MAX) {
      expected += " from " + std::to_string(min) + " to " + std::to_string(max);
    }
    return Invalid(name, expected);
  }
  return std::optional<int64_t>(out);
}

Result<int64_t> ApiRequest::RequireInt(std::string_view name, int64_t min, int64_t max) const {
  DISYNC_ASSIGN_OR_RETURN(std::optional<int64_t> v, GetInt(name, min, max));
  if (!v) return Invalid(name, "an integer");
  return *v;
}

Result<std::optional<bool>> ApiRequest::GetBool(std::string_view name) const {
  auto v = Get(name);
  if (!v || v->empty()) return std::optional<bool>();
  if (http::EqualsIgnoreCase(*v, "true")) return std::optional<bool>(true);
  if (http::EqualsIgnoreCase(*v, "false")) return std::optional<bool>(false);
  return Invalid(name, "true or false");
}

Result<ApiRequest::Paging> ApiRequest::GetPaging(int32_t default_size, int32_t max_size) const {
  DISYNC_ASSIGN_OR_RETURN(auto number, GetInt("PageNumber", 1, INT32_MAX));
  DISYNC_ASSIGN_OR_RETURN(auto size, GetInt("PageSize", 1, max_size));
  return Paging{static_cast<int32_t>(number.value_or(1)),
                static_cast<int32_t>(size.value_or(default_size))};
}

void Router::Register(RouteSpec spec, Handler handler, QuickHandler quick) {
  // A quick answer must not wait; a route that waits on a data source has none.
  DISYNC_CHECK(!quick || spec.waits == Waits::kStore);
  std::string action = spec.action;
  bool inserted =
      routes_.emplace(action, Route{std::move(spec), std::move(handler), std::move(quick)}).second;
  DISYNC_CHECK(inserted);
}

const Route* Router::Find(std::string_view action) const {
  auto it = routes_.find(action);
  return it == routes_.end() ? nullptr : &it->second;
}

std::vector<std::string> Router::Actions() const {
  std::vector<std::string> out;
  for (const auto& [k, v] : routes_) out.push_back(k);
  return out;
}

}  // namespace disync::openapi
