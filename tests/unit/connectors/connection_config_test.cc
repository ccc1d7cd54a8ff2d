#include "connectors/connection_config.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "connectors/introspector.h"

namespace disync::connectors {
namespace {

using std::chrono::milliseconds;
using Kind = ConnectionConfig::Kind;

struct ValidCase {
  const char* url;
  Kind kind;
  const char* host;
  uint16_t port;
  const char* database;
  const char* user = "";
  const char* password = "";
  milliseconds connect_timeout{5000};
  milliseconds read_timeout{30000};
};

TEST(ParseJdbcUrl, AcceptsTheDocumentedForms) {
  const ValidCase cases[] = {
      {"jdbc:mysql://db.example.com:3307/shop", Kind::kMysql, "db.example.com", 3307, "shop"},
      {"jdbc:mysql://db.example.com/shop", Kind::kMysql, "db.example.com", 3306, "shop"},
      {"jdbc:mysql://db.example.com", Kind::kMysql, "db.example.com", 3306, ""},
      {"jdbc:mysql://db.example.com/", Kind::kMysql, "db.example.com", 3306, ""},
      {"jdbc:mysql://10.0.0.5:3306?useSSL=false", Kind::kMysql, "10.0.0.5", 3306, ""},
      {"jdbc:mysql://h:1/db?useSSL=false&characterEncoding=utf8", Kind::kMysql, "h", 1, "db"},
      {"jdbc:mysql://[::1]:3307/db", Kind::kMysql, "::1", 3307, "db"},
      {"jdbc:mysql://[::1]/db", Kind::kMysql, "::1", 3306, "db"},
      {"jdbc:mysql://[fe80::1%eth0]:3306/db", Kind::kMysql, "fe80::1%eth0", 3306, "db"},
      {"jdbc:mysql://[2001:db8::10.1.2.3]", Kind::kMysql, "2001:db8::10.1.2.3", 3306, ""},
      {"jdbc:mysql://my_host-1.internal:65535/d", Kind::kMysql, "my_host-1.internal", 65535,
       "d"},
      {"JDBC:MySQL://h/db", Kind::kMysql, "h", 3306, "db"},
      {"jdbc:mysql://h/my%20db", Kind::kMysql, "h", 3306, "my db"},
      {"jdbc:postgresql://xxxx:1921/ssss", Kind::kPostgres, "xxxx", 1921, "ssss"},
      {"jdbc:postgresql://pg.local/app", Kind::kPostgres, "pg.local", 5432, "app"},
      {"jdbc:postgresql://pg.local", Kind::kPostgres, "pg.local", 5432, ""},
      {"jdbc:postgresql://[::1]/app?sslmode=disable", Kind::kPostgres, "::1", 5432, "app"},
      {"jdbc:mysql://h/db?user=u1&password=p%26ss%3Dw0rd", Kind::kMysql, "h", 3306, "db", "u1",
       "p&ss=w0rd"},
      // MySQL's JDBC timeouts are milliseconds, PostgreSQL's are seconds.
      {"jdbc:mysql://h/db?connectTimeout=1500&socketTimeout=60000", Kind::kMysql, "h", 3306,
       "db", "", "", milliseconds(1500), milliseconds(60000)},
      {"jdbc:postgresql://h/db?connectTimeout=3&socketTimeout=20", Kind::kPostgres, "h", 5432,
       "db", "", "", milliseconds(3000), milliseconds(20000)},
      // 0 means "no timeout" to the JDBC drivers; disync keeps its default.
      {"jdbc:mysql://h/db?connectTimeout=0", Kind::kMysql, "h", 3306, "db"},
      {"jdbc:mysql://h/db?&&flag", Kind::kMysql, "h", 3306, "db"},
  };
  for (const ValidCase& c : cases) {
    SCOPED_TRACE(c.url);
    Result<ConnectionConfig> config = ParseJdbcUrl(c.url);
    ASSERT_TRUE(config.ok()) << config.error().message();
    EXPECT_EQ(config->kind, c.kind);
    EXPECT_EQ(config->host, c.host);
    EXPECT_EQ(config->port, c.port);
    EXPECT_EQ(config->database, c.database);
    EXPECT_EQ(config->user, c.user);
    EXPECT_EQ(config->password, c.password);
    EXPECT_EQ(config->connect_timeout, c.connect_timeout);
    EXPECT_EQ(config->read_timeout, c.read_timeout);
  }
}

struct InvalidCase {
  const char* url;
  const char* message;  // the whole error message
};

TEST(ParseJdbcUrl, RejectsWithAMessageSayingWhatWasExpected) {
  const std::string expected =
      "expected jdbc:mysql://host[:port][/database][?params] or "
      "jdbc:postgresql://host[:port][/database][?params]";
  const InvalidCase cases[] = {
      {"", ""},
      {"mysql://h/db", ""},
      {"jdbc:sqlserver://h:1433;DatabaseName=x", ""},
      {"jdbc:oracle:thin:@h:1521:PROD", ""},
      {"jdbc:mysql:/h/db", ""},
      {"jdbc:mysql://", "missing host; "},
      {"jdbc:mysql:///db", "missing host; "},
      {"jdbc:mysql://:3306/db", "missing host; "},
      {"jdbc:mysql://h:/db", "port \"\" is not a number in 1..65535"},
      {"jdbc:mysql://h:0/db", "port \"0\" is not a number in 1..65535"},
      {"jdbc:mysql://h:65536/db", "port \"65536\" is not a number in 1..65535"},
      {"jdbc:mysql://h:33a/db", "port \"33a\" is not a number in 1..65535"},
      {"jdbc:mysql://h:-1/db", "port \"-1\" is not a number in 1..65535"},
      {"jdbc:mysql://::1/db", "an IPv6 host must be written in brackets, e.g. [::1]:5432"},
      {"jdbc:mysql://[::1/db", "unterminated IPv6 address; expected [address][:port]"},
      {"jdbc:mysql://[]:3306/db", "\"\" is not an IPv6 address; expected [address][:port]"},
      {"jdbc:mysql://[db.example.com]/db",
       "\"db.example.com\" is not an IPv6 address; expected [address][:port]"},
      {"jdbc:mysql://[::1]x/db", "expected :port after the IPv6 address"},
      {"jdbc:mysql://[::1]:99999/db", "port \"99999\" is not a number in 1..65535"},
      {"jdbc:mysql://h o/db",
       "\"h o\" is not a host name; expected letters, digits, '-', '.' or '_'"},
      {"jdbc:mysql://h1,h2/db", "several hosts are not supported; expected a single host[:port]"},
      {"jdbc:mysql://u:secret@h/db",
       "credentials in the host part are not supported; expected host[:port] (give user and "
       "password separately)"},
      {"jdbc:mysql://h/db/extra", "expected a single database name after host[:port]/"},
      {"jdbc:mysql://h/d%zz", "the database name is not valid percent-encoding"},
      {"jdbc:mysql://h/d%4", "the database name is not valid percent-encoding"},
      {"jdbc:mysql://h/db?password=se%cret",
       "the value of parameter password is not valid percent-encoding"},
      {"jdbc:mysql://h/db?connectTimeout=soon",
       "parameter connectTimeout must be a whole number of milliseconds up to one day"},
      {"jdbc:postgresql://h/db?socketTimeout=-5",
       "parameter socketTimeout must be a whole number of seconds up to one day"},
      {"jdbc:postgresql://h/db?socketTimeout=86401",
       "parameter socketTimeout must be a whole number of seconds up to one day"},
  };
  for (const InvalidCase& c : cases) {
    SCOPED_TRACE(c.url);
    Result<ConnectionConfig> config = ParseJdbcUrl(c.url);
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.error().code(), ErrorCode::kInvalidArgument);
    std::string want = std::string(c.message).empty()
                           ? "invalid JDBC URL: " + expected
                           : "invalid JDBC URL: " + std::string(c.message);
    if (std::string(c.message) == "missing host; ") want += expected;
    EXPECT_EQ(config.error().message(), want);
  }
}

TEST(ParseJdbcUrl, NeverRepeatsThePassword) {
  const char* urls[] = {
      "jdbc:mysql://root:hunter2@h/db",
      "jdbc:mysql://h/db?password=hunter2%",
      "jdbc:mysql://h:x/db?password=hunter2",
      "jdbc:postgresql://h/db/x?password=hunter2",
  };
  for (const char* url : urls) {
    Result<ConnectionConfig> config = ParseJdbcUrl(url);
    ASSERT_FALSE(config.ok()) << url;
    EXPECT_EQ(config.error().message().find("hunter2"), std::string::npos)
        << config.error().message();
  }
}

TEST(Endpoint, BracketsIpv6Hosts) {
  ConnectionConfig config;
  config.host = "::1";
  config.port = 3306;
  EXPECT_EQ(Endpoint(config), "[::1]:3306");
  config.host = "db.example.com";
  config.port = 5432;
  EXPECT_EQ(Endpoint(config), "db.example.com:5432");
  EXPECT_EQ(ToString(ConnectionConfig::Kind::kMysql), "mysql");
  EXPECT_EQ(ToString(ConnectionConfig::Kind::kPostgres), "postgresql");
}

TEST(Redact, ReplacesEveryOccurrence) {
  struct Case {
    const char* message;
    const char* secret;
    const char* want;
  };
  const Case cases[] = {
      {"no secret here", "pw", "no secret here"},
      {"a pw b pw", "pw", "a *** b ***"},
      {"pwpw", "pw", "******"},
      {"anything", "", "anything"},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(internal::Redact(c.message, c.secret), c.want) << c.message;
  }
}

TEST(SelectRequested, KeepsRequestOrderAndNamesEveryMissingTable) {
  std::map<std::string, TableSchema> found;
  for (const char* name : {"a", "b", "c"}) {
    TableSchema t;
    t.name = name;
    found[name] = t;
  }
  auto names = [](const std::vector<TableSchema>& tables) {
    std::vector<std::string> out;
    for (const TableSchema& t : tables) out.push_back(t.name);
    return out;
  };
  struct Case {
    std::vector<std::string> requested;
    std::vector<std::string> want;
    std::string error;  // empty: success
  };
  const Case cases[] = {
      {{}, {"a", "b", "c"}, ""},
      {{"c", "a"}, {"c", "a"}, ""},
      {{"b", "b", "a"}, {"b", "a"}, ""},
      {{"a", "x", "b", "y"}, {}, "table(s) not found in database `db`: x, y"},
      {{"z"}, {}, "table(s) not found in database `db`: z"},
  };
  for (const Case& c : cases) {
    std::vector<std::pair<size_t, size_t>> calls;
    auto record = [&](size_t done, size_t total) { calls.emplace_back(done, total); };
    auto result = internal::SelectRequested(found, c.requested, "db", record);
    if (c.error.empty()) {
      ASSERT_TRUE(result.ok()) << result.error().message();
      EXPECT_EQ(names(*result), c.want);
      ASSERT_EQ(calls.size(), c.want.size());
      EXPECT_EQ(calls.back(), std::make_pair(c.want.size(), c.want.size()));
    } else {
      ASSERT_FALSE(result.ok());
      EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
      EXPECT_EQ(result.error().message(), c.error);
    }
  }
}

}  // namespace
}  // namespace disync::connectors
