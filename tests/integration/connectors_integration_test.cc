// The connectors against real servers: MariaDB/MySQL given by
// DISYNC_TEST_MYSQL_{HOST,PORT,USER,PASSWORD} and PostgreSQL given by
// DISYNC_TEST_PG_{HOST,PORT,USER,PASSWORD} (scripts/test-services.sh starts
// both and writes the variables). Without them the server tests skip with a
// loud message, or fail when CI is set. Each test creates its own uniquely
// named database(s) and drops them afterwards.
//
// The connect-failure tests need no server: they use a port nobody listens
// on, and a listener that never answers.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <mysql.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "common/random.h"
#include "connectors/connection_config.h"
#include "connectors/introspector.h"

namespace disync::connectors {
namespace {

using std::chrono::milliseconds;

// ------------------------------------------------------------------ helpers

struct ServerEnv {
  std::string host;
  uint16_t port = 0;
  std::string user;
  std::string password;
};

std::optional<ServerEnv> ReadServerEnv(const std::string& prefix) {
  const char* host = std::getenv((prefix + "HOST").c_str());
  const char* port = std::getenv((prefix + "PORT").c_str());
  const char* user = std::getenv((prefix + "USER").c_str());
  const char* password = std::getenv((prefix + "PASSWORD").c_str());
  if (host == nullptr || port == nullptr || user == nullptr || password == nullptr ||
      *host == '\0' || *port == '\0') {
    return std::nullopt;
  }
  return ServerEnv{host, static_cast<uint16_t>(std::atoi(port)), user, password};
}

std::string NoServerMessage(const std::string& what, const std::string& prefix) {
  return fmt::format(
      "\n*********************************************************************\n"
      "*** NO {} TEST SERVER: set {}HOST, {}PORT, {}USER, {}PASSWORD\n"
      "*** (scripts/test-services.sh start DIR && . DIR/env, or run\n"
      "*** scripts/run-tests.sh). With CI set this is a failure.\n"
      "*********************************************************************",
      what, prefix, prefix, prefix, prefix);
}

// GTEST_SKIP()s or, when CI is set, FAIL()s a test whose server is missing.
#define DISYNC_REQUIRE_SERVER(env, what, prefix)                       \
  do {                                                                 \
    env = ReadServerEnv(prefix);                                       \
    if (!env) {                                                        \
      if (std::getenv("CI") != nullptr) {                              \
        FAIL() << NoServerMessage(what, prefix);                       \
      }                                                                \
      std::cerr << NoServerMessage(what, prefix) << std::endl;         \
      GTEST_SKIP() << NoServerMessage(what, prefix);                   \
    }                                                                  \
  } while (0)

std::string UniqueName(const std::string& prefix) { return prefix + RandomHex(6); }

// The body of a single-quoted SQL string literal.
std::string SqlString(const std::string& text) {
  std::string out;
  for (char c : text) {
    out.push_back(c);
    if (c == '\'') out.push_back('\'');
  }
  return out;
}

// A TCP listener on 127.0.0.1 that never accepts nor answers: connections
// complete in the kernel and then hear nothing.
class SilentListener {
 public:
  SilentListener() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof(address);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
        listen(fd_, 16) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
      ADD_FAILURE() << "cannot set up a listener on 127.0.0.1";
      return;
    }
    port_ = ntohs(address.sin_port);
  }
  ~SilentListener() {
    if (fd_ >= 0) close(fd_);
  }
  SilentListener(const SilentListener&) = delete;
  SilentListener& operator=(const SilentListener&) = delete;

  uint16_t port() const { return port_; }

 private:
  int fd_ = -1;
  uint16_t port_ = 0;
};

// A port the kernel just gave out and that nobody listens on any more.
uint16_t ClosedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

std::vector<std::string> NamesOf(const std::vector<TableSchema>& tables) {
  std::vector<std::string> names;
  for (const TableSchema& t : tables) names.push_back(t.name);
  return names;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

ColumnSchema Column(std::string name, int32_t ordinal, std::string data_type,
                    std::string column_type, bool nullable,
                    std::optional<int64_t> char_max_length, std::optional<int32_t> precision,
                    std::optional<int32_t> scale, std::optional<int32_t> datetime_precision,
                    std::string comment) {
  ColumnSchema c;
  c.name = std::move(name);
  c.ordinal = ordinal;
  c.data_type = std::move(data_type);
  c.column_type = std::move(column_type);
  c.nullable = nullable;
  c.char_max_length = char_max_length;
  c.numeric_precision = precision;
  c.numeric_scale = scale;
  c.datetime_precision = datetime_precision;
  c.comment = std::move(comment);
  return c;
}

std::string Describe(const ColumnSchema& c) {
  auto opt = [](const auto& v) { return v ? std::to_string(*v) : std::string("null"); };
  return fmt::format("{}#{} {} / {} nullable={} len={} prec={} scale={} dt={} comment='{}'",
                     c.name, c.ordinal, c.data_type, c.column_type, c.nullable,
                     opt(c.char_max_length), opt(c.numeric_precision), opt(c.numeric_scale),
                     opt(c.datetime_precision), c.comment);
}

// The connect-failure cases shared by both drivers.
void ExpectClosedPortUnavailable(ConnectionConfig::Kind kind) {
  ConnectionConfig config;
  config.kind = kind;
  config.host = "127.0.0.1";
  config.port = ClosedPort();
  config.database = "db";
  config.user = "u";
  config.password = "closed-port-secret";
  auto introspector = ConnectIntrospector(config);
  ASSERT_FALSE(introspector.ok());
  EXPECT_EQ(introspector.error().code(), ErrorCode::kUnavailable)
      << introspector.error().message();
  const std::string prefix = fmt::format("cannot connect to {} at {}", ToString(kind),
                                         Endpoint(config));
  EXPECT_EQ(introspector.error().message().rfind(prefix, 0), 0u)
      << introspector.error().message();
  EXPECT_EQ(introspector.error().message().find(config.password), std::string::npos);
}

void ExpectSilentServerDeadlineExceeded(ConnectionConfig::Kind kind) {
  SilentListener listener;
  ConnectionConfig config;
  config.kind = kind;
  config.host = "127.0.0.1";
  config.port = listener.port();
  config.database = "db";
  config.user = "u";
  config.password = "silent-secret";
  config.connect_timeout = milliseconds(1000);
  config.read_timeout = milliseconds(1000);
  auto introspector = ConnectIntrospector(config);
  ASSERT_FALSE(introspector.ok());
  EXPECT_EQ(introspector.error().code(), ErrorCode::kDeadlineExceeded)
      << introspector.error().message();
  EXPECT_NE(introspector.error().message().find(Endpoint(config)), std::string::npos)
      << introspector.error().message();
  EXPECT_EQ(introspector.error().message().find(config.password), std::string::npos);
}

// ---------------------------------------------------------------- MySQL side

// A plain libmariadb connection for the test's own DDL.
class MysqlAdmin {
 public:
  static std::unique_ptr<MysqlAdmin> Connect(const ServerEnv& env, std::string* error) {
    MYSQL* mysql = mysql_init(nullptr);
    unsigned int protocol = MYSQL_PROTOCOL_TCP;
    mysql_options(mysql, MYSQL_OPT_PROTOCOL, &protocol);
    mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");
    if (mysql_real_connect(mysql, env.host.c_str(), env.user.c_str(), env.password.c_str(),
                           nullptr, env.port, nullptr, 0) == nullptr) {
      *error = mysql_error(mysql);
      mysql_close(mysql);
      return nullptr;
    }
    return std::unique_ptr<MysqlAdmin>(new MysqlAdmin(mysql));
  }
  ~MysqlAdmin() { mysql_close(mysql_); }

  // Runs one statement; "" or the driver's error.
  std::string Exec(const std::string& sql) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return mysql_error(mysql_);
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result != nullptr) mysql_free_result(result);
    return "";
  }

  // The first column of the first row, if any.
  std::optional<std::string> Value(const std::string& sql) {
    if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) return std::nullopt;
    MYSQL_RES* result = mysql_store_result(mysql_);
    if (result == nullptr) return std::nullopt;
    std::optional<std::string> value;
    MYSQL_ROW row = mysql_fetch_row(result);
    if (row != nullptr && mysql_num_fields(result) > 0 && row[0] != nullptr) value = row[0];
    mysql_free_result(result);
    return value;
  }

  bool IsMariaDb() {
    return std::string(mysql_get_server_info(mysql_)).find("MariaDB") != std::string::npos;
  }

 private:
  explicit MysqlAdmin(MYSQL* mysql) : mysql_(mysql) {}
  MYSQL* mysql_;
};

class MysqlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DISYNC_REQUIRE_SERVER(env_, "MARIADB/MYSQL", "DISYNC_TEST_MYSQL_");
    std::string error;
    admin_ = MysqlAdmin::Connect(*env_, &error);
    ASSERT_NE(admin_, nullptr) << "cannot connect to the test server: " << error;
    mariadb_ = admin_->IsMariaDb();
    db_ = CreateDatabase();
  }

  void TearDown() override {
    if (admin_ == nullptr) return;
    for (const std::string& db : databases_) admin_->Exec("DROP DATABASE IF EXISTS " + Ident(db));
    for (const std::string& user : users_) admin_->Exec("DROP USER IF EXISTS '" + user + "'@'%'");
  }

  // `name` quoted as an identifier, each backtick doubled.
  static std::string Ident(std::string_view name) {
    std::string quoted = "`";
    for (char c : name) quoted += c == '`' ? "``" : std::string(1, c);
    return quoted + "`";
  }

  std::string CreateDatabase(const std::string& prefix = "disync_t_") {
    std::string db = UniqueName(prefix);
    EXPECT_EQ(admin_->Exec("CREATE DATABASE " + Ident(db) + " CHARACTER SET utf8mb4"), "");
    databases_.push_back(db);
    return db;
  }

  // A user that may do everything in `db_` and nothing else.
  std::string CreateUser(const std::string& password, bool with_grant) {
    std::string user = UniqueName("dq_");
    EXPECT_EQ(admin_->Exec("CREATE USER '" + user + "'@'%' IDENTIFIED BY '" + password + "'"),
              "");
    users_.push_back(user);
    if (with_grant) {
      EXPECT_EQ(admin_->Exec("GRANT ALL PRIVILEGES ON `" + db_ + "`.* TO '" + user + "'@'%'"),
                "");
    }
    return user;
  }

  void Exec(const std::string& sql) { ASSERT_EQ(admin_->Exec(sql), "") << sql; }

  ConnectionConfig Config(const std::string& database) const {
    ConnectionConfig config;
    config.kind = ConnectionConfig::Kind::kMysql;
    config.host = env_->host;
    config.port = env_->port;
    config.database = database;
    config.user = env_->user;
    config.password = env_->password;
    return config;
  }

  // The server's spelling of a MariaDB COLUMN_TYPE: MySQL 8 dropped the
  // display width of integers (except tinyint(1)) and of year.
  std::string ServerColumnType(const std::string& mariadb_type) const {
    if (mariadb_ || mariadb_type == "tinyint(1)") return mariadb_type;
    static const std::regex kWidth(R"(^(tinyint|smallint|mediumint|int|bigint|year)\(\d+\))");
    return std::regex_replace(mariadb_type, kWidth, "$1");
  }

  std::optional<ServerEnv> env_;
  std::unique_ptr<MysqlAdmin> admin_;
  bool mariadb_ = true;
  std::string db_;
  std::vector<std::string> databases_;
  std::vector<std::string> users_;
};

struct MysqlTypeCase {
  const char* definition;
  const char* data_type;
  const char* column_type;  // as MariaDB spells it
  std::optional<int64_t> char_max_length;
  std::optional<int32_t> precision;
  std::optional<int32_t> scale;
  std::optional<int32_t> datetime_precision;
};

