// Client-side request signing for the Alibaba Cloud RPC protocol
// (rpc-protocol.md sections 4 and 5): where the parameters travel, the common
// parameters or x-acs-* headers of each scheme, and the signature, computed
// with the same canonicalisation code the server verifies with
// (src/openapi/signature.h). Transport-free: the result is a request that
// client.h sends as is.
//
// Pure functions (time and nonce are arguments); thread-safe.
#ifndef DISYNC_TOOLS_CLI_SIGNING_H_
#define DISYNC_TOOLS_CLI_SIGNING_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/time_format.h"
#include "http/message.h"
#include "openapi/params.h"

namespace disync::cli {

inline constexpr std::string_view kApiVersion = "2020-05-18";

// ACS3-HMAC-SHA256 (what the generated SDKs send) or signature v1 (HMAC-SHA1).
enum class SignatureVersion { kAcs3, kV1 };
std::string_view ToString(SignatureVersion version);  // "acs3", "v1"
std::optional<SignatureVersion> ParseSignatureVersion(std::string_view text);

enum class HttpMethod { kGet, kPost, kPut };
std::string_view ToString(HttpMethod method);  // "GET", "POST", "PUT"
std::optional<HttpMethod> ParseHttpMethod(std::string_view text);  // any case

struct Credentials {
  std::string access_key_id;
  std::string access_key_secret;
};

struct ApiCall {
  std::string action;
  openapi::ParamMap params;  // business parameters, decoded values
  HttpMethod method = HttpMethod::kPost;
};

// What goes on the wire. `target` is origin-form ("/" or "/?a=1&b=2");
// `headers` include host and, with a body, content-type.
struct SignedRequest {
  std::string method;
  std::string target;
  http::HeaderList headers;
  std::string body;
};

// Names the protocol reserves (Action, Version, AccessKeyId, Signature*,
// Timestamp, Format, ...): a business parameter of that name is refused.
bool IsReservedParameter(std::string_view name);

// Places the business parameters (GET: all in the query; POST and PUT: in an
// x-www-form-urlencoded body), adds what the scheme needs and signs:
//   kAcs3: x-acs-action, x-acs-version, x-acs-date, x-acs-signature-nonce,
//          x-acs-content-sha256 and Authorization; the query holds only
//          business parameters (GET).
//   kV1:   Action, Version, Format=JSON, AccessKeyId, SignatureMethod,
//          SignatureVersion, SignatureNonce, Timestamp and Signature in the
//          query; the signature covers query and body parameters.
// `host` is the Host header value, with the port when the endpoint names one.
// A reserved parameter name is kInvalidArgument.
Result<SignedRequest> SignRequest(const ApiCall& call, std::string_view host,
                                  const Credentials& credentials, SignatureVersion version,
                                  TimePoint now, std::string_view nonce);

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_SIGNING_H_
