#include "openapi/params.h"

#include <set>

namespace disync::openapi {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

// Value of one hex digit, or -1.
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// application/x-www-form-urlencoded decoding of one name or value.
Result<std::string> Decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%') {
      int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (hi < 0 || lo < 0) {
        std::string_view bad = text.substr(i, 3);
        return Error(ErrorCode::kInvalidParameter,
                     "malformed percent-escape \"" + std::string(bad) + "\" in \"" +
                         std::string(text) + "\"");
      }
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsUnreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_' || c == '.' || c == '~';
}

}  // namespace

Result<ParamList> ParseFormUrlEncoded(std::string_view text) {
  ParamList out;
  while (!text.empty()) {
    size_t amp = text.find('&');
    std::string_view segment = text.substr(0, amp);
    text = amp == std::string_view::npos ? std::string_view() : text.substr(amp + 1);
    if (segment.empty()) continue;

    size_t eq = segment.find('=');
    std::string_view raw_name = segment.substr(0, eq);
    std::string_view raw_value =
        eq == std::string_view::npos ? std::string_view() : segment.substr(eq + 1);
    DISYNC_ASSIGN_OR_RETURN(std::string name, Decode(raw_name));
    DISYNC_ASSIGN_OR_RETURN(std::string value, Decode(raw_value));
    out.emplace_back(std::move(name), std::move(value));
  }
  return out;
}

Result<ParamMap> MergeParams(const ParamList& query, const ParamList& body) {
  ParamMap merged;
  for (const ParamList* list : {&query, &body}) {
    // Duplicates are looked for within one list only: across the two, the
    // body deliberately wins (rpc-protocol.md section 1.2).
    std::set<std::string_view> seen;
    for (const auto& [name, value] : *list) {
      if (!seen.insert(name).second) {
        return Error(ErrorCode::kInvalidParameter, "duplicate parameter " + name);
      }
      merged.insert_or_assign(name, value);
    }
  }
  return merged;
}

std::string PercentEncode(std::string_view text) {
  std::string out;
  out.reserve(text.size() * 3);
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (IsUnreserved(c)) {
      out.push_back(ch);
    } else {
      out.push_back('%');
      out.push_back(kUpperHex[c >> 4]);
      out.push_back(kUpperHex[c & 0x0F]);
    }
  }
  return out;
}

}  // namespace disync::openapi
