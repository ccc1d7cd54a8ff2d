// Router: the table of Actions. Each Action is registered once with its auth
// level, its required parameters and its handler; the Dispatcher
// (dispatcher.h) does everything around the handler: parsing, signature,
// auth level, required parameters, error rendering. Handlers only do the
// work and return the model's fields or an Error.
//
// Thread-safety: routes are registered by the composition root before the
// server starts; afterwards the Router is read-only and may be shared.
#ifndef DISYNC_OPENAPI_ROUTER_H_
#define DISYNC_OPENAPI_ROUTER_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "openapi/envelope.h"
#include "openapi/params.h"

namespace disync::openapi {

// Who may call an Action, checked before the handler runs.
enum class AuthLevel {
  kSigned,     // any caller with a valid, enabled access key
  kSuperuser,  // only a superuser key (root)
};

// The verified identity behind a request.
struct Caller {
  std::string access_key_id;
  std::string user_id;
  bool superuser = false;
};

// What a handler sees: the caller and the merged parameters, with typed
// accessors whose errors name the parameter (the handler never parses).
class ApiRequest {
 public:
  ApiRequest(std::string_view action, const ParamMap& params, const Caller& caller,
             std::string_view request_id, ErrorCode invalid_code)
      : action_(action),
        params_(params),
        caller_(caller),
        request_id_(request_id),
        invalid_code_(invalid_code) {}

  std::string_view action() const { return action_; }
  const Caller& caller() const { return caller_; }
  std::string_view request_id() const { return request_id_; }
  const ParamMap& params() const { return params_; }

  // The raw value, if the parameter was sent.
  std::optional<std::string_view> Get(std::string_view name) const;
  // The value, or `fallback` when absent or empty.
  std::string GetOr(std::string_view name, std::string_view fallback) const;
  // Integers: absent or empty -> nullopt; not an integer in [min, max] ->
  // the route's invalid-parameter error naming the parameter.
  Result<std::optional<int64_t>> GetInt(std::string_view name, int64_t min = INT64_MIN,
                                        int64_t max = INT64_MAX) const;
  // Like GetInt, for a required parameter (presence was checked already).
  Result<int64_t> RequireInt(std::string_view name, int64_t min = INT64_MIN,
                             int64_t max = INT64_MAX) const;
  // "true"/"false" in any case; absent -> nullopt.
  Result<std::optional<bool>> GetBool(std::string_view name) const;
  // Paging with the documented defaults and caps.
  struct Paging {
    int32_t page_number;
    int32_t page_size;
  };
  Result<Paging> GetPaging(int32_t default_size = 10, int32_t max_size = 100) const;

  Error Invalid(std::string_view name, std::string_view expected) const;

 private:
  std::string_view action_;
  const ParamMap& params_;
  const Caller& caller_;
  std::string_view request_id_;
  ErrorCode invalid_code_;
};

using Handler = std::function<Result<Json>(const ApiRequest&)>;

struct RouteSpec {
  std::string action;
  AuthLevel auth = AuthLevel::kSigned;
  std::vector<std::string> required = {};  // parameters that must be present and non-empty
  // The error for a missing or malformed business parameter: the gateway's
  // MissingParameter/InvalidParameter, or Invalid.DI.Parameter for DI
  // operations (rpc-protocol.md section 9).
  ErrorCode missing_code = ErrorCode::kMissingParameter;
  ErrorCode invalid_code = ErrorCode::kInvalidParameter;
};

struct Route {
  RouteSpec spec;
  Handler handler;
};

class Router {
 public:
  // Aborts on a duplicate action: that is a wiring bug.
  void Register(RouteSpec spec, Handler handler);
  const Route* Find(std::string_view action) const;
  std::vector<std::string> Actions() const;

 private:
  std::map<std::string, Route, std::less<>> routes_;
};

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_ROUTER_H_
