#include "connectors/connection_config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <utility>

#include <fmt/format.h>

namespace disync::connectors {
namespace {

constexpr std::string_view kExpected =
    "expected jdbc:mysql://host[:port][/database][?params] or "
    "jdbc:postgresql://host[:port][/database][?params]";

struct Scheme {
  std::string_view prefix;
  ConnectionConfig::Kind kind;
  uint16_t default_port;
  // JDBC drivers disagree on the unit of their timeout parameters.
  std::chrono::milliseconds timeout_unit;
};

constexpr Scheme kSchemes[] = {
    {"jdbc:mysql://", ConnectionConfig::Kind::kMysql, 3306, std::chrono::milliseconds(1)},
    {"jdbc:postgresql://", ConnectionConfig::Kind::kPostgres, 5432,
     std::chrono::milliseconds(1000)},
};

Error Invalid(std::string_view what) {
  return Error::InvalidArgument(fmt::format("invalid JDBC URL: {}", what));
}

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  return s.size() >= prefix.size() &&
         std::equal(prefix.begin(), prefix.end(), s.begin(), [](char a, char b) {
           return std::tolower(static_cast<unsigned char>(a)) ==
                  std::tolower(static_cast<unsigned char>(b));
         });
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 percent-decoding ('+' stays '+': this is not a form body).
std::optional<std::string> PercentDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out.push_back(s[i]);
      continue;
    }
    if (i + 2 >= s.size()) return std::nullopt;
    int hi = HexValue(s[i + 1]);
    int lo = HexValue(s[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

bool IsHostNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

bool IsIpv6LiteralChar(char c) {
  return std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.';
}

// "[::1]" with an optional zone ("[fe80::1%eth0]").
bool IsValidIpv6Literal(std::string_view host) {
  size_t zone = host.find('%');
  std::string_view address = host.substr(0, zone);
  if (address.find(':') == std::string_view::npos) return false;
  if (!std::all_of(address.begin(), address.end(), IsIpv6LiteralChar)) return false;
  if (zone == std::string_view::npos) return true;
  std::string_view zone_id = host.substr(zone + 1);
  return !zone_id.empty() && std::all_of(zone_id.begin(), zone_id.end(), IsHostNameChar);
}

Result<uint16_t> ParsePort(std::string_view text) {
  uint32_t port = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), port);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || port == 0 ||
      port > 65535) {
    return Invalid(fmt::format("port \"{}\" is not a number in 1..65535", text));
  }
  return static_cast<uint16_t>(port);
}

Result<std::chrono::milliseconds> ParseTimeout(std::string_view key, std::string_view text,
                                                std::chrono::milliseconds unit) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  const char* unit_name = unit.count() == 1 ? "milliseconds" : "seconds";
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value < 0 ||
      value > 86'400'000 / unit.count()) {
    return Invalid(fmt::format("parameter {} must be a whole number of {} up to one day", key,
                               unit_name));
  }
  return value * unit;
}

// host[:port] or [ipv6][:port].
Status ParseAuthority(std::string_view authority, uint16_t default_port,
                      ConnectionConfig& config) {
  if (authority.find('@') != std::string_view::npos) {
    return Invalid(
        "credentials in the host part are not supported; expected host[:port] "
        "(give user and password separately)");
  }
  if (authority.find(',') != std::string_view::npos) {
    return Invalid("several hosts are not supported; expected a single host[:port]");
  }
  std::string_view host;
  std::string_view rest;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Invalid("unterminated IPv6 address; expected [address][:port]");
    }
    host = authority.substr(1, close - 1);
    if (!IsValidIpv6Literal(host)) {
      return Invalid(fmt::format("\"{}\" is not an IPv6 address; expected [address][:port]",
                                 host));
    }
    rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') {
      return Invalid("expected :port after the IPv6 address");
    }
  } else {
    size_t colon = authority.find(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) rest = authority.substr(colon);
    if (rest.find(':', 1) != std::string_view::npos) {
      return Invalid("an IPv6 host must be written in brackets, e.g. [::1]:5432");
    }
    if (host.empty()) return Invalid(fmt::format("missing host; {}", kExpected));
    if (!std::all_of(host.begin(), host.end(), IsHostNameChar)) {
      return Invalid(fmt::format(
          "\"{}\" is not a host name; expected letters, digits, '-', '.' or '_'", host));
    }
  }
  config.host = std::string(host);
  config.port = default_port;
  if (!rest.empty()) {
    DISYNC_ASSIGN_OR_RETURN(config.port, ParsePort(rest.substr(1)));
  }
  return OkStatus();
}

