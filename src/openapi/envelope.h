// Response envelopes of the RPC protocol (rpc-protocol.md section 6): the
// success body (RequestId plus the model's fields, no top-level Code) and
// the gateway error body {RequestId, HostId, Code, Message, Recommend}, in
// JSON or, when the request asked Format=XML, in XML. Pure; thread-safe.
#ifndef DISYNC_OPENAPI_ENVELOPE_H_
#define DISYNC_OPENAPI_ENVELOPE_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/error.h"
#include "http/message.h"

namespace disync::openapi {

using Json = nlohmann::ordered_json;

enum class Format { kJson, kXml };

// "XML"/"xml" -> kXml; anything else (absent, "JSON", "json") -> kJson.
Format ParseFormat(std::string_view format_param);

// `fields` is a JSON object of the model's fields, without RequestId; taken
// by value so that a large answer (a TaskContent) is moved, not copied.
http::Response RenderSuccess(std::string_view action, std::string_view request_id,
                             Json fields, Format format);

// Status, Code and Message from error_table.h. The Error's message replaces
// the default text only for client-visible codes; the others get the
// documented generic text.
http::Response RenderError(const Error& error, std::string_view request_id,
                           std::string_view host_id, Format format);

// XML for a JSON object under a root element: arrays repeat their element
// name, strings are escaped, null members are omitted.
std::string ToXml(std::string_view root, const Json& object);

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_ENVELOPE_H_
