#include "connectors/postgres/postgres_introspector.h"

#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <map>
#include <utility>

#include <fmt/format.h>

namespace disync::connectors {
namespace {

using Clock = std::chrono::steady_clock;

// Narrows a catalog query to the requested tables; `$2` is bound to a text[]
// literal of their names.
constexpr std::string_view kTableFilter = " AND c.relname = ANY($2::text[])";

// Tables that hold rows: ordinary and partitioned (the parent; partitions
// are read through it).
constexpr std::string_view kBaseTables = "c.relkind IN ('r', 'p') AND NOT c.relispartition";

struct SqlState {
  std::string_view code;
  ErrorCode error;
};

// SQLSTATEs with a meaning of their own; the rest of class 08 (connection
// exception) is kUnavailable, anything else kInternal.
constexpr SqlState kSqlStates[] = {
    {"28P01", ErrorCode::kPermissionDenied},  // invalid_password
    {"28000", ErrorCode::kPermissionDenied},  // invalid_authorization_specification
    {"42501", ErrorCode::kPermissionDenied},  // insufficient_privilege
    {"3D000", ErrorCode::kNotFound},          // invalid_catalog_name
    {"3F000", ErrorCode::kNotFound},          // invalid_schema_name
    {"42P01", ErrorCode::kNotFound},          // undefined_table
    {"57014", ErrorCode::kDeadlineExceeded},  // query_canceled (statement_timeout)
    {"53300", ErrorCode::kUnavailable},       // too_many_connections
    {"57P01", ErrorCode::kUnavailable},       // admin_shutdown
    {"57P02", ErrorCode::kUnavailable},       // crash_shutdown
    {"57P03", ErrorCode::kUnavailable},       // cannot_connect_now
};

std::optional<ErrorCode> CodeOfSqlState(std::string_view state) {
  for (const SqlState& s : kSqlStates) {
    if (s.code == state) return s.error;
  }
  if (state.size() == 5 && state.substr(0, 2) == "08") return ErrorCode::kUnavailable;
  if (state.empty()) return std::nullopt;
  return ErrorCode::kInternal;
}

bool IsSqlStateChar(char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z'); }

// A connection failure message from libpq in verbose mode reads
//   connection to server at "h" (1.2.3.4), port 5432 failed: FATAL:  28P01: password ...
//   LOCATION:  auth_failed, auth.c:323
// Returns the SQLSTATE (empty when the server sent none) and the message
// without the SQLSTATE and the LOCATION lines.
std::pair<std::string, std::string> SplitVerboseMessage(std::string_view message) {
  std::string state;
  std::string clean;
  while (!message.empty()) {
    size_t eol = message.find('\n');
    std::string_view line = message.substr(0, eol);
    message = eol == std::string_view::npos ? std::string_view() : message.substr(eol + 1);
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty() || line.substr(0, 9) == "LOCATION:") continue;
    std::string text(line);
    for (std::string_view severity : {"FATAL:  ", "ERROR:  "}) {
      size_t at = line.find(severity);
      if (at == std::string_view::npos) continue;
      std::string_view rest = line.substr(at + severity.size());
      if (rest.size() > 7 && std::all_of(rest.begin(), rest.begin() + 5, IsSqlStateChar) &&
          rest.substr(5, 2) == ": ") {
        if (state.empty()) state = std::string(rest.substr(0, 5));
        text = std::string(line.substr(0, at + severity.size())) + std::string(rest.substr(7));
      }
      break;
    }
    if (!clean.empty()) clean.push_back(' ');
    clean.append(text);
  }
  while (!clean.empty() && clean.back() == ' ') clean.pop_back();
  return {state, clean};
}

Error ConnectError(const ConnectionConfig& config, ErrorCode code, std::string_view reason,
                   std::string_view state) {
  const std::string suffix = state.empty() ? std::string() : fmt::format(" (SQLSTATE {})", state);
  const std::string where = fmt::format("postgresql at {} (database `{}`, user `{}`)",
                                        Endpoint(config), config.database, config.user);
  switch (code) {
    case ErrorCode::kPermissionDenied:
      return Error(code, fmt::format("{} denied access: {}{}", where, reason, suffix));
    case ErrorCode::kNotFound:
      return Error(code, fmt::format("{}: database `{}` not found: {}{}", where, config.database,
                                     reason, suffix));
    case ErrorCode::kUnavailable:
    case ErrorCode::kDeadlineExceeded:
      return Error(code, fmt::format("cannot connect to postgresql at {} (database `{}`): {}{}",
                                     Endpoint(config), config.database, reason, suffix));
    default: return Error(code, fmt::format("{}: {}{}", where, reason, suffix));
  }
}

// Maps a failed connection attempt to an Error.
Error FromFailedConnect(PGconn* conn, const ConnectionConfig& config) {
  auto [state, reason] = SplitVerboseMessage(PQerrorMessage(conn));
  reason = internal::Redact(std::move(reason), config.password);
  // No SQLSTATE: the server was never reached (refused, unknown host, TLS),
  // or it asked for a password that we do not have.
  ErrorCode code = CodeOfSqlState(state).value_or(PQconnectionNeedsPassword(conn)
                                                      ? ErrorCode::kPermissionDenied
                                                      : ErrorCode::kUnavailable);
  return ConnectError(config, code, reason, state);
}

// Waits for the connection handshake with an overall deadline; libpq's own
// connect_timeout applies to blocking connects only.
Status CompleteConnect(PGconn* conn, const ConnectionConfig& config) {
  const Clock::time_point deadline = Clock::now() + config.connect_timeout;
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) return FromFailedConnect(conn, config);
    auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      return ConnectError(config, ErrorCode::kDeadlineExceeded,
                          fmt::format("no answer within {} ms", config.connect_timeout.count()),
                          "");
    }
    pollfd fd{};
    fd.fd = PQsocket(conn);
    fd.events = state == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    int ready = poll(&fd, 1, static_cast<int>(remaining.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;  // the deadline check above answers
    state = PQconnectPoll(conn);
  }
  return OkStatus();
}

std::string Text(const std::optional<std::string_view>& text) {
  return text ? std::string(*text) : std::string();
}

template <typename Int>
std::optional<Int> ParseOptionalInt(const std::optional<std::string_view>& text) {
  if (!text) return std::nullopt;
  Int value{};
  auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
  if (ec != std::errc() || end != text->data() + text->size()) return std::nullopt;
  return value;
}

// A text[] literal: {"a","b\"c"}.
std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out.push_back(',');
    out.push_back('"');
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    out.push_back('"');
  }
  out.push_back('}');
  return out;
}

