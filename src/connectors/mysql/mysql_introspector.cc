#include "connectors/mysql/mysql_introspector.h"

#include <mysql.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <mutex>
#include <string_view>
#include <unordered_set>
#include <utility>

#include <fmt/format.h>

namespace disync::connectors {
namespace {

using Clock = std::chrono::steady_clock;

// Databases every server has; never user data.
constexpr std::string_view kSystemDatabases =
    "'information_schema', 'mysql', 'performance_schema', 'sys'";

// MariaDB lists system-versioned tables apart from plain base tables; both
// hold rows to sync.
constexpr std::string_view kBaseTableTypes = "('BASE TABLE', 'SYSTEM VERSIONED')";

// Server error numbers (mysqld_error.h; MariaDB adds 1969).
constexpr unsigned kErDbAccessDenied = 1044;
constexpr unsigned kErAccessDenied = 1045;
constexpr unsigned kErBadDb = 1049;
constexpr unsigned kErServerShutdown = 1053;
constexpr unsigned kErTooManyConnections = 1040;
constexpr unsigned kErTableAccessDenied = 1142;
constexpr unsigned kErColumnAccessDenied = 1143;
constexpr unsigned kErNoSuchTable = 1146;
constexpr unsigned kErUserLimitReached = 1226;
constexpr unsigned kErSpecificAccessDenied = 1227;
constexpr unsigned kErAccessDeniedNoPassword = 1698;
constexpr unsigned kErUnknownSystemVariable = 1193;
constexpr unsigned kErStatementTimeout = 1969;  // MariaDB max_statement_time
constexpr unsigned kErQueryTimeout = 3024;      // MySQL max_execution_time
constexpr unsigned kFirstClientError = 2000;    // CR_* errors of the driver itself
constexpr unsigned kLastClientError = 2999;

enum class Phase { kConnect, kQuery };

// The driver takes whole seconds; round up so that a short timeout stays one.
unsigned int WholeSeconds(std::chrono::milliseconds timeout) {
  auto seconds = (timeout.count() + 999) / 1000;
  return static_cast<unsigned int>(std::max<int64_t>(1, seconds));
}

bool LooksLikeTimeout(std::string_view message) {
  for (std::string_view marker : {"timeout", "timed out", "(110)"}) {
    if (message.find(marker) != std::string_view::npos) return true;
  }
  return false;
}

// Maps the last error of `mysql` to an Error naming the server and database.
// `elapsed` is how long the failed call took: a driver error after the whole
// timeout is a deadline, not an outage.
Error MysqlError(MYSQL* mysql, const ConnectionConfig& config, Phase phase,
                 Clock::duration elapsed) {
  const unsigned number = mysql_errno(mysql);
  const std::string reason = internal::Redact(mysql_error(mysql), config.password);
  const std::string where = fmt::format("mysql at {} (database `{}`, user `{}`)",
                                        Endpoint(config), config.database, config.user);
  switch (number) {
    case kErAccessDenied:
    case kErDbAccessDenied:
    case kErTableAccessDenied:
    case kErColumnAccessDenied:
    case kErSpecificAccessDenied:
    case kErAccessDeniedNoPassword:
      return Error(ErrorCode::kPermissionDenied,
                   fmt::format("{} denied access: {} (error {})", where, reason, number));
    case kErBadDb:
      return Error::NotFound(fmt::format("{}: database `{}` not found: {} (error {})", where,
                                         config.database, reason, number));
    case kErNoSuchTable:
      return Error::NotFound(fmt::format("{}: {} (error {})", where, reason, number));
    case kErStatementTimeout:
    case kErQueryTimeout:
      return Error(ErrorCode::kDeadlineExceeded,
                   fmt::format("{}: {} (error {})", where, reason, number));
    case kErTooManyConnections:
    case kErUserLimitReached:
    case kErServerShutdown:
      return Error::Unavailable(fmt::format("{}: {} (error {})", where, reason, number));
    default: break;
  }
  if (number >= kFirstClientError && number <= kLastClientError) {
    const std::chrono::milliseconds timeout =
        phase == Phase::kConnect ? config.connect_timeout : config.read_timeout;
    const bool deadline = LooksLikeTimeout(reason) || elapsed >= timeout * 9 / 10;
    const std::string message =
        phase == Phase::kConnect
            ? fmt::format("cannot connect to mysql at {} (database `{}`): {} (error {})",
                          Endpoint(config), config.database, reason, number)
            : fmt::format("lost connection to {}: {} (error {})", where, reason, number);
    return Error(deadline ? ErrorCode::kDeadlineExceeded : ErrorCode::kUnavailable, message);
  }
  return Error::Internal(fmt::format("{}: {} (error {})", where, reason, number));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

template <typename Int>
std::optional<Int> ParseOptionalInt(const std::optional<std::string_view>& text) {
  if (!text) return std::nullopt;
  Int value{};
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

std::string Text(const std::optional<std::string_view>& text) {
  return text ? std::string(*text) : std::string();
}

// `name` as a quoted SQL identifier: in backticks, each backtick doubled.
std::string QuoteIdentifier(std::string_view name) {
  std::string quoted = "`";
  for (char c : name) {
    quoted.push_back(c);
    if (c == '`') quoted.push_back('`');
  }
  quoted.push_back('`');
  return quoted;
}

// `json_valid(`col`)`: the CHECK MariaDB adds to a JSON column.
std::string JsonCheckClause(std::string_view column) {
  return fmt::format("json_valid({})", QuoteIdentifier(column));
}

std::once_flag library_init_once;

}  // namespace

Result<std::unique_ptr<SchemaIntrospector>> ConnectMysql(const ConnectionConfig& config) {
  DISYNC_ASSIGN_OR_RETURN(std::unique_ptr<MysqlIntrospector> introspector,
                          MysqlIntrospector::Connect(config));
  return std::unique_ptr<SchemaIntrospector>(std::move(introspector));
}

Result<std::unique_ptr<MysqlIntrospector>> MysqlIntrospector::Connect(
    const ConnectionConfig& config) {
  // mysql_init would do this implicitly, but not thread-safely.
  std::call_once(library_init_once, [] { mysql_library_init(0, nullptr, nullptr); });

  MYSQL* mysql = mysql_init(nullptr);
  if (mysql == nullptr) return Error::Internal("mysql_init failed: out of memory");

  unsigned int connect_seconds = WholeSeconds(config.connect_timeout);
  unsigned int read_seconds = WholeSeconds(config.read_timeout);
  // TCP even for "localhost": the URL names a network endpoint.
  unsigned int protocol = MYSQL_PROTOCOL_TCP;
  unsigned int no_local_infile = 0;
  mysql_options(mysql, MYSQL_OPT_CONNECT_TIMEOUT, &connect_seconds);
  mysql_options(mysql, MYSQL_OPT_READ_TIMEOUT, &read_seconds);
  mysql_options(mysql, MYSQL_OPT_WRITE_TIMEOUT, &read_seconds);
  mysql_options(mysql, MYSQL_OPT_PROTOCOL, &protocol);
  mysql_options(mysql, MYSQL_OPT_LOCAL_INFILE, &no_local_infile);
  mysql_options(mysql, MYSQL_SET_CHARSET_NAME, "utf8mb4");

  const Clock::time_point start = Clock::now();
  if (mysql_real_connect(mysql, config.host.c_str(), config.user.c_str(),
                         config.password.c_str(),
                         config.database.empty() ? nullptr : config.database.c_str(),
                         config.port, nullptr, 0) == nullptr) {
    Error error = MysqlError(mysql, config, Phase::kConnect, Clock::now() - start);
    mysql_close(mysql);
    return error;
  }
  const char* server_info = mysql_get_server_info(mysql);
  const bool is_mariadb = server_info != nullptr &&
                          std::string_view(server_info).find("MariaDB") != std::string_view::npos;

  ConnectionConfig kept = config;
  kept.password.clear();
  std::unique_ptr<MysqlIntrospector> introspector(
      new MysqlIntrospector(mysql, std::move(kept), is_mariadb));
  if (is_mariadb) {
    // MariaDB (10.3.18 on) turns an IN list of 1000 values or more into a
    // subquery, and an information_schema table then no longer matches the
    // names before it opens each table: CHECK_CONSTRAINTS of 1000 tables in
    // a database of 10,000 took 1.8 s instead of 0.02-0.16 s, COLUMNS 400 ms
    // instead of 50-90 ms (bench/README.md, eighteenth round). Older
    // servers have no such conversion and no such variable.
    Status unconverted = introspector->Query("SET SESSION in_predicate_conversion_threshold = 0",
                                             [](const Row&) { return OkStatus(); });
    if (!unconverted.ok() && mysql_errno(mysql) != kErUnknownSystemVariable) {
      return unconverted.error();
    }
  }
  return introspector;
}

MysqlIntrospector::MysqlIntrospector(st_mysql* mysql, ConnectionConfig config, bool is_mariadb)
    : mysql_(mysql), config_(std::move(config)), is_mariadb_(is_mariadb) {}

MysqlIntrospector::~MysqlIntrospector() { mysql_close(mysql_); }

Status MysqlIntrospector::Query(std::string_view sql, const RowFn& on_row) {
  const Clock::time_point start = Clock::now();
  if (mysql_real_query(mysql_, sql.data(), sql.size()) != 0) {
    return MysqlError(mysql_, config_, Phase::kQuery, Clock::now() - start);
  }
  MYSQL_RES* result = mysql_use_result(mysql_);
  if (result == nullptr) {
    if (mysql_errno(mysql_) != 0) {
      return MysqlError(mysql_, config_, Phase::kQuery, Clock::now() - start);
    }
    return OkStatus();  // a statement without a result set
  }
  const unsigned int field_count = mysql_num_fields(result);
  Row row(field_count);
  Status status = OkStatus();
  while (MYSQL_ROW raw = mysql_fetch_row(result)) {
    const unsigned long* lengths = mysql_fetch_lengths(result);
    for (unsigned int i = 0; i < field_count; ++i) {
      row[i] = raw[i] == nullptr ? std::nullopt
                                 : std::optional<std::string_view>(std::in_place, raw[i],
                                                                   lengths[i]);
    }
    status = on_row(row);
    if (!status.ok()) break;
  }
  // A fetch loop ends on the last row or on an error; only errno tells.
  if (status.ok() && mysql_errno(mysql_) != 0) {
    status = MysqlError(mysql_, config_, Phase::kQuery, Clock::now() - start);
  }
  mysql_free_result(result);  // drains the rows left unread
  return status;
}

std::string MysqlIntrospector::Quote(std::string_view value) {
  std::string escaped(value.size() * 2 + 1, '\0');
  unsigned long length =
      mysql_real_escape_string(mysql_, escaped.data(), value.data(), value.size());
  escaped.resize(length);
  return "'" + escaped + "'";
}

Status MysqlIntrospector::ForEachTable(const std::string& database, TableKinds kinds,
                                       const std::function<void(std::string_view)>& on_table) {
  // SHOW, not information_schema.TABLES. For the names alone MariaDB lists
  // the database's directory (2 ms for 1,000 tables); to tell a base table
  // from a view it reads the head of each table's definition for SHOW FULL
  // (10-16 ms) and the whole of it for TABLES (19 ms; bench/README.md). SHOW
  // also fails on a database that does not exist instead of listing nothing.
  const std::string quoted = QuoteIdentifier(database);
  const std::string sql =
      kinds == TableKinds::kAll
          ? fmt::format("SHOW TABLES FROM {}", quoted)
          : fmt::format("SHOW FULL TABLES FROM {} WHERE Table_type {}IN {}", quoted,
                        kinds == TableKinds::kBase ? "" : "NOT ", kBaseTableTypes);
  Status status = Query(sql, [&](const Row& row) {
    on_table(row[0].value_or(std::string_view()));
    return OkStatus();
  });
  if (!status.ok() && mysql_errno(mysql_) == kErBadDb) {
    return Error::NotFound(
        fmt::format("database `{}` not found on mysql at {}", database, Endpoint(config_)));
  }
  return status;
}

Result<const MysqlIntrospector::Listing*> MysqlIntrospector::ListAll(const std::string& database) {
  if (auto listed = listed_.find(database); listed != listed_.end()) return &listed->second;
  Listing listing;
  DISYNC_RETURN_IF_ERROR(ForEachTable(database, TableKinds::kAll, [&](std::string_view name) {
    listing.names.emplace_back(name);
  }));
  auto [entry, inserted] = listed_.emplace(database, std::move(listing));
  // Views into the names where the map keeps them.
  entry->second.contains = {entry->second.names.begin(), entry->second.names.end()};
  return &entry->second;
}

Status MysqlIntrospector::Ping() {
  return Query("SELECT 1", [](const Row&) { return OkStatus(); });
}

Result<std::vector<std::string>> MysqlIntrospector::ListDatabases() {
  std::vector<std::string> names;
  DISYNC_RETURN_IF_ERROR(Query(
      fmt::format("SELECT SCHEMA_NAME FROM information_schema.SCHEMATA "
                  "WHERE SCHEMA_NAME NOT IN ({})",
                  kSystemDatabases),
      [&](const Row& row) {
        names.push_back(Text(row[0]));
        return OkStatus();
      }));
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> MysqlIntrospector::ListTables(const std::string& database) {
  std::vector<std::string> names;
  DISYNC_RETURN_IF_ERROR(ForEachTable(database, TableKinds::kBase,
                                      [&](std::string_view name) { names.emplace_back(name); }));
  std::sort(names.begin(), names.end());
  return names;
}

std::string MysqlIntrospector::InFilter(std::string_view column,
                                        const std::vector<std::string>& values) {
  std::string filter = fmt::format(" AND {} IN (", column);
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) filter += ", ";
    filter += Quote(values[i]);
  }
  filter += ')';
  return filter;
}

Status MysqlIntrospector::OrderCompositeKeys(const std::string& schema,
                                             const std::vector<std::string>& tables,
                                             std::map<std::string, TableSchema>& found) {
  if (tables.empty()) return OkStatus();
  struct Index {
    std::string name;
    std::vector<std::pair<int32_t, std::string>> columns;  // position in the key, name
  };
  std::map<std::string, std::vector<Index>, std::less<>> unique_indexes;
  DISYNC_RETURN_IF_ERROR(Query(
      fmt::format("SELECT TABLE_NAME, INDEX_NAME, COLUMN_NAME, SEQ_IN_INDEX "
                  "FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = {} AND NON_UNIQUE = 0{}",
                  schema, InFilter("TABLE_NAME", tables)),
      [&](const Row& row) {
        std::vector<Index>& of = unique_indexes[Text(row[0])];
        const std::string_view index = row[1].value_or(std::string_view());
        if (of.empty() || of.back().name != index) of.push_back({std::string(index), {}});
        of.back().columns.emplace_back(ParseOptionalInt<int32_t>(row[3]).value_or(0), Text(row[2]));
        return OkStatus();
      }));
  for (const std::string& name : tables) {
    auto indexes = unique_indexes.find(name);
    if (indexes == unique_indexes.end()) continue;
    std::vector<std::string>& key = found.at(name).primary_key;
    std::vector<std::string> members = key;
    std::sort(members.begin(), members.end());
    const auto covers_the_key = [&](const Index& index) {
      std::vector<std::string> columns;
      for (const auto& [position, column] : index.columns) columns.push_back(column);
      std::sort(columns.begin(), columns.end());
      return columns == members;
    };
    // The PRIMARY KEY, or else the first unique index over the same columns
    // (the one the server took in its place); else the order of the table.
    const std::vector<Index>& of = indexes->second;
    auto chosen = std::find_if(of.begin(), of.end(), [&](const Index& index) {
      return index.name == "PRIMARY" && covers_the_key(index);
    });
    if (chosen == of.end()) chosen = std::find_if(of.begin(), of.end(), covers_the_key);
    if (chosen == of.end()) continue;
    std::vector<std::pair<int32_t, std::string>> ordered = chosen->columns;
    std::sort(ordered.begin(), ordered.end());
    key.clear();
    for (auto& [position, column] : ordered) key.push_back(std::move(column));
  }
  return OkStatus();
}

Result<std::vector<TableSchema>> MysqlIntrospector::DescribeTables(
    const std::string& database, const std::vector<std::string>& tables,
    const ProgressFn& progress) {
  const std::vector<std::string> wanted = internal::Deduplicate(tables);
  const std::string schema = Quote(database);

  // The name of every table, view and sequence of the database: tells how
  // selective the selection is. What is not a base table is left out below,
  // once the columns show which might be one.
  DISYNC_ASSIGN_OR_RETURN(const Listing* listing, ListAll(database));
  std::map<std::string, TableSchema> found;
  const auto add = [&](std::string_view name) {
    TableSchema table;
    table.database = database;
    table.name = name;
    found.emplace(std::string(name), std::move(table));
  };
  if (wanted.empty()) {
    for (const std::string& name : listing->names) add(name);
  } else {
    for (const std::string& name : wanted) {
      if (listing->contains.contains(name)) add(name);
    }
  }

  // The queries below send only the selected tables' rows unless the
  // selection is three quarters of the database or more: a table matched by
  // name costs the server about 1.17 times one read with all the others
  // (10,000 tables in 10 databases, all selected: 62 ms of COLUMNS per
  // database against 53 ms), so matching pays below about 85%. Either way
  // each query runs once, whatever the number of tables.
  std::string table_filter;
  if (!wanted.empty() && wanted.size() <= internal::kMaxTablesInFilter &&
      wanted.size() * 4 < listing->names.size() * 3) {
    table_filter = InFilter("TABLE_NAME", wanted);
  }

  if (!found.empty()) {
    // One pass over the definitions gives the columns and, in COLUMN_KEY,
    // most of what a query each of STATISTICS and SHOW FULL TABLES would
    // tell (over 10,000 tables MariaDB spends 0.37 s on COLUMNS, 0.18 s on
    // STATISTICS and 0.10-0.17 s on SHOW FULL TABLES: bench/README.md). The
    // columns of the key the server takes for the primary key are PRI (the
    // PRIMARY KEY or, without one, the first UNIQUE key over whole NOT NULL
    // columns: the key InnoDB clusters the rows by and a minimal binlog row
    // image identifies a row with), and the first column of any index has a
    // mark. MariaDB sends a table's columns together: the table of the
    // previous row is looked up again only when the name changes.
    auto table = found.end();
    size_t last_width = 0;  // the previous table's column count, as room for the next
    std::unordered_set<std::string_view> indexed;  // names kept by `found`
    DISYNC_RETURN_IF_ERROR(Query(
        fmt::format("SELECT TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, "
                    "IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, "
                    "DATETIME_PRECISION, COLUMN_COMMENT, COLUMN_KEY "
                    "FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = {}{}",
                    schema, table_filter),
        [&](const Row& row) {
          const std::string_view name = row[0].value_or(std::string_view());
          if (table == found.end() || table->first != name) {
            if (table != found.end()) last_width = table->second.columns.size();
            table = found.find(std::string(name));
            if (table == found.end()) return OkStatus();  // not selected
            table->second.columns.reserve(last_width);
          }
          ColumnSchema& column = table->second.columns.emplace_back();
          column.name = Text(row[1]);
          column.ordinal = ParseOptionalInt<int32_t>(row[2]).value_or(0);
          column.data_type = Lower(row[3].value_or(std::string_view()));
          column.column_type = Text(row[4]);
          column.nullable = row[5] == "YES";
          column.char_max_length = ParseOptionalInt<int64_t>(row[6]);
          column.numeric_precision = ParseOptionalInt<int32_t>(row[7]);
          column.numeric_scale = ParseOptionalInt<int32_t>(row[8]);
          column.datetime_precision = ParseOptionalInt<int32_t>(row[9]);
          column.comment = Text(row[10]);
          const std::string_view key = row[11].value_or(std::string_view());
          if (!key.empty()) {
            indexed.insert(table->first);
            if (key == "PRI") table->second.primary_key.push_back(column.name);
          }
          return OkStatus();
        }));

    // A view or a sequence has no index: only a table without one may be
    // something else than a base table, and only then does the server read
    // the head of every definition to say which.
    if (indexed.size() < found.size()) {
      DISYNC_RETURN_IF_ERROR(ForEachTable(database, TableKinds::kOther, [&](std::string_view name) {
        if (auto other = found.find(std::string(name)); other != found.end()) {
          found.erase(other);
        }
      }));
    }
    // Most often already in order: MariaDB lists a table's columns by
    // position. The key's columns were taken in the rows' order.
    const auto by_ordinal = [](const ColumnSchema& a, const ColumnSchema& b) {
      return a.ordinal < b.ordinal;
    };
    std::vector<std::string> composite;
    for (auto& [name, t] : found) {
      if (!std::is_sorted(t.columns.begin(), t.columns.end(), by_ordinal)) {
        std::sort(t.columns.begin(), t.columns.end(), by_ordinal);
        std::vector<std::string> key;
        for (const ColumnSchema& c : t.columns) {
          if (std::find(t.primary_key.begin(), t.primary_key.end(), c.name) !=
              t.primary_key.end()) {
            key.push_back(c.name);
          }
        }
        t.primary_key = std::move(key);
      }
      if (t.primary_key.size() > 1) composite.push_back(name);
    }
    DISYNC_RETURN_IF_ERROR(OrderCompositeKeys(schema, composite, found));

    // MariaDB stores JSON as LONGTEXT with a json_valid() CHECK; report it as
    // json, as MySQL does, so that the type mapping can tell. MariaDB opens
    // each table in its storage engine to answer CHECK_CONSTRAINTS (about
    // 0.2 ms per InnoDB table, ten times what COLUMNS costs), so only the
    // tables with a LONGTEXT column are asked about.
    std::vector<std::string> longtext_tables;
    for (const auto& [name, table] : found) {
      if (is_mariadb_ &&
          std::any_of(table.columns.begin(), table.columns.end(),
                      [](const ColumnSchema& c) { return c.data_type == "longtext"; })) {
        longtext_tables.push_back(name);
      }
    }
    if (!longtext_tables.empty()) {
      std::map<std::string, std::map<std::string, std::string>> checks;
      DISYNC_RETURN_IF_ERROR(
          Query(fmt::format("SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE "
                            "FROM information_schema.CHECK_CONSTRAINTS "
                            "WHERE CONSTRAINT_SCHEMA = {} AND CHECK_CLAUSE LIKE 'json_valid(%'{}",
                            schema, InFilter("TABLE_NAME", longtext_tables)),
                [&](const Row& row) {
                  checks[Text(row[0])][Text(row[1])] = Text(row[2]);
                  return OkStatus();
                }));
      for (auto& [name, table] : found) {
        auto table_checks = checks.find(name);
        if (table_checks == checks.end()) continue;
        for (ColumnSchema& column : table.columns) {
          auto check = table_checks->second.find(column.name);
          if (column.data_type == "longtext" && check != table_checks->second.end() &&
              check->second == JsonCheckClause(column.name)) {
            column.data_type = "json";
            column.column_type = "json";
            column.char_max_length.reset();
          }
        }
      }
    }
  }

  return internal::SelectRequested(std::move(found), wanted, database, progress);
}

}  // namespace disync::connectors
