// ApiClient: calls disyncd (or any DataWorks-compatible endpoint) over HTTP
// with libcurl, signing each request (signing.h). One call is one request: no
// retries, since every request carries a fresh nonce and timestamp.
//
// Transport failures are Errors: kUnavailable ("cannot reach ENDPOINT: ..."),
// kDeadlineExceeded (no answer within the timeout), kInvalidArgument (an
// endpoint curl cannot use), kCorruption (an answer that is not JSON, or too
// large). An API error (HTTP 4xx/5xx with a Code) is not an Error but an
// ApiResponse whose ok() is false: the caller decides how to report it.
//
// Owns one curl easy handle, reused across calls (keep-alive while polling).
// Not thread-safe: one ApiClient per thread. curl_global_init must have run
// (main does it) before the first ApiClient is made.
#ifndef DISYNC_TOOLS_CLI_CLIENT_H_
#define DISYNC_TOOLS_CLI_CLIENT_H_

#include <chrono>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "tools/cli/signing.h"

namespace disync::cli {

using Json = nlohmann::json;

struct ClientOptions {
  std::string endpoint;  // "http://host:port", as configured
  Credentials credentials;
  SignatureVersion signature = SignatureVersion::kAcs3;
  std::chrono::milliseconds connect_timeout{10000};
  std::chrono::milliseconds timeout{60000};  // the whole exchange
  size_t max_response_bytes = size_t{64} << 20;
};

struct ApiResponse {
  int http_status = 0;
  Json body;  // always a JSON object
  size_t body_bytes = 0;  // as received
  // When the answer had been read in full, before it was parsed (what a
  // benchmark times the server by).
  std::chrono::steady_clock::time_point received;

  // HTTP 2xx. The gateway's error bodies carry Code, Message, RequestId.
  bool ok() const { return http_status >= 200 && http_status < 300; }
  std::string Code() const;
  std::string Message() const;
  std::string RequestId() const;
};

class ApiClient {
 public:
  // kInvalidArgument when the endpoint is not an http(s) URL.
  static Result<std::unique_ptr<ApiClient>> Create(ClientOptions options);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  Result<ApiResponse> Call(const ApiCall& call);

  const std::string& endpoint() const { return options_.endpoint; }

 private:
  struct Curl;
  ApiClient(ClientOptions options, std::string base_url, std::string host,
            std::unique_ptr<Curl> curl);

  ClientOptions options_;
  std::string base_url_;  // scheme://host[:port], no trailing slash
  std::string host_;      // the Host header: host[:port]
  std::unique_ptr<Curl> curl_;
};

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_CLIENT_H_