void IgnoreNotice(void*, const char*) {}

}  // namespace

Result<std::unique_ptr<SchemaIntrospector>> ConnectPostgres(const ConnectionConfig& config) {
  DISYNC_ASSIGN_OR_RETURN(std::unique_ptr<PostgresIntrospector> introspector,
                          PostgresIntrospector::Connect(config));
  return std::unique_ptr<SchemaIntrospector>(std::move(introspector));
}

Result<std::unique_ptr<PostgresIntrospector>> PostgresIntrospector::Connect(
    const ConnectionConfig& config) {
  const std::string port = std::to_string(config.port);
  const std::string connect_seconds =
      std::to_string(std::max<int64_t>(1, (config.connect_timeout.count() + 999) / 1000));
  const std::string read_ms = std::to_string(config.read_timeout.count());
  const std::string options = "-c statement_timeout=" + read_ms;
  std::vector<const char*> keys = {"host", "port", "user", "password", "connect_timeout",
                                   "options", "tcp_user_timeout", "keepalives",
                                   "application_name", "client_encoding"};
  std::vector<const char*> values = {config.host.c_str(), port.c_str(), config.user.c_str(),
                                     config.password.c_str(), connect_seconds.c_str(),
                                     options.c_str(), read_ms.c_str(), "1",
                                     "disync", "UTF8"};
  if (!config.database.empty()) {
    keys.push_back("dbname");
    values.push_back(config.database.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);

  PGconn* conn = PQconnectStartParams(keys.data(), values.data(), /*expand_dbname=*/0);
  if (conn == nullptr) return Error::Internal("PQconnectStartParams failed: out of memory");
  // Verbose messages carry the server's SQLSTATE, the only reliable way to
  // tell a wrong password from a missing database before a PGresult exists.
  PQsetErrorVerbosity(conn, PQERRORS_VERBOSE);
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  Status connected = PQstatus(conn) == CONNECTION_BAD ? Status(FromFailedConnect(conn, config))
                                                       : CompleteConnect(conn, config);
  if (!connected.ok()) {
    PQfinish(conn);
    return std::move(connected).error();
  }
  PQsetErrorVerbosity(conn, PQERRORS_DEFAULT);

  ConnectionConfig kept = config;
  kept.password.clear();
  kept.database = PQdb(conn);
  return std::unique_ptr<PostgresIntrospector>(new PostgresIntrospector(conn, std::move(kept)));
}

PostgresIntrospector::PostgresIntrospector(pg_conn* conn, ConnectionConfig config)
    : conn_(conn), config_(std::move(config)) {}

PostgresIntrospector::~PostgresIntrospector() { PQfinish(conn_); }

Status PostgresIntrospector::Query(const std::string& sql, const std::vector<std::string>& params,
                                   const RowFn& on_row) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const std::string& p : params) values.push_back(p.c_str());
  const Clock::time_point start = Clock::now();
  std::unique_ptr<PGresult, decltype(&PQclear)> result(
      PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr, values.data(),
                   nullptr, nullptr, /*resultFormat=*/0),
      &PQclear);
  const ExecStatusType status =
      result == nullptr ? PGRES_FATAL_ERROR : PQresultStatus(result.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    const char* state_field =
        result == nullptr ? nullptr : PQresultErrorField(result.get(), PG_DIAG_SQLSTATE);
    const char* primary =
        result == nullptr ? nullptr : PQresultErrorField(result.get(), PG_DIAG_MESSAGE_PRIMARY);
    std::string state = state_field == nullptr ? "" : state_field;
    std::string reason = primary != nullptr ? primary : PQerrorMessage(conn_);
    while (!reason.empty() && reason.back() == '\n') reason.pop_back();
    std::optional<ErrorCode> code = CodeOfSqlState(state);
    if (!code) {
      // No SQLSTATE: the connection broke; after the whole read timeout it
      // is the socket's tcp_user_timeout.
      code = PQstatus(conn_) == CONNECTION_BAD
                 ? (Clock::now() - start >= config_.read_timeout * 9 / 10
                        ? ErrorCode::kDeadlineExceeded
                        : ErrorCode::kUnavailable)
                 : ErrorCode::kInternal;
    }
    return Error(*code, fmt::format("postgresql at {} (database `{}`): {}{}", Endpoint(config_),
                                    config_.database, reason,
                                    state.empty() ? "" : fmt::format(" (SQLSTATE {})", state)));
  }
  const int rows = PQntuples(result.get());
  const int fields = PQnfields(result.get());
  Row row(static_cast<size_t>(fields));
  for (int r = 0; r < rows; ++r) {
    for (int f = 0; f < fields; ++f) {
      row[f] = PQgetisnull(result.get(), r, f)
                   ? std::nullopt
                   : std::optional<std::string_view>(
                         std::in_place, PQgetvalue(result.get(), r, f),
                         static_cast<size_t>(PQgetlength(result.get(), r, f)));
    }
    DISYNC_RETURN_IF_ERROR(on_row(row));
  }
  return OkStatus();
}

