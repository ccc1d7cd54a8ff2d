#include "tools/cli/signing.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>
#include <vector>

#include "common/digest.h"
#include "openapi/signature.h"

namespace disync::cli {
namespace {

constexpr std::string_view kFormContentType = "application/x-www-form-urlencoded";

constexpr std::array<std::string_view, 12> kReserved = {
    "Action",          "Version",          "AccessKeyId",    "Signature",
    "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType",
    "Timestamp",       "Format",           "SecurityToken",  "BearerToken"};

// "a=1&b=2" with names and values percent-encoded (RFC 3986): valid
// x-www-form-urlencoded, and what both canonical forms encode the same way.
std::string EncodeForm(const openapi::ParamMap& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (!out.empty()) out.push_back('&');
    out += openapi::PercentEncode(name);
    out.push_back('=');
    out += openapi::PercentEncode(value);
  }
  return out;
}

std::string Target(const std::string& query) { return query.empty() ? "/" : "/?" + query; }

Result<SignedRequest> SignAcs3(const ApiCall& call, std::string_view host,
                               const Credentials& credentials, TimePoint now,
                               std::string_view nonce) {
  SignedRequest out;
  out.method = std::string(ToString(call.method));
  openapi::ParamMap query;
  if (call.method == HttpMethod::kGet) {
    query = call.params;
  } else {
    out.body = EncodeForm(call.params);
  }
  out.target = Target(EncodeForm(query));

  // Every header that takes part in the signature, by lower-case name.
  std::vector<std::pair<std::string, std::string>> signed_headers = {
      {"host", std::string(host)},
      {"x-acs-action", call.action},
      {"x-acs-version", std::string(kApiVersion)},
      {"x-acs-date", FormatIso8601Utc(now)},
      {"x-acs-signature-nonce", std::string(nonce)},
      {"x-acs-content-sha256", Sha256Hex(out.body)},
  };
  if (!out.body.empty()) signed_headers.emplace_back("content-type", kFormContentType);
  std::sort(signed_headers.begin(), signed_headers.end());

  http::Request request;
  request.method = out.method;
  request.target = out.target;
  request.body = out.body;
  std::vector<std::string> names;
  std::string names_joined;
  for (const auto& [name, value] : signed_headers) {
    request.headers.emplace_back(name, value);
    names.push_back(name);
    if (!names_joined.empty()) names_joined.push_back(';');
    names_joined += name;
  }
  DISYNC_ASSIGN_OR_RETURN(std::string canonical, openapi::CanonicalRequestV3(request, query, names));
  std::string signature = openapi::SignV3(credentials.access_key_secret,
                                          openapi::StringToSignV3(canonical));
  out.headers = std::move(request.headers);
  out.headers.emplace_back("authorization", "ACS3-HMAC-SHA256 Credential=" +
                                                credentials.access_key_id +
                                                ",SignedHeaders=" + names_joined +
                                                ",Signature=" + signature);
  out.headers.emplace_back("accept", "application/json");
  return out;
}

SignedRequest SignV1(const ApiCall& call, std::string_view host, const Credentials& credentials,
                     TimePoint now, std::string_view nonce) {
  SignedRequest out;
  out.method = std::string(ToString(call.method));
  openapi::ParamMap query = {
      {"AccessKeyId", credentials.access_key_id},
      {"Action", call.action},
      {"Format", "JSON"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", std::string(nonce)},
      {"SignatureVersion", "1.0"},
      {"Timestamp", FormatIso8601Utc(now)},
      {"Version", std::string(kApiVersion)},
  };
  // The signature covers the merge of query and body parameters.
  openapi::ParamMap signed_params = query;
  for (const auto& [name, value] : call.params) signed_params.emplace(name, value);
  if (call.method == HttpMethod::kGet) {
    query = signed_params;
  } else {
    out.body = EncodeForm(call.params);
  }
  std::string string_to_sign = openapi::StringToSignV1(
      out.method, openapi::CanonicalizedQueryV1(signed_params));
  query.emplace("Signature", openapi::SignV1(credentials.access_key_secret, string_to_sign));
  out.target = Target(EncodeForm(query));
  out.headers.emplace_back("host", std::string(host));
  if (!out.body.empty()) out.headers.emplace_back("content-type", kFormContentType);
  out.headers.emplace_back("accept", "application/json");
  return out;
}

}  // namespace

std::string_view ToString(SignatureVersion version) {
  switch (version) {
    case SignatureVersion::kAcs3: return "acs3";
    case SignatureVersion::kV1: return "v1";
  }
  return "acs3";
}

std::optional<SignatureVersion> ParseSignatureVersion(std::string_view text) {
  if (text == "acs3" || text == "v3" || text == "ACS3-HMAC-SHA256") return SignatureVersion::kAcs3;
  if (text == "v1" || text == "HMAC-SHA1") return SignatureVersion::kV1;
  return std::nullopt;
}

std::string_view ToString(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet: return "GET";
    case HttpMethod::kPost: return "POST";
    case HttpMethod::kPut: return "PUT";
  }
  return "POST";
}

std::optional<HttpMethod> ParseHttpMethod(std::string_view text) {
  std::string upper;
  for (char ch : text) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(ch))));
  if (upper == "GET") return HttpMethod::kGet;
  if (upper == "POST") return HttpMethod::kPost;
  if (upper == "PUT") return HttpMethod::kPut;
  return std::nullopt;
}

bool IsReservedParameter(std::string_view name) {
  return std::find(kReserved.begin(), kReserved.end(), name) != kReserved.end();
}

Result<SignedRequest> SignRequest(const ApiCall& call, std::string_view host,
                                  const Credentials& credentials, SignatureVersion version,
                                  TimePoint now, std::string_view nonce) {
  for (const auto& [name, value] : call.params) {
    if (IsReservedParameter(name)) {
      return Error::InvalidArgument("--" + name + " is a protocol parameter that disync sets itself");
    }
  }
  if (version == SignatureVersion::kV1) return SignV1(call, host, credentials, now, nonce);
  return SignAcs3(call, host, credentials, now, nonce);
}

}  // namespace disync::cli
