// Fuzzes the x-www-form-urlencoded parser and the parameter merge: any bytes
// must parse or fail with an Error, never crash; a parsed list re-encodes and
// parses back to the same pairs.
#include <cstdint>
#include <string_view>

#include "common/check.h"
#include "openapi/params.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto split = text.find('\n');
  std::string_view query = text.substr(0, split);
  std::string_view body = split == std::string_view::npos ? std::string_view() : text.substr(split + 1);
  auto q = disync::openapi::ParseFormUrlEncoded(query);
  auto b = disync::openapi::ParseFormUrlEncoded(body);
  if (q.ok() && b.ok()) {
    (void)disync::openapi::MergeParams(q.value(), b.value());
    std::string again;
    for (const auto& [k, v] : q.value()) {
      if (!again.empty()) again += '&';
      again += disync::openapi::PercentEncode(k) + "=" + disync::openapi::PercentEncode(v);
    }
    auto round = disync::openapi::ParseFormUrlEncoded(again);
    DISYNC_CHECK(round.ok());
    // Empty names may be dropped by the parser; compare the rest.
    size_t j = 0;
    for (const auto& pair : q.value()) {
      if (pair.first.empty() && pair.second.empty()) continue;
      while (j < round.value().size() && round.value()[j] != pair) ++j;
      DISYNC_CHECK(j < round.value().size());
    }
  }
  return 0;
}
