// Dispatcher: the OpenAPI front door. It turns one HTTP request into one
// answer: parameters (query + form body), Action and Version, the signature
// (v1 or ACS3), the time window and nonce, the route's auth level and
// required parameters, then the handler, then the envelope. Every failure on
// the way is an Error rendered by envelope.h. It also serves GET /healthz and
// GET /metrics, and logs each request once.
//
// Ownership: borrows everything it is given; the composition root keeps them
// alive longer than the Dispatcher.
// Threading: Handle() is called on I/O threads. A request whose body is at
// most kMaxQuickBodyBytes is admitted there (parameters, signature, the
// store's keys and roles: bounded reads), and answered there when its route
// has a QuickHandler that answers; a larger one is admitted, and perhaps
// answered so, on the blocking executor. The handler runs on the blocking executor, or on the data-source
// executor for a route that waits on a data source (RouteSpec::waits).
// Thread-safe.
#ifndef DISYNC_OPENAPI_DISPATCHER_H_
#define DISYNC_OPENAPI_DISPATCHER_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/executor.h"
#include "common/result.h"
#include "http/server.h"
#include "openapi/metrics.h"
#include "openapi/replay_guard.h"
#include "openapi/router.h"

namespace disync::openapi {

inline constexpr std::string_view kApiVersion = "2020-05-18";

// A verified access key's secret and owner, looked up by AccessKeyId.
struct Credential {
  std::string access_key_id;
  std::string secret;
  std::string user_id;
  bool enabled = true;
  bool superuser = false;
};

// Where the Dispatcher finds access keys. Blocking; thread-safe.
class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // kNotFound when no such key exists; other errors are internal.
  virtual Result<Credential> Find(std::string_view access_key_id) = 0;
};

struct DispatcherOptions {
  std::string host_id = "disync";
  // Called before each request's admission, on the thread that admits it;
  // what it returns is held until the admission and the quick answer are
  // done, and released before the handler runs. The composition root has
  // it make their reads share one snapshot of the store
  // (MetadataStore::ShareReadsOnThisThread): they write nothing.
  std::function<std::shared_ptr<void>()> share_reads;
};

class Dispatcher final : public http::RequestHandler {
 public:
  // `authorizer` may be null only when no route uses AuthLevel::kWorkspace.
  // `blocking` runs the requests; `data_source_calls` the handlers of the
  // routes that connect to a data source.
  Dispatcher(const Router& router, CredentialSource& credentials, Authorizer* authorizer,
             ReplayGuard& replay, Executor& blocking, Executor& data_source_calls, Metrics& metrics,
             DispatcherOptions options = {});

  // Above this, parsing the form and hashing the body for the signature is
  // work enough to leave to the blocking executor (a TaskParam runs to
  // megabytes); every request but a script's is far below.
  static constexpr size_t kMaxQuickBodyBytes = size_t{64} << 10;

  void Handle(http::Request request, http::Responder respond) override;
  http::Response TransportError(int status, std::string_view reason) override;

  // The whole OpenAPI path, synchronously, every stage on the calling thread.
  http::Response Process(const http::Request& request);

 private:
  struct Outcome;
  struct Call;
  // The stages of one request: Begin; Admit (false: the call holds the
  // error); AnsweredQuickly, the route's QuickHandler, if it has one and it
  // answers; else Execute, the handler; Finish renders, counts and logs the
  // answer.
  void Begin(Call& call);
  // Admit, then AnsweredQuickly, sharing options_.share_reads: true when
  // the call is done (refused or answered).
  bool RefusedOrAnsweredQuickly(Call& call);
  bool Admit(Call& call);
  bool AnsweredQuickly(Call& call);
  void Execute(Call& call);
  // Execute and answer an admitted call: here, or on the data-source
  // executor for a route that waits on a data source.
  void ExecuteAndRespond(std::shared_ptr<Call> call, http::Responder respond);
  http::Response Finish(Call& call);
  Status AdmitOrError(Call& call);
  // Runs `stage`, turning an exception (a broken promise) into an internal error.
  template <typename Stage>
  auto Guarded(Call& call, Stage&& stage) -> decltype(stage());
  Result<Caller> Authenticate(const http::Request& request, const ParamMap& params,
                              const ParamMap& query, Outcome& outcome);
  Result<Credential> FindEnabledKey(std::string_view access_key_id);

  const Router& router_;
  CredentialSource& credentials_;
  Authorizer* authorizer_;
  ReplayGuard& replay_;
  Executor& blocking_;
  Executor& data_source_calls_;
  Metrics& metrics_;
  const DispatcherOptions options_;
};

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_DISPATCHER_H_
