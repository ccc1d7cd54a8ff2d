#include "http/message.h"

namespace disync::http {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::vector<std::string_view> Request::HeaderValues(std::string_view name) const {
  std::vector<std::string_view> out;
  for (const auto& [k, v] : headers) {
    if (EqualsIgnoreCase(k, name)) out.emplace_back(v);
  }
  return out;
}

std::string_view Request::Path() const {
  std::string_view t = target;
  return t.substr(0, t.find('?'));
}

std::string_view Request::RawQuery() const {
  std::string_view t = target;
  size_t q = t.find('?');
  return q == std::string_view::npos ? std::string_view() : t.substr(q + 1);
}

size_t BodySize(std::string_view text, const std::vector<BodyPart>& parts) {
  size_t size = text.size();
  for (const BodyPart& part : parts) size += part.bytes.size();
  return size;
}

std::string Response::JoinedBody() const {
  std::string joined;
  joined.reserve(BodySize(body, parts));
  ForEachBodyPiece(body, parts, [&joined](const void* data, size_t size) {
    joined.append(static_cast<const char*>(data), size);
  });
  return joined;
}

}  // namespace disync::http
