// Fuzzes signature v1 canonicalisation and verification on arbitrary
// parameter sets: never a crash, and a request signed with a secret verifies
// with it.
#include <cstdint>
#include <string_view>

#include "common/check.h"
#include "openapi/params.h"
#include "openapi/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = disync::openapi::ParseFormUrlEncoded(text);
  if (!parsed.ok()) return 0;
  auto params = disync::openapi::MergeParams(parsed.value(), {});
  if (!params.ok()) return 0;
  auto map = params.value();
  (void)disync::openapi::VerifyV1("GET", map, "secret");
  map.erase("Signature");
  std::string sts = disync::openapi::StringToSignV1(
      "POST", disync::openapi::CanonicalizedQueryV1(map));
  map["Signature"] = disync::openapi::SignV1("secret", sts);
  DISYNC_CHECK(disync::openapi::VerifyV1("POST", map, "secret").ok());
  return 0;
}
