#include "openapi/dispatcher.h"

#include <chrono>
#include <exception>
#include <memory>
#include <optional>
#include <utility>

#include <fmt/format.h>

#include "common/logging.h"
#include "common/random.h"
#include "common/time_format.h"
#include "openapi/error_table.h"
#include "openapi/signature.h"

namespace disync::openapi {
namespace {

using SteadyClock = std::chrono::steady_clock;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// The media type of a Content-Type value, lower-cased, without parameters.
std::string MediaType(std::string_view content_type) {
  std::string out;
  for (char c : content_type.substr(0, content_type.find(';'))) {
    if (c == ' ' || c == '\t') continue;
    out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return out;
}

// A JSON object body of scalar members, accepted defensively as parameters.
Result<ParamList> ParseJsonBody(std::string_view body) {
  auto j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) {
    return Error(ErrorCode::kInvalidParameter, "The request body is not a JSON object.");
  }
  ParamList out;
  for (const auto& [k, v] : j.items()) {
    out.emplace_back(k, v.is_string() ? v.get<std::string>() : v.dump());
  }
  return out;
}

Error Missing(std::string_view name) {
  return {ErrorCode::kMissingParameter, "The input parameter \"" + std::string(name) +
                                            "\" that is mandatory for processing this request "
                                            "is not supplied."};
}

std::optional<std::string_view> Lookup(const ParamMap& params, std::string_view name) {
  auto it = params.find(std::string(name));
  if (it == params.end()) return std::nullopt;
  return std::string_view(it->second);
}

Result<TimePoint> ParseTimestamp(std::string_view text) {
  auto t = ParseIso8601Utc(text);
  if (!t) {
    return Error(ErrorCode::kInvalidTimeStampFormat,
                 "Specified time stamp or date value is not well formatted.");
  }
  return *t;
}

}  // namespace

// What the request log and the metrics need to know about one request.
struct Dispatcher::Outcome {
  std::string request_id;
  std::string action;
  std::string access_key_id;
  Format format = Format::kJson;
  ErrorCode internal_code = ErrorCode::kInternal;  // the route's, once known
};

// One request on its way through the stages. Not moved once admitted: the
// ApiRequest refers to its parameters, caller and ids.
struct Dispatcher::Call {
  explicit Call(http::Request r) : request(std::move(r)) {}

