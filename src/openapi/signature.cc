#include "openapi/signature.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <set>

#include "common/digest.h"

namespace disync::openapi {
namespace {

constexpr std::string_view kIncompleteSignatureText =
    "The request signature does not conform to Aliyun standards.";
constexpr std::string_view kSignatureDoesNotMatchText =
    "Specified signature is not matched with our calculation. server string to sign is:";
constexpr std::string_view kAcs3Algorithm = "ACS3-HMAC-SHA256";

// Headers every ACS3 request must sign (rpc-protocol.md section 5.2).
constexpr std::array<std::string_view, 6> kRequiredSignedHeaders = {
    "host",          "x-acs-action",          "x-acs-version",
    "x-acs-date",    "x-acs-signature-nonce", "x-acs-content-sha256",
};

// OpenSSL may treat a null pointer specially even with a zero length (HMAC
// with a null key historically meant "reuse the previous key"), so an empty
// view is always passed as a pointer to a real, empty buffer.
const unsigned char* Bytes(std::string_view s) {
  static constexpr unsigned char kEmpty[1] = {0};
  return s.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(s.data());
}

// OpenSSL 3 looks algorithms up in its provider registry whenever they are
// named by a legacy handle (EVP_sha256()) or by HMAC(): a tenth of a signed
// request's instructions (callgrind). Each thread keeps one HMAC context per
// digest, the digest set once, and only re-keys it (SHA-256 itself:
// common/digest.h).
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

MacCtx NewHmacContext(const char* digest) {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  DISYNC_CHECK(mac != nullptr);
  MacCtx ctx(EVP_MAC_CTX_new(mac));
  DISYNC_CHECK(ctx != nullptr);
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),
      OSSL_PARAM_construct_end()};
  DISYNC_CHECK(EVP_MAC_CTX_set_params(ctx.get(), params) == 1);
  return ctx;
}

// HMAC over `data`; aborts only if OpenSSL itself fails, which is not a
// property of the input.
std::string Hmac(EVP_MAC_CTX* ctx, std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  size_t mac_size = 0;
  DISYNC_CHECK(EVP_MAC_init(ctx, Bytes(key), key.size(), nullptr) == 1);
  DISYNC_CHECK(EVP_MAC_update(ctx, Bytes(data), data.size()) == 1);
  DISYNC_CHECK(EVP_MAC_final(ctx, mac.data(), &mac_size, mac.size()) == 1);
  return std::string(reinterpret_cast<const char*>(mac.data()), mac_size);
}

EVP_MAC_CTX* HmacSha1Context() {
  thread_local const MacCtx ctx = NewHmacContext("SHA1");
  return ctx.get();
}

EVP_MAC_CTX* HmacSha256Context() {
  thread_local const MacCtx ctx = NewHmacContext("SHA256");
  return ctx.get();
}

std::string_view TrimSpaceTab(std::string_view s) {
  size_t begin = s.find_first_not_of(" \t");
  if (begin == std::string_view::npos) return {};
  size_t end = s.find_last_not_of(" \t");
  return s.substr(begin, end - begin + 1);
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Error Incomplete(std::string_view reason) {
  std::string message(kIncompleteSignatureText);
  if (!reason.empty()) {
    message += ' ';
    message += reason;
  }
  return Error(ErrorCode::kIncompleteSignature, std::move(message));
}

Error DoesNotMatch(std::string_view server_string_to_sign) {
  return Error(ErrorCode::kSignatureDoesNotMatch,
               std::string(kSignatureDoesNotMatchText) + std::string(server_string_to_sign));
}

}  // namespace

// ---- primitives ----

