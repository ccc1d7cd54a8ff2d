// Differential: JsonWriter's escaping of any bytes (sixteen at a time up to
// the next byte that needs care, runs of non-ASCII bytes through nlohmann)
// must equal nlohmann's own dump of the same string, invalid UTF-8 replaced,
// both into a buffer of its own and after a prefix.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/check.h"
#include "common/json_writer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::string expected = nlohmann::ordered_json(text).dump(
      -1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);

  const std::vector<std::uint8_t> literal = disync::JsonStringLiteral(text);
  DISYNC_CHECK(std::string_view(reinterpret_cast<const char*>(literal.data()), literal.size()) ==
               expected);

  std::string out = "[";
  disync::JsonWriter writer(&out);
  writer.String(text);
  DISYNC_CHECK(std::string_view(out).substr(1) == expected);
  return 0;
}