const MysqlTypeCase kMysqlTypes[] = {
    {"tinyint", "tinyint", "tinyint(4)", {}, 3, 0, {}},
    {"tinyint unsigned", "tinyint", "tinyint(3) unsigned", {}, 3, 0, {}},
    {"tinyint(1)", "tinyint", "tinyint(1)", {}, 3, 0, {}},
    {"smallint", "smallint", "smallint(6)", {}, 5, 0, {}},
    {"smallint unsigned", "smallint", "smallint(5) unsigned", {}, 5, 0, {}},
    {"mediumint", "mediumint", "mediumint(9)", {}, 7, 0, {}},
    {"mediumint unsigned", "mediumint", "mediumint(8) unsigned", {}, 8, 0, {}},
    {"int", "int", "int(11)", {}, 10, 0, {}},
    {"int unsigned", "int", "int(10) unsigned", {}, 10, 0, {}},
    {"bigint", "bigint", "bigint(20)", {}, 19, 0, {}},
    {"bigint unsigned", "bigint", "bigint(20) unsigned", {}, 20, 0, {}},
    {"decimal(10,2)", "decimal", "decimal(10,2)", {}, 10, 2, {}},
    {"decimal(65,30)", "decimal", "decimal(65,30)", {}, 65, 30, {}},
    {"float", "float", "float", {}, 12, {}, {}},
    {"double", "double", "double", {}, 22, {}, {}},
    {"bit(1)", "bit", "bit(1)", {}, 1, {}, {}},
    {"bit(8)", "bit", "bit(8)", {}, 8, {}, {}},
    {"char(10)", "char", "char(10)", 10, {}, {}, {}},
    {"varchar(255)", "varchar", "varchar(255)", 255, {}, {}, {}},
    {"tinytext", "tinytext", "tinytext", 255, {}, {}, {}},
    {"text", "text", "text", 65535, {}, {}, {}},
    {"mediumtext", "mediumtext", "mediumtext", 16777215, {}, {}, {}},
    {"longtext", "longtext", "longtext", 4294967295, {}, {}, {}},
    {"enum('a','bb')", "enum", "enum('a','bb')", 2, {}, {}, {}},
    {"set('x','y')", "set", "set('x','y')", 3, {}, {}, {}},
    {"json", "json", "json", {}, {}, {}, {}},
    {"binary(16)", "binary", "binary(16)", 16, {}, {}, {}},
    {"varbinary(64)", "varbinary", "varbinary(64)", 64, {}, {}, {}},
    {"tinyblob", "tinyblob", "tinyblob", 255, {}, {}, {}},
    {"blob", "blob", "blob", 65535, {}, {}, {}},
    {"mediumblob", "mediumblob", "mediumblob", 16777215, {}, {}, {}},
    {"longblob", "longblob", "longblob", 4294967295, {}, {}, {}},
    {"date", "date", "date", {}, {}, {}, {}},
    {"datetime(3)", "datetime", "datetime(3)", {}, {}, {}, 3},
    {"datetime", "datetime", "datetime", {}, {}, {}, 0},
    {"timestamp", "timestamp", "timestamp", {}, {}, {}, 0},
    {"time", "time", "time", {}, {}, {}, 0},
    {"year", "year", "year(4)", {}, {}, {}, {}},
    {"geometry", "geometry", "geometry", {}, {}, {}, {}},
};

