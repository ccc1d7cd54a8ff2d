// Test-side request signing: builds http::Requests the way the Alibaba Cloud
// clients do (signature v1 in the query or in a form body, ACS3 with
// x-acs-* headers). Unit tests only; the real clients are exercised by the
// SDK integration tests.
#ifndef DISYNC_TESTS_SUPPORT_SIGNING_H_
#define DISYNC_TESTS_SUPPORT_SIGNING_H_

#include <string>

#include "common/time_format.h"
#include "http/message.h"
#include "openapi/params.h"

namespace disync::testing {

struct TestKey {
  std::string id;
  std::string secret;
};

enum class Placement { kQuery, kBody };

struct SignOptions {
  std::string method = "POST";
  std::string action = "ListProjects";
  std::string version = "2020-05-18";
  std::string nonce;           // "" -> a random one
  TimePoint timestamp;         // required
  Placement placement = Placement::kQuery;
  std::string host = "127.0.0.1:8080";
};

// Signature v1: common parameters plus `params`, signed over both.
http::Request SignV1Request(const TestKey& key, const openapi::ParamMap& params,
                            const SignOptions& options);

// ACS3-HMAC-SHA256: `params` in the query (kQuery) or a form body (kBody).
http::Request SignV3Request(const TestKey& key, const openapi::ParamMap& params,
                            const SignOptions& options);

// "a=b&c=d" with every name and value percent-encoded.
std::string EncodeForm(const openapi::ParamMap& params);

}  // namespace disync::testing

#endif  // DISYNC_TESTS_SUPPORT_SIGNING_H_
