// PartsBody: a Beast Body for a Response's body and its parts
// (message.h: BodyPart), written as one buffer sequence: the text around the
// parts and the parts themselves, none of them copied.
//
// Internal to src/http (includes Beast). Serialising only: the request
// parser keeps string_body.
#ifndef DISYNC_HTTP_PARTS_BODY_H_
#define DISYNC_HTTP_PARTS_BODY_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>

#include "http/message.h"

namespace disync::http {

struct PartsBody {
  struct value_type {
    std::string text;
    std::vector<BodyPart> parts;  // ascending `at`, each at most text.size()
  };

  static std::uint64_t size(const value_type& body) { return BodySize(body.text, body.parts); }

  class writer {
   public:
    using const_buffers_type = std::vector<boost::asio::const_buffer>;

    template <bool isRequest, class Fields>
    writer(const boost::beast::http::header<isRequest, Fields>& /*header*/, const value_type& body)
        : body_(body) {}

    void init(boost::beast::error_code& ec) { ec = {}; }

    // The whole body at once.
    boost::optional<std::pair<const_buffers_type, bool>> get(boost::beast::error_code& ec) {
      ec = {};
      const_buffers_type buffers;
      buffers.reserve(2 * body_.parts.size() + 1);
      ForEachBodyPiece(body_.text, body_.parts, [&buffers](const void* data, size_t size) {
        buffers.emplace_back(data, size);
      });
      return {{std::move(buffers), false}};
    }

   private:
    const value_type& body_;
  };
};

}  // namespace disync::http

#endif  // DISYNC_HTTP_PARTS_BODY_H_
