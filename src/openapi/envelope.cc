#include "openapi/envelope.h"

#include "common/json_writer.h"
#include "http/message.h"
#include "openapi/error_table.h"

namespace disync::openapi {
namespace {

constexpr std::string_view kJsonType = "application/json;charset=utf-8";
// Exactly this value: the SDKs only parse an XML error body with it.
constexpr std::string_view kXmlType = "text/xml;charset=utf-8";

void AppendEscaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += c;
    }
  }
}

void AppendScalar(std::string& out, const Json& v) {
  if (v.is_string()) {
    AppendEscaped(out, v.get_ref<const std::string&>());
  } else {
    AppendEscaped(out, v.dump());
  }
}

void AppendElement(std::string& out, std::string_view name, const Json& v) {
  if (v.is_null()) return;
  if (v.is_array()) {
    for (const auto& item : v) AppendElement(out, name, item);
    return;
  }
  out += '<';
  out += name;
  out += '>';
  if (v.is_object()) {
    for (const auto& [k, item] : v.items()) AppendElement(out, k, item);
  } else {
    AppendScalar(out, v);
  }
  out += "</";
  out += name;
  out += '>';
}

// nlohmann's compact dump, byte for byte (invalid UTF-8 in stored text
// becomes U+FFFD rather than aborting the answer), at a fraction of the
// cost for a long string such as a TaskContent (common/json_writer.h).
std::string Dump(const Json& j) {
  std::string out;
  JsonWriter writer(&out);
  writer.Value(j);
  return out;
}

}  // namespace

Format ParseFormat(std::string_view format_param) {
  return http::EqualsIgnoreCase(format_param, "xml") ? Format::kXml : Format::kJson;
}

std::string ToXml(std::string_view root, const Json& object) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
  AppendElement(out, root, object);
  return out;
}

http::Response RenderSuccess(std::string_view action, std::string_view request_id,
                             Json fields, Format format) {
  Json body = Json::object();
  body["RequestId"] = request_id;
  for (auto& [k, v] : fields.items()) {
    if (k != "RequestId") body[k] = std::move(v);
  }
  http::Response response;
  response.status = 200;
  if (format == Format::kXml) {
    response.content_type = kXmlType;
    response.body = ToXml(std::string(action) + "Response", body);
  } else {
    response.content_type = kJsonType;
    // A pre-rendered TaskContent travels as a part of its own, uncopied.
    std::vector<JsonSplice> splices;
    JsonWriter(&response.body, &splices).Value(std::move(body));
    response.parts.reserve(splices.size());
    for (JsonSplice& splice : splices) {
      response.parts.push_back({splice.at, std::move(splice.text)});
    }
  }
  return response;
}

http::Response RenderError(const Error& error, std::string_view request_id,
                           std::string_view host_id, Format format) {
  ApiErrorInfo info = Describe(error.code());
  std::string message = IsClientVisible(error.code()) && !error.message().empty()
                            ? error.message()
                            : std::string(info.default_message);
  Json body = Json::object();
  body["RequestId"] = request_id;
  body["HostId"] = host_id;
  body["Code"] = info.code;
  body["Message"] = message;
  body["Recommend"] = "https://api.aliyun.com/troubleshoot?q=" + std::string(info.code) +
                      "&product=dataworks-public&requestId=" + std::string(request_id);
  http::Response response;
  response.status = info.http_status;
  if (format == Format::kXml) {
    response.content_type = kXmlType;
    response.body = ToXml("Error", body);
  } else {
    response.content_type = kJsonType;
    response.body = Dump(body);
  }
  return response;
}

}  // namespace disync::openapi
