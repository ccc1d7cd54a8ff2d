// The two request signatures of the Alibaba Cloud RPC protocol, server side:
// signature v1 (HMAC-SHA1, rpc-protocol.md section 4) and ACS3-HMAC-SHA256
// (section 5). Each verifier recomputes the signature from the request as
// received and compares in constant time. Pure functions; thread-safe.
//
// Known-answer vectors: ../shared/vectors/signatures.json (unit tests in
// tests/unit/openapi/signature_test.cc).
#ifndef DISYNC_OPENAPI_SIGNATURE_H_
#define DISYNC_OPENAPI_SIGNATURE_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "http/message.h"
#include "openapi/params.h"

namespace disync::openapi {

// ---- primitives (OpenSSL; SHA-256 hex is common/digest.h) ----
std::string HmacSha1Base64(std::string_view key, std::string_view data);
std::string HmacSha256Hex(std::string_view key, std::string_view data);
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// ---- signature v1 ----
// "name=value&..." over every parameter except "Signature", names and values
// percent-encoded, in byte order of the names.
std::string CanonicalizedQueryV1(const ParamMap& params);
// METHOD + "&%2F&" + PercentEncode(canonicalized).
std::string StringToSignV1(std::string_view method, std::string_view canonicalized_query);
// Base64(HMAC-SHA1(secret + "&", string_to_sign)).
std::string SignV1(std::string_view secret, std::string_view string_to_sign);

// Verifies params["Signature"] (a space in it is read back as '+', since an
// unescaped '+' decodes to a space) against the secret. On mismatch returns
// kSignatureDoesNotMatch whose message is the gateway's text followed by the
// server's string to sign; a missing Signature is kIncompleteSignature.
Status VerifyV1(std::string_view method, const ParamMap& params, std::string_view secret);

// ---- ACS3-HMAC-SHA256 ----
struct Acs3Authorization {
  std::string access_key_id;
  std::vector<std::string> signed_headers;  // as listed, lower-case
  std::string signature;                    // lower-case hex
};

// Parses "ACS3-HMAC-SHA256 Credential=ID,SignedHeaders=a;b,Signature=hex"
// (optional spaces after commas). Anything else is kIncompleteSignature.
Result<Acs3Authorization> ParseAcs3Authorization(std::string_view header);

// Query parameters (decoded), sorted, "name=value" with percent-encoded names
// and values, joined by '&'.
std::string CanonicalQueryV3(const ParamMap& query);

// "name:value\n" for each signed header, in the order of `signed_headers`
// sorted, values trimmed, repeated headers sorted and joined by ','. A signed
// header that the request lacks is kIncompleteSignature.
Result<std::string> CanonicalHeadersV3(const http::Request& request,
                                       const std::vector<std::string>& signed_headers);

// The canonical request of section 5.2, with the hash of the raw body.
Result<std::string> CanonicalRequestV3(const http::Request& request, const ParamMap& query,
                                       const std::vector<std::string>& signed_headers);

// "ACS3-HMAC-SHA256\n" + hex(SHA256(canonical_request)).
std::string StringToSignV3(std::string_view canonical_request);
// hex(HMAC-SHA256(secret, string_to_sign)).
std::string SignV3(std::string_view secret, std::string_view string_to_sign);

// Verifies an ACS3 request: x-acs-content-sha256 must equal the SHA-256 of
// the body (else kSignatureDoesNotMatch), then the signature. `query` is the
// decoded query string alone (never the form body).
Status VerifyV3(const http::Request& request, const ParamMap& query,
                const Acs3Authorization& authorization, std::string_view secret);

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_SIGNATURE_H_