TEST_F(MysqlTest, DescribesOneTablePerInterestingType) {
  const size_t n = std::size(kMysqlTypes);
  for (size_t i = 0; i < n; ++i) {
    Exec(fmt::format(
        "CREATE TABLE `{}`.`t_{:02}` (`c` {} NULL COMMENT 'type {}') COMMENT='table {}'", db_, i,
        kMysqlTypes[i].definition, SqlString(kMysqlTypes[i].definition), i));
  }
  auto introspector = ConnectMysql(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();

  std::vector<std::pair<size_t, size_t>> progress;
  auto tables = (*introspector)->DescribeTables(
      db_, {}, [&](size_t done, size_t total) { progress.emplace_back(done, total); });
  ASSERT_TRUE(tables.ok()) << tables.error().message();
  ASSERT_EQ(tables->size(), n);
  ASSERT_EQ(progress.size(), n);
  EXPECT_EQ(progress.back(), std::make_pair(n, n));

  for (size_t i = 0; i < n; ++i) {
    const MysqlTypeCase& want = kMysqlTypes[i];
    SCOPED_TRACE(want.definition);
    const TableSchema& table = (*tables)[i];
    EXPECT_EQ(table.database, db_);
    EXPECT_EQ(table.name, fmt::format("t_{:02}", i));
    EXPECT_TRUE(table.primary_key.empty());
    ASSERT_EQ(table.columns.size(), 1u);
    ColumnSchema expected =
        Column("c", 1, want.data_type, ServerColumnType(want.column_type), true,
               want.char_max_length, want.precision, want.scale, want.datetime_precision,
               fmt::format("type {}", want.definition));
    EXPECT_EQ(table.columns[0], expected)
        << "got  " << Describe(table.columns[0]) << "\nwant " << Describe(expected);
  }
}

TEST_F(MysqlTest, DescribesCompositePrimaryKeyNullabilityAndComments) {
  Exec("CREATE TABLE `" + db_ + "`.`orders` ("
       "`tenant_id` INT NOT NULL COMMENT 'owning tenant',"
       "`order_id` BIGINT UNSIGNED NOT NULL COMMENT 'per-tenant sequence',"
       "`note` VARCHAR(20) NULL COMMENT 'free text, ''quoted''',"
       "`amount` DECIMAL(12,2) NOT NULL DEFAULT 0,"
       "`created_at` DATETIME(6) NOT NULL,"
       "PRIMARY KEY (`order_id`, `tenant_id`)"
       ") COMMENT='customer orders'");
  auto introspector = ConnectMysql(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  auto tables = (*introspector)->DescribeTables(db_, {"orders"}, nullptr);
  ASSERT_TRUE(tables.ok()) << tables.error().message();
  ASSERT_EQ(tables->size(), 1u);

  TableSchema want;
  want.database = db_;
  want.name = "orders";
  want.columns = {
      Column("tenant_id", 1, "int", ServerColumnType("int(11)"), false, {}, 10, 0, {},
             "owning tenant"),
      Column("order_id", 2, "bigint", ServerColumnType("bigint(20) unsigned"), false, {}, 20, 0,
             {}, "per-tenant sequence"),
      Column("note", 3, "varchar", "varchar(20)", true, 20, {}, {}, {}, "free text, 'quoted'"),
      Column("amount", 4, "decimal", "decimal(12,2)", false, {}, 12, 2, {}, ""),
      Column("created_at", 5, "datetime", "datetime(6)", false, {}, {}, {}, 6, ""),
  };
  want.primary_key = {"order_id", "tenant_id"};  // key order, not column order
  EXPECT_EQ((*tables)[0], want);
  for (size_t i = 0; i < want.columns.size() && i < (*tables)[0].columns.size(); ++i) {
    EXPECT_EQ((*tables)[0].columns[i], want.columns[i])
        << "got  " << Describe((*tables)[0].columns[i]) << "\nwant " << Describe(want.columns[i]);
  }
}

// The key the server reports as the primary key (DESCRIBE's PRI): the
// PRIMARY KEY, or without one the first UNIQUE key over NOT NULL columns
// (whole columns, not prefixes), in the key's order; views and sequences,
// which have no index, are no base tables.
TEST_F(MysqlTest, TakesTheKeyTheServerReportsAsThePrimaryKey) {
  struct Case {
    const char* table;
    const char* definition;
    std::vector<std::string> primary_key;
  };
  const Case cases[] = {
      {"pk_and_unique", "(id INT PRIMARY KEY, email VARCHAR(40) NOT NULL UNIQUE)", {"id"}},
      {"pk_after_unique",
       "(a INT NOT NULL, b INT NOT NULL, c INT NOT NULL, UNIQUE KEY u (c, a), "
       "PRIMARY KEY (c, b))",
       {"c", "b"}},
      {"unique_only", "(a INT NOT NULL, b INT NOT NULL, c INT, UNIQUE KEY ub (b, a))", {"b", "a"}},
      {"two_uniques",
       "(a INT NOT NULL, b INT NOT NULL, c INT NOT NULL, UNIQUE KEY z (c), UNIQUE KEY y (b, a))",
       {"c"}},
      {"nullable_unique", "(a INT NULL UNIQUE, v INT)", {}},
      {"prefix_unique", "(name VARCHAR(40) NOT NULL, v INT, UNIQUE KEY (name(10)))", {}},
      {"index_only", "(a INT, b INT, KEY (b, a))", {}},
      {"no_index", "(at DATETIME, msg VARCHAR(200))", {}},
  };
  std::vector<std::string> names;
  for (const Case& c : cases) {
    Exec(fmt::format("CREATE TABLE `{}`.`{}` {}", db_, c.table, c.definition));
    names.emplace_back(c.table);
  }
  Exec(fmt::format("CREATE VIEW `{}`.`v` AS SELECT a, b FROM `{}`.`unique_only`", db_, db_));
  if (mariadb_) Exec(fmt::format("CREATE SEQUENCE `{}`.`s`", db_));
  std::sort(names.begin(), names.end());

  auto introspector = ConnectMysql(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  // All of the database, then the tables by name (a few of them are pushed
  // into the SQL as a list).
  const std::vector<std::vector<std::string>> selections = {
      {}, names, {"unique_only", "pk_after_unique"}};
  for (const std::vector<std::string>& selection : selections) {
    auto tables = (*introspector)->DescribeTables(db_, selection, nullptr);
    ASSERT_TRUE(tables.ok()) << tables.error().message();
    EXPECT_EQ(NamesOf(*tables), selection.empty() ? names : selection);
    for (const TableSchema& table : *tables) {
      const Case* want = std::find_if(std::begin(cases), std::end(cases),
                                      [&](const Case& c) { return table.name == c.table; });
      ASSERT_NE(want, std::end(cases)) << table.name;
      EXPECT_EQ(table.primary_key, want->primary_key) << table.name;
    }
  }
  for (const char* other : {"v", "s"}) {
    if (!mariadb_ && std::string_view(other) == "s") continue;
    auto tables = (*introspector)->DescribeTables(db_, {"no_index", other}, nullptr);
    ASSERT_FALSE(tables.ok()) << other;
    EXPECT_EQ(tables.error().message(),
              fmt::format("table(s) not found in database `{}`: {}", db_, other));
  }
}

class MysqlFiveTablesTest : public MysqlTest {
 protected:
  void SetUp() override {
    MysqlTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    for (const char* name : {"a", "b", "c", "d", "o'brien"}) {
      std::string quoted = name;
      Exec(fmt::format("CREATE TABLE `{}`.`{}` (id INT PRIMARY KEY, v TEXT)", db_, quoted));
    }
    Exec(fmt::format("CREATE VIEW `{}`.`v` AS SELECT id FROM `{}`.`a`", db_, db_));
  }
};

TEST_F(MysqlFiveTablesTest, SelectedTablesComeBackInRequestOrder) {
  auto introspector = ConnectMysql(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  struct Case {
    std::vector<std::string> requested;
    std::vector<std::string> want;
  };
  // Fewer than half of the tables are asked for by name in the SQL; more
  // are read with the rest of the database and picked in memory.
  const Case cases[] = {
      {{"d", "b"}, {"d", "b"}},
      {{"o'brien", "a"}, {"o'brien", "a"}},
      {{"c", "c", "a"}, {"c", "a"}},
      {{"d", "o'brien", "a"}, {"d", "o'brien", "a"}},
      {{}, {"a", "b", "c", "d", "o'brien"}},
  };
  for (const Case& c : cases) {
    auto tables = (*introspector)->DescribeTables(db_, c.requested, nullptr);
    ASSERT_TRUE(tables.ok()) << tables.error().message();
    EXPECT_EQ(NamesOf(*tables), c.want);
    for (const TableSchema& t : *tables) {
      EXPECT_EQ(t.primary_key, std::vector<std::string>{"id"}) << t.name;
      EXPECT_EQ(t.columns.size(), 2u) << t.name;
    }
  }
}

TEST_F(MysqlFiveTablesTest, MissingTablesFailNamingEveryOne) {
  auto introspector = ConnectMysql(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  auto tables = (*introspector)->DescribeTables(db_, {"a", "nope1", "v", "b", "nope2"}, nullptr);
  ASSERT_FALSE(tables.ok());
  EXPECT_EQ(tables.error().code(), ErrorCode::kNotFound);
  // A view is not a base table.
  EXPECT_EQ(tables.error().message(),
            "table(s) not found in database `" + db_ + "`: nope1, v, nope2");
}

TEST_F(MysqlFiveTablesTest, ListsDatabasesAndBaseTables) {
  const std::string other = CreateDatabase();
  auto introspector = ConnectMysql(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();

  auto databases = (*introspector)->ListDatabases();
  ASSERT_TRUE(databases.ok()) << databases.error().message();
  EXPECT_TRUE(Contains(*databases, db_));
  EXPECT_TRUE(Contains(*databases, other));
  for (const char* system : {"information_schema", "mysql", "performance_schema", "sys"}) {
    EXPECT_FALSE(Contains(*databases, system)) << system;
  }
  EXPECT_TRUE(std::is_sorted(databases->begin(), databases->end()));

  auto tables = (*introspector)->ListTables(db_);
  ASSERT_TRUE(tables.ok()) << tables.error().message();
  EXPECT_EQ(*tables, (std::vector<std::string>{"a", "b", "c", "d", "o'brien"}));

  auto empty = (*introspector)->ListTables(other);
  ASSERT_TRUE(empty.ok()) << empty.error().message();
  EXPECT_TRUE(empty->empty());

  const std::string missing = UniqueName("disync_nodb_");
  auto no_tables = (*introspector)->ListTables(missing);
  ASSERT_FALSE(no_tables.ok());
  EXPECT_EQ(no_tables.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(no_tables.error().message(),
            fmt::format("database `{}` not found on mysql at {}", missing,
                        Endpoint(Config(db_))));

  auto no_describe = (*introspector)->DescribeTables(missing, {"a"}, nullptr);
  ASSERT_FALSE(no_describe.ok());
  EXPECT_EQ(no_describe.error().code(), ErrorCode::kNotFound);
}

TEST_F(MysqlTest, ListsAndDescribesADatabaseWhoseNameNeedsQuoting) {
  const std::string odd = CreateDatabase("disync_t_`q'");
  Exec("CREATE TABLE " + Ident(odd) + ".`t``1` (id INT PRIMARY KEY, v TEXT)");
  Exec("CREATE VIEW " + Ident(odd) + ".`v` AS SELECT id FROM " + Ident(odd) + ".`t``1`");
  auto introspector = ConnectMysql(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();

  auto tables = (*introspector)->ListTables(odd);
  ASSERT_TRUE(tables.ok()) << tables.error().message();
  EXPECT_EQ(*tables, std::vector<std::string>{"t`1"});

  auto described = (*introspector)->DescribeTables(odd, {}, nullptr);
  ASSERT_TRUE(described.ok()) << described.error().message();
  ASSERT_EQ(described->size(), 1u);
  EXPECT_EQ((*described)[0].database, odd);
  EXPECT_EQ((*described)[0].name, "t`1");
  EXPECT_EQ((*described)[0].primary_key, std::vector<std::string>{"id"});
  EXPECT_EQ((*described)[0].columns.size(), 2u);
}

TEST_F(MysqlTest, PingsAndConnectsFromAJdbcUrl) {
  auto config = ParseJdbcUrl(fmt::format("jdbc:mysql://{}:{}/{}?useSSL=false", env_->host,
                                         env_->port, db_));
  ASSERT_TRUE(config.ok()) << config.error().message();
  config->user = env_->user;
  config->password = env_->password;
  auto introspector = ConnectIntrospector(*config);
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  Status ping = (*introspector)->Ping();
  EXPECT_TRUE(ping.ok()) << ping.error().message();
}

TEST_F(MysqlTest, WrongPasswordIsPermissionDeniedWithTheDriversReason) {
  ConnectionConfig config = Config(db_);
  config.password = "Wr0ng-" + RandomHex(8);
  auto introspector = ConnectMysql(config);
  ASSERT_FALSE(introspector.ok());
  const Error& error = introspector.error();
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied) << error.message();
  EXPECT_NE(error.message().find("Access denied for user '" + env_->user + "'"),
            std::string::npos)
      << error.message();
  EXPECT_NE(error.message().find(Endpoint(config)), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("`" + db_ + "`"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find("(error 1045)"), std::string::npos) << error.message();
  EXPECT_EQ(error.message().find(config.password), std::string::npos) << error.message();
  EXPECT_EQ(error.message().find(env_->password), std::string::npos) << error.message();
}

TEST_F(MysqlTest, DatabaseWithoutGrantIsPermissionDenied) {
  const std::string password = "pw" + RandomHex(8);
  ConnectionConfig config = Config(db_);
  config.user = CreateUser(password, /*with_grant=*/false);
  config.password = password;
  auto introspector = ConnectMysql(config);
  ASSERT_FALSE(introspector.ok());
  EXPECT_EQ(introspector.error().code(), ErrorCode::kPermissionDenied)
      << introspector.error().message();
  EXPECT_NE(introspector.error().message().find("(error 1044)"), std::string::npos)
      << introspector.error().message();
  EXPECT_EQ(introspector.error().message().find(password), std::string::npos);
}

TEST_F(MysqlTest, UnknownDatabaseIsNotFound) {
  ConnectionConfig config = Config(UniqueName("disync_nodb_"));
  auto introspector = ConnectMysql(config);
  ASSERT_FALSE(introspector.ok());
  EXPECT_EQ(introspector.error().code(), ErrorCode::kNotFound) << introspector.error().message();
  EXPECT_NE(introspector.error().message().find("Unknown database '" + config.database + "'"),
            std::string::npos)
      << introspector.error().message();
  EXPECT_EQ(introspector.error().message().find(env_->password), std::string::npos);
}

TEST(MysqlConnect, ClosedPortIsUnavailable) {
  ExpectClosedPortUnavailable(ConnectionConfig::Kind::kMysql);
}

TEST(MysqlConnect, SilentServerIsDeadlineExceeded) {
  ExpectSilentServerDeadlineExceeded(ConnectionConfig::Kind::kMysql);
}

// The number of catalog queries (SELECT and SHOW TABLES statements) a user
// has run, from the most precise counter the server offers: MariaDB's
// per-user statistics (which count no SHOW statement at all: SELECTs only),
// MySQL's performance_schema per user, or, failing both, the global
// Com_select and Com_show_tables (which other clients may move too).
struct CatalogQueryCounter {
  enum class Source { kUserStatistics, kPerformanceSchema, kGlobal };
  Source source;
  std::string user;

  std::optional<int64_t> Read(MysqlAdmin& admin) const {
    std::optional<std::string> value;
    switch (source) {
      case Source::kUserStatistics:
        value = admin.Value(
            "SELECT COALESCE(SUM(SELECT_COMMANDS), 0) FROM information_schema.USER_STATISTICS "
            "WHERE USER = '" + user + "'");
        break;
      case Source::kPerformanceSchema:
        value = admin.Value(
            "SELECT COALESCE(SUM(COUNT_STAR), 0) FROM "
            "performance_schema.events_statements_summary_by_user_by_event_name "
            "WHERE USER = '" +
            user + "' AND EVENT_NAME IN ('statement/sql/select', 'statement/sql/show_tables')");
        break;
      case Source::kGlobal:
        value = admin.Value(
            "SELECT SUM(VARIABLE_VALUE) FROM information_schema.GLOBAL_STATUS "
            "WHERE VARIABLE_NAME IN ('COM_SELECT', 'COM_SHOW_TABLES')");
        break;
    }
    if (!value) return std::nullopt;
    return std::stoll(*value);
  }
};

// Waits until no connection of `user` is inside a statement, and answers how
// many queries that took, or nothing at the deadline. The server sends a
// statement's answer before it adds the statement to the per-user counters,
// and sets the connection to Sleep only after that: a client that has its
// answer may otherwise read a counter that misses its last statement.
std::optional<int64_t> AwaitIdle(MysqlAdmin& admin, const std::string& user) {
  const std::string busy = "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" +
                           user + "' AND COMMAND <> 'Sleep'";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  for (int64_t polls = 1; std::chrono::steady_clock::now() < deadline; ++polls) {
    if (admin.Value(busy) == std::optional<std::string>("0")) return polls;
  }
  return std::nullopt;
}

CatalogQueryCounter PickCatalogQueryCounter(MysqlAdmin& admin, const std::string& user) {
  // Off by default; the test servers turn it on, and SUPER can too.
  admin.Exec("SET GLOBAL userstat = ON");
  if (admin.Value("SELECT @@userstat") == std::optional<std::string>("1")) {
    return {CatalogQueryCounter::Source::kUserStatistics, user};
  }
  if (admin.Value("SELECT @@performance_schema") == std::optional<std::string>("1")) {
    return {CatalogQueryCounter::Source::kPerformanceSchema, user};
  }
  return {CatalogQueryCounter::Source::kGlobal, user};
}

TEST_F(MysqlTest, DescribesTwoHundredTablesInAConstantNumberOfQueries) {
  constexpr int kTables = 200;
  std::vector<std::string> names;
  // Every tenth table has a composite key, listed against the columns'
  // order, and every tenth no index at all: each asks one more query of
  // the database, not one per table. A view is no base table.
  const auto key_of = [](int i) -> std::vector<std::string> {
    if (i % 10 == 3) return {"name", "id"};
    if (i % 10 == 7) return {};
    return {"id"};
  };
  for (int i = 0; i < kTables; ++i) {
    names.push_back(fmt::format("t{:03}", i));
    const std::vector<std::string> key = key_of(i);
    Exec(
        fmt::format("CREATE TABLE `{}`.`{}` (id BIGINT NOT NULL COMMENT 'key', "
                    "name VARCHAR(40) NOT NULL, amount DECIMAL(10,2){}) COMMENT 'table {}'",
                    db_, names.back(),
                    key.empty() ? "" : fmt::format(", PRIMARY KEY ({})", fmt::join(key, ", ")), i));
  }
  Exec(fmt::format("CREATE VIEW `{}`.`v` AS SELECT id, name FROM `{}`.`t000`", db_, db_));
  // The introspector runs as a user of its own, so that its statements can be
  // told from everyone else's.
  const std::string password = "pw" + RandomHex(8);
  ConnectionConfig config = Config(db_);
  config.user = CreateUser(password, /*with_grant=*/true);
  config.password = password;
  const CatalogQueryCounter counter = PickCatalogQueryCounter(*admin_, config.user);

  auto introspector = ConnectMysql(config);
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();

  struct Run {
    const char* what;
    std::vector<std::string> tables;
  };
  const Run runs[] = {{"all tables", {}}, {"200 named tables", names}};
  const CatalogQueryCounter global{CatalogQueryCounter::Source::kGlobal, ""};
  for (const Run& run : runs) {
    ASSERT_TRUE(AwaitIdle(*admin_, config.user)) << "the introspector's connection stays busy";
    std::optional<int64_t> before = counter.Read(*admin_);
    std::optional<int64_t> global_before = global.Read(*admin_);
    auto tables = (*introspector)->DescribeTables(db_, run.tables, nullptr);
    const std::optional<int64_t> polls = AwaitIdle(*admin_, config.user);
    ASSERT_TRUE(polls) << "the introspector's connection stays busy";
    std::optional<int64_t> after = counter.Read(*admin_);
    std::optional<int64_t> global_after = global.Read(*admin_);
    ASSERT_TRUE(tables.ok()) << tables.error().message();
    ASSERT_EQ(tables->size(), static_cast<size_t>(kTables));
    EXPECT_EQ(NamesOf(*tables), names);
    for (int i = 0; i < kTables; ++i) {
      const TableSchema& t = (*tables)[static_cast<size_t>(i)];
      ASSERT_EQ(t.columns.size(), 3u) << t.name;
      EXPECT_EQ(t.primary_key, key_of(i)) << t.name;
    }
    ASSERT_TRUE(before && after && global_before && global_after)
        << "cannot read the query counters";
    int64_t queries = *after - *before;
    // The global counter also counts the waits for idleness.
    if (counter.source == CatalogQueryCounter::Source::kGlobal) queries -= *polls;
    // Includes the counter's own reads, the waits and any other client's statements.
    const int64_t global_queries = *global_after - *global_before;
    const char* source = counter.source == CatalogQueryCounter::Source::kUserStatistics
                             ? "information_schema.USER_STATISTICS"
                         : counter.source == CatalogQueryCounter::Source::kPerformanceSchema
                             ? "performance_schema"
                             : "global Com_select + Com_show_tables";
    std::cout << "[ measured ] DescribeTables of " << run.what << " (" << kTables
              << " tables): " << queries << " catalog queries by the introspector's user ("
              << source << "); the global counters moved by " << global_queries << std::endl;
    RecordProperty(run.tables.empty() ? "queries_all" : "queries_named", static_cast<int>(queries));
    if (counter.source == CatalogQueryCounter::Source::kGlobal) {
      // Other clients move the global counter too: only prove it is not
      // one query per table.
      EXPECT_LT(queries, kTables / 2);
    } else {
      // COLUMNS and STATISTICS, and the two lists of tables but where the
      // counter cannot see a SHOW.
      EXPECT_GE(queries, 2);
      EXPECT_LE(queries, 5);
    }
  }
}

// ----------------------------------------------------------- PostgreSQL side

using PgConnPtr = std::unique_ptr<PGconn, decltype(&PQfinish)>;

PgConnPtr PgConnect(const ServerEnv& env, const std::string& database, std::string* error) {
  const std::string port = std::to_string(env.port);
  const char* keys[] = {"host", "port", "user", "password", "dbname", "connect_timeout", nullptr};
  const char* values[] = {env.host.c_str(), port.c_str(),  env.user.c_str(), env.password.c_str(),
                          database.c_str(), "10",          nullptr};
  PgConnPtr conn(PQconnectdbParams(keys, values, 0), &PQfinish);
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    *error = PQerrorMessage(conn.get());
    return PgConnPtr(nullptr, &PQfinish);
  }
  return conn;
}

// "" or the server's error.
std::string PgExec(PGconn* conn, const std::string& sql) {
  PGresult* result = PQexec(conn, sql.c_str());
  ExecStatusType status = PQresultStatus(result);
  std::string error = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK
                          ? ""
                          : PQresultErrorMessage(result);
  PQclear(result);
  return error;
}

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    DISYNC_REQUIRE_SERVER(env_, "POSTGRESQL", "DISYNC_TEST_PG_");
    std::string error;
    admin_ = PgConnect(*env_, "postgres", &error);
    ASSERT_NE(admin_, nullptr) << "cannot connect to the test server: " << error;
    db_ = UniqueName("disync_t_");
    ASSERT_EQ(PgExec(admin_.get(), "CREATE DATABASE " + db_), "");
    created_ = true;
    db_admin_ = PgConnect(*env_, db_, &error);
    ASSERT_NE(db_admin_, nullptr) << error;
  }

  void TearDown() override {
    db_admin_.reset();
    if (admin_ != nullptr && created_) {
      PgExec(admin_.get(), "DROP DATABASE IF EXISTS " + db_ + " WITH (FORCE)");
    }
  }

  void Exec(const std::string& sql) { ASSERT_EQ(PgExec(db_admin_.get(), sql), "") << sql; }

  ConnectionConfig Config(const std::string& database) const {
    ConnectionConfig config;
    config.kind = ConnectionConfig::Kind::kPostgres;
    config.host = env_->host;
    config.port = env_->port;
    config.database = database;
    config.user = env_->user;
    config.password = env_->password;
    return config;
  }

  std::optional<ServerEnv> env_;
  PgConnPtr admin_{nullptr, &PQfinish};
  PgConnPtr db_admin_{nullptr, &PQfinish};
  std::string db_;
  bool created_ = false;
};

TEST_F(PostgresTest, DescribesCommonTypesPrimaryKeyAndComments) {
  Exec("CREATE TABLE accounts ("
       "id bigint, region text, name varchar(100) NOT NULL, code char(3), "
       "obsolete integer, balance numeric(12,2), amount numeric, score double precision, "
       "ratio real, small smallint, i integer, flag boolean, created timestamptz(3), "
       "updated timestamp, birthday date, t time, data jsonb, j json, raw bytea, uid uuid, "
       "tags text[], PRIMARY KEY (region, id))");
  // A dropped column leaves a gap in attnum; positions stay 1..n.
  Exec("ALTER TABLE accounts DROP COLUMN obsolete");
  Exec("COMMENT ON TABLE accounts IS 'customer accounts'");
  Exec("COMMENT ON COLUMN accounts.name IS 'display name'");

  auto introspector = ConnectPostgres(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  auto tables = (*introspector)->DescribeTables("public", {"accounts"}, nullptr);
  ASSERT_TRUE(tables.ok()) << tables.error().message();
  ASSERT_EQ(tables->size(), 1u);
  const TableSchema& table = (*tables)[0];
  EXPECT_EQ(table.database, db_ + ".public");
  EXPECT_EQ(table.name, "accounts");
  EXPECT_EQ(table.primary_key, (std::vector<std::string>{"region", "id"}));

  const std::vector<ColumnSchema> want = {
      Column("id", 1, "bigint", "bigint", false, {}, 64, 0, {}, ""),
      Column("region", 2, "text", "text", false, {}, {}, {}, {}, ""),
      Column("name", 3, "character varying", "character varying(100)", false, 100, {}, {}, {},
             "display name"),
      Column("code", 4, "character", "character(3)", true, 3, {}, {}, {}, ""),
      Column("balance", 5, "numeric", "numeric(12,2)", true, {}, 12, 2, {}, ""),
      Column("amount", 6, "numeric", "numeric", true, {}, {}, {}, {}, ""),
      Column("score", 7, "double precision", "double precision", true, {}, 53, {}, {}, ""),
      Column("ratio", 8, "real", "real", true, {}, 24, {}, {}, ""),
      Column("small", 9, "smallint", "smallint", true, {}, 16, 0, {}, ""),
      Column("i", 10, "integer", "integer", true, {}, 32, 0, {}, ""),
      Column("flag", 11, "boolean", "boolean", true, {}, {}, {}, {}, ""),
      Column("created", 12, "timestamp with time zone", "timestamp(3) with time zone", true, {},
             {}, {}, 3, ""),
      Column("updated", 13, "timestamp without time zone", "timestamp without time zone", true,
             {}, {}, {}, 6, ""),
      Column("birthday", 14, "date", "date", true, {}, {}, {}, 0, ""),
      Column("t", 15, "time without time zone", "time without time zone", true, {}, {}, {}, 6,
             ""),
      Column("data", 16, "jsonb", "jsonb", true, {}, {}, {}, {}, ""),
      Column("j", 17, "json", "json", true, {}, {}, {}, {}, ""),
      Column("raw", 18, "bytea", "bytea", true, {}, {}, {}, {}, ""),
      Column("uid", 19, "uuid", "uuid", true, {}, {}, {}, {}, ""),
      Column("tags", 20, "text[]", "text[]", true, {}, {}, {}, {}, ""),
  };
  ASSERT_EQ(table.columns.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(table.columns[i], want[i])
        << "got  " << Describe(table.columns[i]) << "\nwant " << Describe(want[i]);
  }
}

class PostgresSalesSchemaTest : public PostgresTest {
 protected:
  void SetUp() override {
    PostgresTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    Exec("CREATE SCHEMA sales");
    Exec("CREATE TABLE sales.orders (id bigint PRIMARY KEY, total numeric(10,2))");
    Exec("CREATE TABLE sales.items (order_id bigint, line int, sku text, "
         "PRIMARY KEY (order_id, line))");
    Exec("CREATE TABLE sales.\"O'Brien\" (id int)");
    Exec("CREATE VIEW sales.v AS SELECT id FROM sales.orders");
    Exec("CREATE TABLE sales.events (at date NOT NULL, what text) PARTITION BY RANGE (at)");
    Exec("CREATE TABLE sales.events_2024 PARTITION OF sales.events "
         "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')");
  }
};

TEST_F(PostgresSalesSchemaTest, ListsSchemasAndBaseTables) {
  auto introspector = ConnectPostgres(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  auto schemas = (*introspector)->ListDatabases();
  ASSERT_TRUE(schemas.ok()) << schemas.error().message();
  EXPECT_TRUE(Contains(*schemas, "public"));
  EXPECT_TRUE(Contains(*schemas, "sales"));
  for (const std::string& s : *schemas) {
    EXPECT_NE(s, "pg_catalog");
    EXPECT_NE(s, "information_schema");
    EXPECT_NE(s.rfind("pg_toast", 0), 0u) << s;
  }
  EXPECT_TRUE(std::is_sorted(schemas->begin(), schemas->end()));

  // Partitions are read through their parent; views are not tables.
  auto tables = (*introspector)->ListTables("sales");
  ASSERT_TRUE(tables.ok()) << tables.error().message();
  EXPECT_EQ(*tables, (std::vector<std::string>{"O'Brien", "events", "items", "orders"}));

  auto missing = (*introspector)->ListTables("nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.error().message(),
            fmt::format("schema `nope` not found in database `{}` on postgresql at {}", db_,
                        Endpoint(Config(db_))));
}

TEST_F(PostgresSalesSchemaTest, SelectedTablesComeBackInRequestOrder) {
  auto introspector = ConnectIntrospector(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  struct Case {
    std::vector<std::string> requested;
    std::vector<std::string> want;
  };
  const Case cases[] = {
      {{"orders", "items"}, {"orders", "items"}},
      {{"O'Brien", "events"}, {"O'Brien", "events"}},
      {{}, {"O'Brien", "events", "items", "orders"}},
  };
  for (const Case& c : cases) {
    auto tables = (*introspector)->DescribeTables("sales", c.requested, nullptr);
    ASSERT_TRUE(tables.ok()) << tables.error().message();
    EXPECT_EQ(NamesOf(*tables), c.want);
  }
  auto items = (*introspector)->DescribeTables("sales", {"items"}, nullptr);
  ASSERT_TRUE(items.ok()) << items.error().message();
  EXPECT_EQ((*items)[0].database, db_ + ".sales");
  EXPECT_EQ((*items)[0].primary_key, (std::vector<std::string>{"order_id", "line"}));
}

TEST_F(PostgresSalesSchemaTest, MissingTablesFailNamingEveryOne) {
  auto introspector = ConnectPostgres(Config(db_));
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  auto tables =
      (*introspector)->DescribeTables("sales", {"orders", "nope1", "v", "events_2024", "nope2"},
                                      nullptr);
  ASSERT_FALSE(tables.ok());
  EXPECT_EQ(tables.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(tables.error().message(), "table(s) not found in database `" + db_ +
                                          ".sales`: nope1, v, events_2024, nope2");
}

TEST_F(PostgresTest, PingsAndConnectsFromAJdbcUrl) {
  auto config =
      ParseJdbcUrl(fmt::format("jdbc:postgresql://{}:{}/{}", env_->host, env_->port, db_));
  ASSERT_TRUE(config.ok()) << config.error().message();
  config->user = env_->user;
  config->password = env_->password;
  auto introspector = ConnectIntrospector(*config);
  ASSERT_TRUE(introspector.ok()) << introspector.error().message();
  Status ping = (*introspector)->Ping();
  EXPECT_TRUE(ping.ok()) << ping.error().message();
}

TEST_F(PostgresTest, WrongPasswordIsPermissionDenied) {
  ConnectionConfig config = Config(db_);
  config.password = "Wr0ng-" + RandomHex(8);
  auto introspector = ConnectPostgres(config);
  ASSERT_FALSE(introspector.ok());
  const Error& error = introspector.error();
  EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied) << error.message();
  EXPECT_NE(error.message().find("password authentication failed for user \"" + env_->user +
                                 "\""),
            std::string::npos)
      << error.message();
  EXPECT_NE(error.message().find("(SQLSTATE 28P01)"), std::string::npos) << error.message();
  EXPECT_NE(error.message().find(Endpoint(config)), std::string::npos) << error.message();
  EXPECT_EQ(error.message().find(config.password), std::string::npos) << error.message();
  EXPECT_EQ(error.message().find(env_->password), std::string::npos) << error.message();
}

TEST_F(PostgresTest, UnknownDatabaseIsNotFound) {
  ConnectionConfig config = Config(UniqueName("disync_nodb_"));
  auto introspector = ConnectPostgres(config);
  ASSERT_FALSE(introspector.ok());
  EXPECT_EQ(introspector.error().code(), ErrorCode::kNotFound) << introspector.error().message();
  EXPECT_NE(introspector.error().message().find("database \"" + config.database +
                                                "\" does not exist"),
            std::string::npos)
      << introspector.error().message();
  EXPECT_NE(introspector.error().message().find("(SQLSTATE 3D000)"), std::string::npos)
      << introspector.error().message();
}

TEST(PostgresConnect, ClosedPortIsUnavailable) {
  ExpectClosedPortUnavailable(ConnectionConfig::Kind::kPostgres);
}

TEST(PostgresConnect, SilentServerIsDeadlineExceeded) {
  ExpectSilentServerDeadlineExceeded(ConnectionConfig::Kind::kPostgres);
}

}  // namespace
}  // namespace disync::connectors
