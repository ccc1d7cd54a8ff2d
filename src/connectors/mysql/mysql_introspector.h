// MysqlIntrospector: the SchemaIntrospector of MySQL and MariaDB, over one
// libmariadb connection (TCP, utf8mb4, the config's connect/read/write
// timeouts) and the server's information_schema.
//
// DescribeTables lists the base tables (SHOW FULL TABLES) and reads COLUMNS
// and STATISTICS (and, on MariaDB, CHECK_CONSTRAINTS, to tell a JSON column
// from the LONGTEXT it is stored as) from information_schema: one query each
// per database, the table list pushed into the SQL as an escaped
// `TABLE_NAME IN (...)`.
//
// Owns its MYSQL handle, closed on destruction. Thread-compatible.
#ifndef DISYNC_CONNECTORS_MYSQL_MYSQL_INTROSPECTOR_H_
#define DISYNC_CONNECTORS_MYSQL_MYSQL_INTROSPECTOR_H_

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connectors/introspector.h"

struct st_mysql;

namespace disync::connectors {

class MysqlIntrospector final : public SchemaIntrospector {
 public:
  static Result<std::unique_ptr<MysqlIntrospector>> Connect(const ConnectionConfig& config);

  ~MysqlIntrospector() override;
  MysqlIntrospector(const MysqlIntrospector&) = delete;
  MysqlIntrospector& operator=(const MysqlIntrospector&) = delete;

  Status Ping() override;
  Result<std::vector<std::string>> ListDatabases() override;
  Result<std::vector<std::string>> ListTables(const std::string& database) override;
  Result<std::vector<TableSchema>> DescribeTables(const std::string& database,
                                                  const std::vector<std::string>& tables,
                                                  const ProgressFn& progress) override;

 private:
  // The columns of one result row; views valid during the callback only.
  using Row = std::vector<std::optional<std::string_view>>;
  using RowFn = std::function<Status(const Row&)>;

  MysqlIntrospector(st_mysql* mysql, ConnectionConfig config, bool is_mariadb);

  // Runs `sql` and streams its rows to `on_row`; stops at its first error.
  Status Query(std::string_view sql, const RowFn& on_row);
  // A quoted, escaped SQL string literal for the connection's charset.
  std::string Quote(std::string_view value);
  // Calls `on_table` with the name of each base table of `database` (views
  // and sequences left out), in the server's order; kNotFound if there is no
  // such database.
  Status ForEachBaseTable(const std::string& database,
                          const std::function<void(std::string_view)>& on_table);

  st_mysql* mysql_;
  ConnectionConfig config_;  // password cleared once connected
  bool is_mariadb_;
};

}  // namespace disync::connectors

#endif  // DISYNC_CONNECTORS_MYSQL_MYSQL_INTROSPECTOR_H_
