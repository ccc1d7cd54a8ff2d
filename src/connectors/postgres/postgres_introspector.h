// PostgresIntrospector: the SchemaIntrospector of PostgreSQL, over one libpq
// connection to the configured database. Its "databases" are the schemas of
// that database; TableSchema.database is "<database>.<schema>".
//
// The connect timeout bounds the whole connection set-up (a non-blocking
// PQconnectPoll loop with a deadline); the read timeout becomes the session's
// statement_timeout and the socket's tcp_user_timeout. Queries go through
// PQexecParams with bound parameters; DescribeTables reads pg_class,
// pg_attribute and pg_index once each per schema, the table list bound as a
// text[] parameter.
//
// Owns its PGconn, closed on destruction. Thread-compatible.
#ifndef DISYNC_CONNECTORS_POSTGRES_POSTGRES_INTROSPECTOR_H_
#define DISYNC_CONNECTORS_POSTGRES_POSTGRES_INTROSPECTOR_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/introspector.h"

struct pg_conn;

namespace disync::connectors {

class PostgresIntrospector final : public SchemaIntrospector {
 public:
  static Result<std::unique_ptr<PostgresIntrospector>> Connect(const ConnectionConfig& config);

  ~PostgresIntrospector() override;
  PostgresIntrospector(const PostgresIntrospector&) = delete;
  PostgresIntrospector& operator=(const PostgresIntrospector&) = delete;

  Status Ping() override;
  Result<std::vector<std::string>> ListDatabases() override;
  Result<std::vector<std::string>> ListTables(const std::string& schema) override;
  Result<std::vector<TableSchema>> DescribeTables(const std::string& schema,
                                                  const std::vector<std::string>& tables,
                                                  const ProgressFn& progress) override;

 private:
  // The columns of one result row (NULL = nullopt); views valid during the
  // callback only.
  using Row = std::vector<std::optional<std::string_view>>;
  using RowFn = std::function<Status(const Row&)>;

  PostgresIntrospector(pg_conn* conn, ConnectionConfig config);

  // Runs `sql` with text parameters $1.. and passes each row to `on_row`.
  Status Query(const std::string& sql, const std::vector<std::string>& params,
               const RowFn& on_row);
  // kNotFound unless `schema` exists.
  Status CheckSchemaExists(const std::string& schema);

  pg_conn* conn_;
  ConnectionConfig config_;  // password cleared once connected
};

}  // namespace disync::connectors

#endif  // DISYNC_CONNECTORS_POSTGRES_POSTGRES_INTROSPECTOR_H_
