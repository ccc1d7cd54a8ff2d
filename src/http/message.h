// Transport-neutral HTTP request and response. The Beast server (server.h)
// turns bytes into a Request and a Response back into bytes; nothing above
// src/http includes Beast. Value types; thread-compatible.
#ifndef DISYNC_HTTP_MESSAGE_H_
#define DISYNC_HTTP_MESSAGE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace disync::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;  // as received, e.g. "POST"
  std::string target;  // origin-form, e.g. "/?Action=ListProjects"
  HeaderList headers;  // names as received, in arrival order
  std::string body;    // de-chunked body bytes
  std::string remote_address;

  // First header named `name` (ASCII case-insensitive), if any.
  std::optional<std::string_view> Header(std::string_view name) const;
  // All values of header `name`, in arrival order.
  std::vector<std::string_view> HeaderValues(std::string_view name) const;
  // Target before '?', and the raw query after it ("" when there is none).
  std::string_view Path() const;
  std::string_view RawQuery() const;
};

// Bytes of a response body held apart from its text (say, a 45 MB
// TaskContent literal), so that they are sent without being copied into it:
// they follow the first `at` bytes of Response::body.
struct BodyPart {
  size_t at = 0;
  std::vector<std::uint8_t> bytes;
};

// Calls fn(data, size) for each piece of the body as sent, in order: the
// text up to a part, the part, ..., the text after the last part.
template <typename Fn>
void ForEachBodyPiece(std::string_view text, const std::vector<BodyPart>& parts, Fn&& fn) {
  size_t from = 0;
  for (const BodyPart& part : parts) {
    fn(text.data() + from, part.at - from);
    fn(part.bytes.data(), part.bytes.size());
    from = part.at;
  }
  fn(text.data() + from, text.size() - from);
}

// The size of the body as sent.
size_t BodySize(std::string_view text, const std::vector<BodyPart>& parts);

struct Response {
  int status = 200;
  std::string content_type = "application/json;charset=utf-8";
  std::string body;
  std::vector<BodyPart> parts;  // in ascending `at`; usually none
  HeaderList headers;           // extra headers

  // The body as sent: `body` with every part in its place.
  std::string JoinedBody() const;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace disync::http

#endif  // DISYNC_HTTP_MESSAGE_H_
