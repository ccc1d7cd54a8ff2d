// Fuzzes the ACS3 Authorization parser and canonical request on arbitrary
// headers, query and body: never a crash, and anything parsed verifies or
// is refused with an Error.
#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.h"
#include "openapi/params.h"
#include "openapi/signature.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  // Lines: Authorization, query, then "name:value" headers; a blank line
  // starts the body.
  disync::http::Request request;
  request.method = "POST";
  size_t pos = 0;
  int line = 0;
  std::string authorization;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view l = text.substr(pos, end - pos);
    pos = end + 1;
    if (line == 0) {
      authorization = std::string(l);
    } else if (line == 1) {
      request.target = "/?" + std::string(l);
    } else if (l.empty()) {
      if (pos <= text.size()) request.body = std::string(text.substr(pos));
      break;
    } else {
      auto colon = l.find(':');
      request.headers.emplace_back(std::string(l.substr(0, colon)),
                                   colon == std::string_view::npos ? "" : std::string(l.substr(colon + 1)));
    }
    ++line;
  }
  request.headers.emplace_back("Authorization", authorization);
  auto auth = disync::openapi::ParseAcs3Authorization(authorization);
  auto query = disync::openapi::ParseFormUrlEncoded(request.RawQuery());
  if (!auth.ok() || !query.ok()) return 0;
  auto map = disync::openapi::MergeParams(query.value(), {});
  if (!map.ok()) return 0;
  (void)disync::openapi::CanonicalRequestV3(request, map.value(), auth.value().signed_headers);
  (void)disync::openapi::VerifyV3(request, map.value(), auth.value(), "secret");
  return 0;
}
