#include "connectors/datasource_content.h"

#include <algorithm>
#include <charconv>

namespace disync::connectors {
namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kMaxContentBytes = 64 * 1024;

bool ContainsIgnoreCase(std::string_view haystack, std::string_view needle) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end(),
                     [&](char a, char b) { return lower(a) == lower(b); }) != haystack.end();
}

std::string Pointer(std::string_view key) {
  std::string out = "/";
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

void RequireString(const Json& content, std::string_view key,
                   std::vector<ContentProblem>* problems) {
  auto it = content.find(std::string(key));
  if (it == content.end()) {
    problems->push_back({Pointer(key), "required, a non-empty string"});
  } else if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    problems->push_back({Pointer(key), "expected a non-empty string"});
  }
}

void OptionalString(const Json& content, std::string_view key,
                    std::vector<ContentProblem>* problems) {
  auto it = content.find(std::string(key));
  if (it != content.end() && !it->is_string()) {
    problems->push_back({Pointer(key), "expected a string"});
  }
}

void RequireTagPublic(const Json& content, std::vector<ContentProblem>* problems) {
  auto it = content.find("tag");
  if (it != content.end() && (!it->is_string() || *it != "public")) {
    problems->push_back({"/tag", "expected \"public\" (connection-string mode)"});
  }
}

void CheckJdbc(const Json& content, std::string_view scheme, std::vector<ContentProblem>* problems) {
  RequireTagPublic(content, problems);
  RequireString(content, "jdbcUrl", problems);
  RequireString(content, "username", problems);
  auto pw = content.find("password");
  if (pw == content.end()) {
    problems->push_back({"/password", "required, a string"});
  } else if (!pw->is_string()) {
    problems->push_back({"/password", "expected a string"});
  }
  auto url = content.find("jdbcUrl");
  if (url != content.end() && url->is_string() && !url->get_ref<const std::string&>().empty()) {
    const std::string& text = url->get_ref<const std::string&>();
    std::string prefix = "jdbc:" + std::string(scheme) + "://";
    auto parsed = ParseJdbcUrl(text);
    if (text.rfind(prefix, 0) != 0 || !parsed.ok()) {
      problems->push_back({"/jdbcUrl", "expected " + prefix + "HOST[:PORT][/DATABASE]" +
                                           (parsed.ok() ? "" : " (" + parsed.error().message() + ")")});
    }
  }
}

bool ValidHostPort(std::string_view hp) {
  auto colon = hp.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == hp.size()) return false;
  unsigned port = 0;
  auto digits = hp.substr(colon + 1);
  auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || p != digits.data() + digits.size() || port == 0 || port > 65535) {
    return false;
  }
  for (char c : hp.substr(0, colon)) {
    if (c == ' ' || c == ',' || c == '/') return false;
  }
  return true;
}

void CheckKafka(const Json& content, std::vector<ContentProblem>* problems) {
  RequireTagPublic(content, problems);
  RequireString(content, "bootstrapServers", problems);
  auto it = content.find("bootstrapServers");
  if (it != content.end() && it->is_string() && !it->get_ref<const std::string&>().empty()) {
    std::string_view list = it->get_ref<const std::string&>();
    size_t start = 0;
    while (start <= list.size()) {
      size_t end = list.find(',', start);
      if (end == std::string_view::npos) end = list.size();
      if (!ValidHostPort(list.substr(start, end - start))) {
        problems->push_back({"/bootstrapServers",
                             "expected HOST:PORT[,HOST:PORT...], got \"" +
                                 std::string(list.substr(start, end - start)) + "\""});
        break;
      }
      start = end + 1;
    }
  }
  for (const char* key : {"securityProtocol", "saslMechanism", "username", "password"}) {
    OptionalString(content, key, problems);
  }
  auto props = content.find("properties");
  if (props != content.end()) {
    if (!props->is_object()) {
      problems->push_back({"/properties", "expected an object of string values"});
    } else {
      for (const auto& [k, v] : props->items()) {
        if (!v.is_string()) problems->push_back({"/properties" + Pointer(k), "expected a string"});
      }
    }
  }
}