  http::Request request;
  SteadyClock::time_point started;
  Outcome outcome;
  Result<Json> result = Error::Internal("not run");
  // Set by Admit for a request that may reach its handler.
  ParamMap params;
  Caller caller;
  const Route* route = nullptr;
  std::optional<ApiRequest> api_request;
};

Dispatcher::Dispatcher(const Router& router, CredentialSource& credentials, Authorizer* authorizer,
                       ReplayGuard& replay, Executor& blocking, Executor& data_source_calls,
                       Metrics& metrics, DispatcherOptions options)
    : router_(router),
      credentials_(credentials),
      authorizer_(authorizer),
      replay_(replay),
      blocking_(blocking),
      data_source_calls_(data_source_calls),
      metrics_(metrics),
      options_(std::move(options)) {}

void Dispatcher::Handle(http::Request request, http::Responder respond) {
  // Liveness and metrics never wait behind the store.
  if (request.method == "GET" && request.Path() == "/healthz") {
    http::Response r;
    r.body = "{\"status\":\"ok\"}";
    return respond(std::move(r));
  }
  if (request.method == "GET" && request.Path() == "/metrics") {
    http::Response r;
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";
    r.body = metrics_.RenderPrometheus();
    return respond(std::move(r));
  }
  auto call = std::make_shared<Call>(std::move(request));
  // A small request is admitted, and perhaps answered, on this I/O thread:
  // a hand-over to a worker and back costs more than a Query's reads
  // (bench/README.md, ninth round).
  if (call->request.body.size() <= kMaxQuickBodyBytes) {
    Begin(*call);
    if (RefusedOrAnsweredQuickly(*call)) return respond(Finish(*call));
    if (call->route->spec.waits == Waits::kDataSource) {
      return ExecuteAndRespond(std::move(call), std::move(respond));
    }
    return blocking_.Post([this, call = std::move(call), respond = std::move(respond)]() mutable {
      ExecuteAndRespond(std::move(call), std::move(respond));
    });
  }
  blocking_.Post([this, call = std::move(call), respond = std::move(respond)]() mutable {
    Begin(*call);
    if (RefusedOrAnsweredQuickly(*call)) return respond(Finish(*call));
    ExecuteAndRespond(std::move(call), std::move(respond));
  });
}

void Dispatcher::ExecuteAndRespond(std::shared_ptr<Call> call, http::Responder respond) {
  auto execute = [this, call, respond = std::move(respond)] {
    Execute(*call);
    respond(Finish(*call));
  };
  // A handler that connects to a data source runs on the pool for those
  // calls, so that the other requests' threads never wait for one.
  if (call->route->spec.waits == Waits::kDataSource) {
    data_source_calls_.Post(std::move(execute));
  } else {
    execute();
  }
}

http::Response Dispatcher::TransportError(int status, std::string_view reason) {
  std::string request_id = NewRequestId();
  ErrorCode code = ErrorCode::kInvalidParameter;
  std::string message = status == 413 ? "The request body is larger than the server accepts."
                                      : "The request could not be read: " + std::string(reason);
  http::Response r = RenderError(Error(code, message), request_id, options_.host_id, Format::kJson);
  r.status = status;
  logging::Warn("request refused", {{"request_id", request_id},
                                    {"status", std::to_string(status)},
                                    {"reason", std::string(reason)}});
  return r;
}

http::Response Dispatcher::Process(const http::Request& request) {
  Call call(request);
  Begin(call);
  if (!RefusedOrAnsweredQuickly(call)) Execute(call);
  return Finish(call);
}

void Dispatcher::Begin(Call& call) {
  call.started = SteadyClock::now();
  metrics_.RequestStarted();
  call.outcome.request_id = NewRequestId();
}

bool Dispatcher::RefusedOrAnsweredQuickly(Call& call) {
  const std::shared_ptr<void> shared = options_.share_reads ? options_.share_reads() : nullptr;
  return !Admit(call) || AnsweredQuickly(call);
}

bool Dispatcher::Admit(Call& call) {
  Status admitted = Guarded(call, [&] { return AdmitOrError(call); });
  if (admitted.ok()) return true;
  call.result = std::move(admitted).error();
  return false;
}

bool Dispatcher::AnsweredQuickly(Call& call) {
  if (!call.route->quick) return false;
  std::optional<Result<Json>> answer =
      Guarded(call, [&] { return call.route->quick(*call.api_request); });
  if (!answer) return false;
  call.result = std::move(*answer);
  return true;
}

void Dispatcher::Execute(Call& call) {
  call.result = Guarded(call, [&] { return call.route->handler(*call.api_request); });
}

template <typename Stage>
auto Dispatcher::Guarded(Call& call, Stage&& stage) -> decltype(stage()) {
  try {
    return stage();
  } catch (const std::exception& e) {
    // Last resort: the handler broke a promise. The client gets the
    // RequestId; the details stay in the log.
    logging::Error("unhandled exception", {{"request_id", call.outcome.request_id},
                                           {"action", call.outcome.action},
                                           {"what", e.what()}});
    return Error::Internal(e.what());
  }
}

http::Response Dispatcher::Finish(Call& call) {
  const Outcome& outcome = call.outcome;
  const http::Request& request = call.request;
  http::Response response;
  std::string code;
  if (call.result.ok()) {
    response = RenderSuccess(outcome.action, outcome.request_id, std::move(call.result).value(),
                             outcome.format);
  } else {
    const Error& error = call.result.error();
    if (!IsClientVisible(error.code())) {
      logging::Error("internal error", {{"request_id", outcome.request_id},
                                        {"action", outcome.action},
                                        {"error", std::string(ToString(error.code()))},
                                        {"detail", error.message()}});
    }
    // What the client sees of an internal failure: the route's internal
    // code with its generic text, and the RequestId to find the log line.
    Error shown = IsClientVisible(error.code()) ? error : Error(outcome.internal_code, "");
    response = RenderError(shown, outcome.request_id, options_.host_id, outcome.format);
    code = std::string(Describe(shown.code()).code);
  }

  auto latency = SteadyClock::now() - call.started;
  std::string action = outcome.action.empty() ? "-" : outcome.action;
  // Unknown actions are counted under one label so that a scan cannot grow
  // the metrics without bound.
  std::string metric_action = router_.Find(outcome.action) ? action : "-";
  metrics_.RequestFinished(metric_action, code, response.status, latency);
  logging::Info("request",
                {{"request_id", outcome.request_id},
                 {"method", request.method},
                 {"action", action},
                 {"access_key_id", outcome.access_key_id.empty() ? "-" : outcome.access_key_id},
                 {"status", std::to_string(response.status)},
                 {"code", code.empty() ? "-" : code},
                 {"latency_ms", fmt::format("{:.3f}", std::chrono::duration<double, std::milli>(
                                                          latency).count())},
                 {"remote", request.remote_address}});
  return response;
}

Status Dispatcher::AdmitOrError(Call& call) {
  const http::Request& request = call.request;
  Outcome& outcome = call.outcome;
  if (request.Path() != "/") {
    return Error(ErrorCode::kInvalidActionNotFound,
                 "Specified api is not found, please check your url and method.");
  }
  if (request.method != "GET" && request.method != "POST" && request.method != "PUT") {
    return Error(ErrorCode::kInvalidActionNotFound,
                 "Specified api is not found, please check your url and method.");
  }

  // Parameters: the query string and a form (or JSON) body, merged.
  DISYNC_ASSIGN_OR_RETURN(ParamList query_list, ParseFormUrlEncoded(request.RawQuery()));
  ParamList body_list;
  if (!request.body.empty()) {
    std::string media = MediaType(request.Header("content-type").value_or(""));
    if (media == "application/x-www-form-urlencoded") {
      DISYNC_ASSIGN_OR_RETURN(body_list, ParseFormUrlEncoded(request.body));
    } else if (media == "application/json") {
      DISYNC_ASSIGN_OR_RETURN(body_list, ParseJsonBody(request.body));
    }
  }
  DISYNC_ASSIGN_OR_RETURN(call.params, MergeParams(query_list, body_list));
  const ParamMap& params = call.params;
  DISYNC_ASSIGN_OR_RETURN(ParamMap query, MergeParams(query_list, {}));
  outcome.format = ParseFormat(Lookup(params, "Format").value_or(""));

  // Action and Version: parameters first, then the x-acs-* headers.
  std::string action(Lookup(params, "Action").value_or(request.Header("x-acs-action").value_or("")));
  std::string version(
      Lookup(params, "Version").value_or(request.Header("x-acs-version").value_or("")));
  if (action.empty()) return Missing("Action");
  outcome.action = action;
  if (version.empty()) return Missing("Version");
  if (version != kApiVersion) {
    return Error(ErrorCode::kInvalidVersion, "Specified parameter Version is not valid.");
  }
  const Route* route = router_.Find(action);
  if (route == nullptr) {
    return Error(ErrorCode::kInvalidActionNotFound,
                 "Specified api is not found, please check your url and method.");
  }

  outcome.internal_code = route->spec.internal_code;
  DISYNC_ASSIGN_OR_RETURN(call.caller, Authenticate(request, params, query, outcome));
  const Caller& caller = call.caller;
  if (route->spec.auth == AuthLevel::kSuperuser && !caller.superuser) {
    return Error(ErrorCode::kForbiddenRam,
                 "User not authorized to operate on the specified resource, or this API "
                 "doesn't support RAM.");
  }

  for (const auto& name : route->spec.required) {
    auto v = Lookup(params, name);
    if (v && !v->empty()) continue;
    if (route->spec.missing_code == ErrorCode::kMissingParameter) return Missing(name);
    return Error(route->spec.missing_code,
                 "The parameter \"" + name + "\" is missing: it is mandatory for " + action + ".");
  }

  const ApiRequest& api_request =
      call.api_request.emplace(outcome.action, params, caller, outcome.request_id,
                               route->spec.invalid_code, &route->spec, authorizer_);
  if (route->spec.auth == AuthLevel::kWorkspace && !route->spec.project_param.empty()) {
    DISYNC_ASSIGN_OR_RETURN(int64_t project,
                            api_request.RequireInt(route->spec.project_param, 1, INT64_MAX));
    DISYNC_RETURN_IF_ERROR(api_request.AuthorizeIn(ProjectId(project)));
  }
  call.route = route;
  return OkStatus();
}

Result<Credential> Dispatcher::FindEnabledKey(std::string_view access_key_id) {
  auto found = credentials_.Find(access_key_id);
  if (!found.ok()) {
    if (found.error().code() == ErrorCode::kNotFound) {
      return Error(ErrorCode::kInvalidAccessKeyIdNotFound, "Specified access key is not found.");
    }
    return std::move(found).error();
  }
  if (!found->enabled) {
    return Error(ErrorCode::kInvalidAccessKeyIdInactive, "Specified access key is disabled.");
  }
  return std::move(found).value();
}

Result<Caller> Dispatcher::Authenticate(const http::Request& request, const ParamMap& params,
                                        const ParamMap& query, Outcome& outcome) {
  auto authorization = request.Header("authorization");
  if (authorization && StartsWith(*authorization, "ACS3-")) {
    DISYNC_ASSIGN_OR_RETURN(Acs3Authorization auth, ParseAcs3Authorization(*authorization));
    outcome.access_key_id = auth.access_key_id;
    auto date = request.Header("x-acs-date");
    if (!date || date->empty()) return Missing("x-acs-date");
    auto nonce = request.Header("x-acs-signature-nonce");
    if (!nonce || nonce->empty()) return Missing("x-acs-signature-nonce");
    DISYNC_ASSIGN_OR_RETURN(TimePoint timestamp, ParseTimestamp(*date));
    DISYNC_RETURN_IF_ERROR(replay_.CheckTimestamp(timestamp));
    DISYNC_ASSIGN_OR_RETURN(Credential credential, FindEnabledKey(auth.access_key_id));
    DISYNC_RETURN_IF_ERROR(VerifyV3(request, query, auth, credential.secret));
    DISYNC_RETURN_IF_ERROR(replay_.CheckAndRecordNonce(auth.access_key_id, *nonce, timestamp));
    return Caller{credential.access_key_id, credential.user_id, credential.superuser};
  }
  if (authorization && !Lookup(params, "Signature")) {
    return Error(ErrorCode::kIncompleteSignature,
                 "The request signature does not conform to Aliyun standards.");
  }

  // Signature v1: the common parameters travel in the query or the body.
  for (std::string_view name : {"AccessKeyId", "Signature", "SignatureMethod", "SignatureNonce",
                                "SignatureVersion", "Timestamp"}) {
    auto v = Lookup(params, name);
    if (!v || v->empty()) return Missing(name);
  }
  std::string access_key_id(*Lookup(params, "AccessKeyId"));
  outcome.access_key_id = access_key_id;
  if (*Lookup(params, "SignatureMethod") != "HMAC-SHA1") {
    return Error(ErrorCode::kInvalidSignatureMethod,
                 "Specified signature method is not supported: expected HMAC-SHA1.");
  }
  if (*Lookup(params, "SignatureVersion") != "1.0") {
    return Error(ErrorCode::kIncompleteSignature,
                 "The request signature does not conform to Aliyun standards: SignatureVersion "
                 "must be 1.0.");
  }
  DISYNC_ASSIGN_OR_RETURN(TimePoint timestamp, ParseTimestamp(*Lookup(params, "Timestamp")));
  DISYNC_RETURN_IF_ERROR(replay_.CheckTimestamp(timestamp));
  DISYNC_ASSIGN_OR_RETURN(Credential credential, FindEnabledKey(access_key_id));
  DISYNC_RETURN_IF_ERROR(VerifyV1(request.method, params, credential.secret));
  DISYNC_RETURN_IF_ERROR(
      replay_.CheckAndRecordNonce(access_key_id, *Lookup(params, "SignatureNonce"), timestamp));
  return Caller{credential.access_key_id, credential.user_id, credential.superuser};
}

}  // namespace disync::openapi
