// ConnectionConfig: where and how a connector reaches a source database, and
// ParseJdbcUrl, which reads the `jdbcUrl` of a connection-string data source
// (datasources.md, `"tag":"public"`) into one.
//
// The config owns its strings, the password included. The password is never
// written to a message or a log: every error built here or by the drivers
// names the host, port, database and user only.
//
// Thread-safety: a value type; ParseJdbcUrl is a pure function.
#ifndef DISYNC_CONNECTORS_CONNECTION_CONFIG_H_
#define DISYNC_CONNECTORS_CONNECTION_CONFIG_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace disync::connectors {

struct ConnectionConfig {
  enum class Kind { kMysql, kPostgres };

  Kind kind = Kind::kMysql;
  std::string host;  // a name or an IP address; IPv6 without brackets
  uint16_t port = 0;
  std::string database;  // empty: the driver's default
  std::string user;
  std::string password;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{30000};
};

// "mysql" / "postgresql", as in the JDBC URL.
std::string_view ToString(ConnectionConfig::Kind kind);

// "host:port", with IPv6 hosts in brackets ("[::1]:3306"), for messages.
std::string Endpoint(const ConnectionConfig& config);

// Parses
//   jdbc:mysql://host[:port][/database][?params]        (default port 3306)
//   jdbc:postgresql://host[:port][/database][?params]   (default port 5432)
// where host may be an IPv6 literal in brackets. The database and parameter
// values are percent-decoded. Of the parameters, `user` and `password` fill
// the credentials, and the driver's own timeouts are honoured
// (MySQL connectTimeout/socketTimeout in milliseconds, PostgreSQL
// connectTimeout/socketTimeout in seconds); others are ignored.
// Errors are kInvalidArgument and say what was expected; they never repeat
// the URL (it may hold a password).
Result<ConnectionConfig> ParseJdbcUrl(std::string_view url);

}  // namespace disync::connectors

#endif  // DISYNC_CONNECTORS_CONNECTION_CONFIG_H_
