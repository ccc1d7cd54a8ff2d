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

#include "common/ids.h"
#include "common/result.h"
#include "openapi/envelope.h"
#include "openapi/params.h"

namespace disync::openapi {

// Who may call an Action, checked before the handler runs.
enum class AuthLevel {
  kSigned,     // any caller with a valid, enabled access key
  kSuperuser,  // only a superuser key (root)
  kWorkspace,  // a caller whose roles in the workspace grant the route's Capability
};

// What a workspace-scoped Action needs from the caller's roles. Which roles
// grant which capability is data in one table (iam/role_table.cc,
// workspaces.md section 2.2).
enum class Capability {
  kNone,
  kWorkspaceRead,       // read workspace, DI and data source metadata
  kDiTaskWrite,         // create, update, delete DI tasks and generate their configs
  kDiDeploy,            // deploy DI tasks
  kDiRunControl,        // start, stop, terminate DI instances
  kDataSourceWrite,     // create, update, delete, import data sources
  kDataSourceShare,     // share data sources
  kDataSourceUse,       // connectivity tests, metadata, full export
  kDiProjectConfig,     // change the workspace's DI settings
  kMemberManage,        // add and remove members and their roles
};
std::string_view ToString(Capability capability);

// The verified identity behind a request.
struct Caller {
  std::string access_key_id;
  std::string user_id;
  bool superuser = false;
};

struct RouteSpec;

// Decides whether a caller holds a capability in a workspace. Implemented by
// iam::RoleAuthorizer over the store. Blocking; thread-safe.
class Authorizer {
 public:
  virtual ~Authorizer() = default;
  // OK, or `denied` (a 403 code such as kDiNoPrivilege). For a caller who is
  // not a superuser, a workspace that does not exist is refused exactly like
  // one the caller may not see; a superuser gets kProjectNotExists.
  virtual Status Authorize(const Caller& caller, Capability capability, ProjectId project,
                           ErrorCode denied) = 0;
};

// What a handler sees: the caller and the merged parameters, with typed
// accessors whose errors name the parameter (the handler never parses).
class ApiRequest {
 public:
  ApiRequest(std::string_view action, const ParamMap& params, const Caller& caller,
             std::string_view request_id, ErrorCode invalid_code,
             const RouteSpec* route = nullptr, Authorizer* authorizer = nullptr)
      : action_(action),
        params_(params),
        caller_(caller),
        request_id_(request_id),
        invalid_code_(invalid_code),
        route_(route),
        authorizer_(authorizer) {}

  // For routes whose workspace is known only from an object (a data source
  // id, say): checks the route's capability in `project` once the handler
  // has found it. Routes with a project parameter are checked before the
  // handler runs and need not call this.
  Status AuthorizeIn(ProjectId project) const;
  // The same with an explicit capability and refusal code: for objects
  // (data sources, tasks, processes) that a caller who cannot read their
  // workspace must not learn exist.
  Status AuthorizeIn(ProjectId project, Capability capability, ErrorCode denied) const;

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
  const RouteSpec* route_;
  Authorizer* authorizer_;
};

using Handler = std::function<Result<Json>(const ApiRequest&)>;

// A route's answer given on the I/O thread that read the request, right
// after its admission: no hand-over to a worker and back, which is most of
// the cost of a small request (bench/README.md, ninth round). It may only do
// bounded work: small reads of the store, no writes (they wait for fsync),
// no waiting for another thread, no data source. nullopt: no quick answer
// this time; the Dispatcher then runs the route's Handler on the workers.
using QuickHandler = std::function<std::optional<Result<Json>>(const ApiRequest&)>;

// What a handler waits for besides the CPU and the store. kDataSource: it
// connects to a data source, which can take that connection's whole connect
// and read timeouts; the Dispatcher runs those handlers on a pool of their
// own, so that a slow or unreachable source cannot hold the threads every
// other request needs.
enum class Waits { kStore, kDataSource };

struct RouteSpec {
  std::string action = {};
  AuthLevel auth = AuthLevel::kSigned;
  Waits waits = Waits::kStore;
  std::vector<std::string> required = {};  // parameters that must be present and non-empty
  // The error for a missing or malformed business parameter: the gateway's
  // MissingParameter/InvalidParameter, or Invalid.DI.Parameter for DI
  // operations (rpc-protocol.md section 9).
  ErrorCode missing_code = ErrorCode::kMissingParameter;
  ErrorCode invalid_code = ErrorCode::kInvalidParameter;
  // For AuthLevel::kWorkspace: the capability, the parameter that names the
  // workspace ("" = the handler calls ApiRequest::AuthorizeIn), and the code
  // of a refusal.
  Capability capability = Capability::kNone;
  std::string project_param = "ProjectId";
  ErrorCode denied_code = ErrorCode::kDiNoPrivilege;
  // What an unexpected failure is answered as (its details go to the log):
  // InternalError, or InternalError.DI.Parameter for DI operations.
  ErrorCode internal_code = ErrorCode::kInternal;
};

struct Route {
  RouteSpec spec;
  Handler handler;
  QuickHandler quick;  // may be empty
};

class Router {
 public:
  // Aborts on a duplicate action: that is a wiring bug.
  void Register(RouteSpec spec, Handler handler, QuickHandler quick = {});
  const Route* Find(std::string_view action) const;
  std::vector<std::string> Actions() const;

 private:
  std::map<std::string, Route, std::less<>> routes_;
};

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_ROUTER_H_