Status ParseParams(std::string_view query, std::chrono::milliseconds timeout_unit,
                   ConnectionConfig& config) {
  while (!query.empty()) {
    size_t amp = query.find('&');
    std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    if (pair.empty()) continue;
    size_t eq = pair.find('=');
    std::optional<std::string> key = PercentDecode(pair.substr(0, eq));
    if (!key) return Invalid("a parameter name is not valid percent-encoding");
    std::optional<std::string> value =
        PercentDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!value) {
      // The value may be the password: name the key only.
      return Invalid(fmt::format("the value of parameter {} is not valid percent-encoding",
                                 *key));
    }
    if (*key == "user") {
      config.user = std::move(*value);
    } else if (*key == "password") {
      config.password = std::move(*value);
    } else if (*key == "connectTimeout" || *key == "socketTimeout") {
      DISYNC_ASSIGN_OR_RETURN(std::chrono::milliseconds timeout,
                              ParseTimeout(*key, *value, timeout_unit));
      // 0 is "no timeout" to the JDBC drivers; disync always keeps one.
      if (timeout.count() > 0) {
        (*key == "connectTimeout" ? config.connect_timeout : config.read_timeout) = timeout;
      }
    }
  }
  return OkStatus();
}

}  // namespace

std::string_view ToString(ConnectionConfig::Kind kind) {
  switch (kind) {
    case ConnectionConfig::Kind::kMysql: return "mysql";
    case ConnectionConfig::Kind::kPostgres: return "postgresql";
  }
  return "unknown";
}

std::string Endpoint(const ConnectionConfig& config) {
  if (config.host.find(':') != std::string::npos) {
    return fmt::format("[{}]:{}", config.host, config.port);
  }
  return fmt::format("{}:{}", config.host, config.port);
}

Result<ConnectionConfig> ParseJdbcUrl(std::string_view url) {
  const Scheme* scheme = nullptr;
  for (const Scheme& s : kSchemes) {
    if (StartsWithIgnoreCase(url, s.prefix)) scheme = &s;
  }
  if (scheme == nullptr) return Invalid(kExpected);

  ConnectionConfig config;
  config.kind = scheme->kind;
  std::string_view rest = url.substr(scheme->prefix.size());

  size_t authority_end = rest.find_first_of("/?");
  DISYNC_RETURN_IF_ERROR(
      ParseAuthority(rest.substr(0, authority_end), scheme->default_port, config));
  rest = authority_end == std::string_view::npos ? std::string_view()
                                                 : rest.substr(authority_end);

  if (!rest.empty() && rest.front() == '/') {
    size_t query_start = rest.find('?');
    std::string_view path = rest.substr(1, query_start == std::string_view::npos
                                               ? std::string_view::npos
                                               : query_start - 1);
    if (path.find('/') != std::string_view::npos) {
      return Invalid("expected a single database name after host[:port]/");
    }
    std::optional<std::string> database = PercentDecode(path);
    if (!database) return Invalid("the database name is not valid percent-encoding");
    config.database = std::move(*database);
    rest = query_start == std::string_view::npos ? std::string_view()
                                                 : rest.substr(query_start);
  }
  if (!rest.empty()) {
    // Only "?params" can be left: the authority ends at '/' or '?'.
    DISYNC_RETURN_IF_ERROR(ParseParams(rest.substr(1), scheme->timeout_unit, config));
  }
  return config;
}

}  // namespace disync::connectors