Status PostgresIntrospector::CheckSchemaExists(const std::string& schema) {
  bool exists = false;
  DISYNC_RETURN_IF_ERROR(Query("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = $1",
                               {schema}, [&](const Row&) {
                                 exists = true;
                                 return OkStatus();
                               }));
  if (!exists) {
    return Error::NotFound(fmt::format("schema `{}` not found in database `{}` on postgresql at {}",
                                       schema, config_.database, Endpoint(config_)));
  }
  return OkStatus();
}

Status PostgresIntrospector::Ping() {
  return Query("SELECT 1", {}, [](const Row&) { return OkStatus(); });
}

Result<std::vector<std::string>> PostgresIntrospector::ListDatabases() {
  std::vector<std::string> names;
  DISYNC_RETURN_IF_ERROR(Query(
      "SELECT nspname FROM pg_catalog.pg_namespace "
      "WHERE nspname NOT IN ('pg_catalog', 'information_schema') "
      "AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp\\_%'",
      {}, [&](const Row& row) {
        names.push_back(Text(row[0]));
        return OkStatus();
      }));
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<std::string>> PostgresIntrospector::ListTables(const std::string& schema) {
  std::vector<std::string> names;
  DISYNC_RETURN_IF_ERROR(Query(
      fmt::format("SELECT c.relname FROM pg_catalog.pg_class c "
                  "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                  "WHERE n.nspname = $1 AND {}",
                  kBaseTables),
      {schema}, [&](const Row& row) {
        names.push_back(Text(row[0]));
        return OkStatus();
      }));
  if (names.empty()) DISYNC_RETURN_IF_ERROR(CheckSchemaExists(schema));
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::vector<TableSchema>> PostgresIntrospector::DescribeTables(
    const std::string& schema, const std::vector<std::string>& tables,
    const ProgressFn& progress) {
  const std::vector<std::string> wanted = internal::Deduplicate(tables);
  std::vector<std::string> params = {schema};
  std::string_view filter;
  if (!wanted.empty() && wanted.size() <= internal::kMaxTablesInFilter) {
    params.push_back(TextArrayLiteral(wanted));
    filter = kTableFilter;
  }
  const std::string label = config_.database + "." + schema;

  std::map<std::string, TableSchema> found;
  DISYNC_RETURN_IF_ERROR(
      Query(fmt::format("SELECT c.relname FROM pg_catalog.pg_class c "
                        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                        "WHERE n.nspname = $1 AND {}{}",
                        kBaseTables, filter),
            params, [&](const Row& row) {
              TableSchema table;
              table.database = label;
              table.name = Text(row[0]);
              std::string name = table.name;
              found.emplace(std::move(name), std::move(table));
              return OkStatus();
            }));
  if (found.empty()) DISYNC_RETURN_IF_ERROR(CheckSchemaExists(schema));

  if (!found.empty()) {
    // The lengths and precisions as information_schema.columns computes them.
    DISYNC_RETURN_IF_ERROR(Query(
        fmt::format(
            "SELECT c.relname, a.attname, a.attnum, "
            "pg_catalog.format_type(a.atttypid, NULL), "
            "pg_catalog.format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, "
            "information_schema._pg_char_max_length("
            "information_schema._pg_truetypid(a.*, t.*), "
            "information_schema._pg_truetypmod(a.*, t.*)), "
            "information_schema._pg_numeric_precision("
            "information_schema._pg_truetypid(a.*, t.*), "
            "information_schema._pg_truetypmod(a.*, t.*)), "
            "information_schema._pg_numeric_scale("
            "information_schema._pg_truetypid(a.*, t.*), "
            "information_schema._pg_truetypmod(a.*, t.*)), "
            "information_schema._pg_datetime_precision("
            "information_schema._pg_truetypid(a.*, t.*), "
            "information_schema._pg_truetypmod(a.*, t.*)), "
            "COALESCE(pg_catalog.col_description(c.oid, a.attnum), '') "
            "FROM pg_catalog.pg_attribute a "
            "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
            "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_catalog.pg_type t ON t.oid = a.atttypid "
            "WHERE n.nspname = $1 AND {} AND a.attnum > 0 AND NOT a.attisdropped{}",
            kBaseTables, filter),
        params, [&](const Row& row) {
          auto table = found.find(Text(row[0]));
          if (table == found.end()) return OkStatus();
          ColumnSchema column;
          column.name = Text(row[1]);
          column.ordinal = ParseOptionalInt<int32_t>(row[2]).value_or(0);
          column.data_type = Text(row[3]);
          column.column_type = Text(row[4]);
          column.nullable = Text(row[5]) == "t";
          column.char_max_length = ParseOptionalInt<int64_t>(row[6]);
          column.numeric_precision = ParseOptionalInt<int32_t>(row[7]);
          column.numeric_scale = ParseOptionalInt<int32_t>(row[8]);
          column.datetime_precision = ParseOptionalInt<int32_t>(row[9]);
          column.comment = Text(row[10]);
          table->second.columns.push_back(std::move(column));
          return OkStatus();
        }));

    std::map<std::string, std::vector<std::pair<int64_t, std::string>>> keys;
    DISYNC_RETURN_IF_ERROR(Query(
        fmt::format("SELECT c.relname, a.attname, k.ord "
                    "FROM pg_catalog.pg_index i "
                    "JOIN pg_catalog.pg_class c ON c.oid = i.indrelid "
                    "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                    "CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord) "
                    "JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum "
                    "WHERE i.indisprimary AND n.nspname = $1{}",
                    filter),
        params, [&](const Row& row) {
          keys[Text(row[0])].emplace_back(ParseOptionalInt<int64_t>(row[2]).value_or(0),
                                          Text(row[1]));
          return OkStatus();
        }));
    for (auto& [name, key] : keys) {
      auto table = found.find(name);
      if (table == found.end()) continue;
      std::sort(key.begin(), key.end());
      for (auto& [position, column] : key) table->second.primary_key.push_back(column);
    }
  }

  // attnum keeps gaps where columns were dropped; positions are 1..n.
  for (auto& [name, table] : found) {
    std::sort(table.columns.begin(), table.columns.end(),
              [](const ColumnSchema& a, const ColumnSchema& b) { return a.ordinal < b.ordinal; });
    for (size_t i = 0; i < table.columns.size(); ++i) {
      table.columns[i].ordinal = static_cast<int32_t>(i + 1);
    }
  }
  return internal::SelectRequested(std::move(found), wanted, label, progress);
}

}  // namespace disync::connectors