std::string HmacSha1Base64(std::string_view key, std::string_view data) {
  std::string mac = Hmac(HmacSha1Context(), key, data);
  // EVP_EncodeBlock writes 4 bytes per started 3 plus a terminating NUL.
  std::string out(4 * ((mac.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), Bytes(mac),
                                static_cast<int>(mac.size()));
  DISYNC_CHECK(written >= 0);
  out.resize(static_cast<size_t>(written));
  return out;
}

std::string HmacSha256Hex(std::string_view key, std::string_view data) {
  std::string mac = Hmac(HmacSha256Context(), key, data);
  return LowerHex(reinterpret_cast<const unsigned char*>(mac.data()), mac.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // The length of a signature is public (fixed by the algorithm); only the
  // contents must not leak through timing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// ---- signature v1 ----

std::string CanonicalizedQueryV1(const ParamMap& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    if (name == "Signature") continue;
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(name);
    out.push_back('=');
    out += PercentEncode(value);
  }
  return out;
}

std::string StringToSignV1(std::string_view method, std::string_view canonicalized_query) {
  std::string out(method);
  out += "&%2F&";
  out += PercentEncode(canonicalized_query);
  return out;
}

std::string SignV1(std::string_view secret, std::string_view string_to_sign) {
  std::string key(secret);
  key.push_back('&');
  return HmacSha1Base64(key, string_to_sign);
}

Status VerifyV1(std::string_view method, const ParamMap& params, std::string_view secret) {
  auto it = params.find("Signature");
  if (it == params.end()) return Incomplete("Signature is missing.");

  // An unescaped '+' of the Base64 text was decoded to a space.
  std::string received = it->second;
  std::replace(received.begin(), received.end(), ' ', '+');

  std::string string_to_sign = StringToSignV1(method, CanonicalizedQueryV1(params));
  std::string expected = SignV1(secret, string_to_sign);
  if (!ConstantTimeEquals(expected, received)) return DoesNotMatch(string_to_sign);
  return OkStatus();
}

// ---- ACS3-HMAC-SHA256 ----

Result<Acs3Authorization> ParseAcs3Authorization(std::string_view header) {
  header = TrimSpaceTab(header);
  size_t algorithm_end = std::min(header.find_first_of(" \t"), header.size());
  if (header.substr(0, algorithm_end) != kAcs3Algorithm) {
    return Incomplete("Authorization is not ACS3-HMAC-SHA256.");
  }
  std::string_view rest = header.substr(algorithm_end);

  std::optional<std::string_view> credential;
  std::optional<std::string_view> signed_headers;
  std::optional<std::string_view> signature;
  while (!rest.empty()) {
    size_t comma = rest.find(',');
    std::string_view part = TrimSpaceTab(rest.substr(0, comma));
    rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);

    size_t eq = part.find('=');
    if (eq == std::string_view::npos) return Incomplete("Malformed Authorization.");
    std::string_view key = part.substr(0, eq);
    std::string_view value = part.substr(eq + 1);
    std::optional<std::string_view>* slot = nullptr;
    if (key == "Credential") {
      slot = &credential;
    } else if (key == "SignedHeaders") {
      slot = &signed_headers;
    } else if (key == "Signature") {
      slot = &signature;
    } else {
      return Incomplete("Malformed Authorization.");
    }
    if (slot->has_value()) return Incomplete("Malformed Authorization.");
    *slot = value;
  }
  if (!credential || credential->empty()) return Incomplete("Credential is missing.");
  if (!signed_headers || signed_headers->empty()) return Incomplete("SignedHeaders is missing.");
  if (!signature || signature->empty()) return Incomplete("Signature is missing.");

  Acs3Authorization out;
  out.access_key_id = std::string(*credential);
  out.signature = ToLowerAscii(*signature);
  std::set<std::string> seen;
  std::string_view names = *signed_headers;
  while (true) {
    size_t semicolon = names.find(';');
    std::string name = ToLowerAscii(names.substr(0, semicolon));
    if (name.empty() || !seen.insert(name).second) {
      return Incomplete("Malformed SignedHeaders.");
    }
    out.signed_headers.push_back(std::move(name));
    if (semicolon == std::string_view::npos) break;
    names = names.substr(semicolon + 1);
  }
  return out;
}

std::string CanonicalQueryV3(const ParamMap& query) {
  std::string out;
  for (const auto& [name, value] : query) {
    if (!out.empty()) out.push_back('&');
    out += PercentEncode(name);
    out.push_back('=');
    out += PercentEncode(value);
  }
  return out;
}

Result<std::string> CanonicalHeadersV3(const http::Request& request,
                                       const std::vector<std::string>& signed_headers) {
  std::vector<std::string> names = signed_headers;
  std::sort(names.begin(), names.end());
  std::string out;
  for (const std::string& name : names) {
    std::vector<std::string_view> values = request.HeaderValues(name);
    if (values.empty()) return Incomplete("Signed header " + name + " is missing.");
    for (std::string_view& value : values) value = TrimSpaceTab(value);
    std::sort(values.begin(), values.end());
    out += name;
    out.push_back(':');
    for (size_t i = 0; i < values.size(); ++i) {
      if (i > 0) out.push_back(',');
      out += values[i];
    }
    out.push_back('\n');
  }
  return out;
}

Result<std::string> CanonicalRequestV3(const http::Request& request, const ParamMap& query,
                                       const std::vector<std::string>& signed_headers) {
  DISYNC_ASSIGN_OR_RETURN(std::string canonical_headers,
                          CanonicalHeadersV3(request, signed_headers));
  std::string_view path = request.Path();
  std::string out = request.method;
  out.push_back('\n');
  out += path.empty() ? std::string_view("/") : path;
  out.push_back('\n');
  out += CanonicalQueryV3(query);
  out.push_back('\n');
  out += canonical_headers;
  out.push_back('\n');
  for (size_t i = 0; i < signed_headers.size(); ++i) {
    if (i > 0) out.push_back(';');
    out += signed_headers[i];
  }
  out.push_back('\n');
  out += Sha256Hex(request.body);
  return out;
}

std::string StringToSignV3(std::string_view canonical_request) {
  std::string out(kAcs3Algorithm);
  out.push_back('\n');
  out += Sha256Hex(canonical_request);
  return out;
}

std::string SignV3(std::string_view secret, std::string_view string_to_sign) {
  return HmacSha256Hex(secret, string_to_sign);
}

Status VerifyV3(const http::Request& request, const ParamMap& query,
                const Acs3Authorization& authorization, std::string_view secret) {
  for (std::string_view required : kRequiredSignedHeaders) {
    if (std::find(authorization.signed_headers.begin(), authorization.signed_headers.end(),
                  required) == authorization.signed_headers.end()) {
      return Incomplete("SignedHeaders must include " + std::string(required) + ".");
    }
  }

  // The signature covers the header, not the body: without this check a
  // replayed header set would authenticate any body.
  std::string body_hash = Sha256Hex(request.body);
  for (std::string_view declared : request.HeaderValues("x-acs-content-sha256")) {
    if (!http::EqualsIgnoreCase(TrimSpaceTab(declared), body_hash)) {
      return Error(ErrorCode::kSignatureDoesNotMatch,
                   "Specified content hash is not matched with our calculation: "
                   "x-acs-content-sha256 is not the SHA-256 of the request body.");
    }
  }

  DISYNC_ASSIGN_OR_RETURN(std::string canonical_request,
                          CanonicalRequestV3(request, query, authorization.signed_headers));
  std::string string_to_sign = StringToSignV3(canonical_request);
  std::string expected = SignV3(secret, string_to_sign);
  if (!ConstantTimeEquals(expected, authorization.signature)) return DoesNotMatch(string_to_sign);
  return OkStatus();
}

}  // namespace disync::openapi