void CheckOdps(const Json& content, std::vector<ContentProblem>* problems) {
  for (const char* key : {"endpoint", "project", "accessId", "accessKey"}) {
    RequireString(content, key, problems);
  }
  auto ep = content.find("endpoint");
  if (ep != content.end() && ep->is_string()) {
    const std::string& text = ep->get_ref<const std::string&>();
    if (!text.empty() && text.rfind("http://", 0) != 0 && text.rfind("https://", 0) != 0) {
      problems->push_back({"/endpoint", "expected an http:// or https:// URL"});
    }
  }
  auto auth = content.find("authType");
  if (auth != content.end() && !auth->is_number_integer() && !auth->is_string()) {
    problems->push_back({"/authType", "expected a number or a string"});
  }
}

}  // namespace

bool IsCheckedType(std::string_view type) {
  return type == "mysql" || type == "postgresql" || type == "holo" || type == "odps" ||
         type == "kafka";
}

bool IsSecretKey(std::string_view key) {
  return ContainsIgnoreCase(key, "password") || ContainsIgnoreCase(key, "secret") ||
         ContainsIgnoreCase(key, "accesskey") || ContainsIgnoreCase(key, "token") ||
         ContainsIgnoreCase(key, "sasl.jaas.config");
}

Result<Json> ValidateContent(std::string_view type, std::string_view content,
                             std::vector<ContentProblem>* problems) {
  if (content.size() > kMaxContentBytes) {
    problems->push_back({"", "Content is larger than 64 KiB"});
    return ContentError(*problems);
  }
  Json parsed = Json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) {
    problems->push_back({"", "expected a JSON object, got text that is not JSON"});
    return ContentError(*problems);
  }
  if (!parsed.is_object()) {
    problems->push_back({"", "expected a JSON object"});
    return ContentError(*problems);
  }
  if (type == "mysql") CheckJdbc(parsed, "mysql", problems);
  if (type == "postgresql" || type == "holo") CheckJdbc(parsed, "postgresql", problems);
  if (type == "odps") CheckOdps(parsed, problems);
  if (type == "kafka") CheckKafka(parsed, problems);
  if (!problems->empty()) return ContentError(*problems);
  return parsed;
}

Json MaskSecrets(const Json& content) {
  if (content.is_object()) {
    Json out = Json::object();
    for (const auto& [k, v] : content.items()) {
      // Alibaba's accessId names the key, it is not a secret.
      out[k] = (IsSecretKey(k) && !v.is_null() && !v.is_object()) ? Json("***") : MaskSecrets(v);
    }
    return out;
  }
  if (content.is_array()) {
    Json out = Json::array();
    for (const auto& v : content) out.push_back(MaskSecrets(v));
    return out;
  }
  return content;
}

Json MergeMaskedSecrets(const Json& updated, const Json& previous) {
  if (!updated.is_object() || !previous.is_object()) return updated;
  Json out = Json::object();
  for (const auto& [k, v] : updated.items()) {
    auto old = previous.find(k);
    if (IsSecretKey(k) && v.is_string() && v == "***" && old != previous.end()) {
      out[k] = *old;
    } else if (v.is_object() && old != previous.end()) {
      out[k] = MergeMaskedSecrets(v, *old);
    } else {
      out[k] = v;
    }
  }
  return out;
}

Result<ConnectionConfig> ConnectionFor(std::string_view type, const Json& content) {
  if (type != "mysql" && type != "postgresql" && type != "holo") {
    return Error::InvalidArgument("disync cannot connect to data sources of type \"" +
                                  std::string(type) + "\"");
  }
  DISYNC_ASSIGN_OR_RETURN(ConnectionConfig config,
                          ParseJdbcUrl(content.value("jdbcUrl", "")));
  config.user = content.value("username", "");
  config.password = content.value("password", "");
  return config;
}

Error ContentError(const std::vector<ContentProblem>& problems) {
  std::string message = "Content is invalid: ";
  for (size_t i = 0; i < problems.size(); ++i) {
    if (i > 0) message += "; ";
    message += (problems[i].pointer.empty() ? "(root)" : problems[i].pointer) + ": " +
               problems[i].message;
  }
  return {ErrorCode::kInvalidParam, std::move(message)};
}

}  // namespace disync::connectors
