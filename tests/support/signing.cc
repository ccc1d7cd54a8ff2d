#include "support/signing.h"

#include "common/digest.h"
#include "common/random.h"
#include "openapi/signature.h"

namespace disync::testing {

std::string EncodeForm(const openapi::ParamMap& params) {
  std::string out;
  for (const auto& [k, v] : params) {
    if (!out.empty()) out += '&';
    out += openapi::PercentEncode(k) + "=" + openapi::PercentEncode(v);
  }
  return out;
}

http::Request SignV1Request(const TestKey& key, const openapi::ParamMap& params,
                            const SignOptions& o) {
  openapi::ParamMap all = params;
  all.emplace("AccessKeyId", key.id);
  all.emplace("Action", o.action);
  all.emplace("Version", o.version);
  all.emplace("Format", "JSON");
  all.emplace("SignatureMethod", "HMAC-SHA1");
  all.emplace("SignatureVersion", "1.0");
  all.emplace("SignatureNonce", o.nonce.empty() ? RandomHex(16) : o.nonce);
  all.emplace("Timestamp", FormatIso8601Utc(o.timestamp));
  std::string sts = openapi::StringToSignV1(o.method, openapi::CanonicalizedQueryV1(all));
  all["Signature"] = openapi::SignV1(key.secret, sts);

  http::Request r;
  r.method = o.method;
  r.headers.emplace_back("host", o.host);
  if (o.placement == Placement::kBody) {
    r.target = "/";
    r.body = EncodeForm(all);
    r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  } else {
    r.target = "/?" + EncodeForm(all);
  }
  return r;
}

http::Request SignV3Request(const TestKey& key, const openapi::ParamMap& params,
                            const SignOptions& o) {
  http::Request r;
  r.method = o.method;
  openapi::ParamMap query;
  if (o.placement == Placement::kBody) {
    r.body = EncodeForm(params);
    r.target = "/";
    r.headers.emplace_back("content-type", "application/x-www-form-urlencoded");
  } else {
    query = params;
    r.target = params.empty() ? "/" : "/?" + EncodeForm(params);
  }
  r.headers.emplace_back("host", o.host);
  r.headers.emplace_back("x-acs-action", o.action);
  r.headers.emplace_back("x-acs-version", o.version);
  r.headers.emplace_back("x-acs-date", FormatIso8601Utc(o.timestamp));
  r.headers.emplace_back("x-acs-signature-nonce", o.nonce.empty() ? RandomHex(16) : o.nonce);
  r.headers.emplace_back("x-acs-content-sha256", Sha256Hex(r.body));
  std::vector<std::string> signed_headers = {"host", "x-acs-action", "x-acs-content-sha256",
                                             "x-acs-date", "x-acs-signature-nonce",
                                             "x-acs-version"};
  if (o.placement == Placement::kBody) signed_headers.insert(signed_headers.begin(), "content-type");
  auto canonical = openapi::CanonicalRequestV3(r, query, signed_headers);
  std::string signature = openapi::SignV3(key.secret, openapi::StringToSignV3(canonical.value()));
  std::string names;
  for (const auto& h : signed_headers) names += (names.empty() ? "" : ";") + h;
  r.headers.emplace_back("Authorization", "ACS3-HMAC-SHA256 Credential=" + key.id +
                                              ",SignedHeaders=" + names + ",Signature=" + signature);
  return r;
}

}  // namespace disync::testing
