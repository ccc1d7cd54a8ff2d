// MysqlIntrospector: the SchemaIntrospector of MySQL and MariaDB, over one
// libmariadb connection (TCP, utf8mb4, the config's connect/read/write
// timeouts) and the server's information_schema.
//
// DescribeTables lists the database's tables (SHOW TABLES, once per
// instance and database) and reads
// information_schema.COLUMNS, whose COLUMN_KEY also gives the primary key.
// Only when needed does it ask more, once per database each: which tables
// without any index are views or sequences (SHOW FULL TABLES), in what order
// composite keys list their columns (STATISTICS), and on MariaDB which
// LONGTEXT columns hold JSON (CHECK_CONSTRAINTS). The table list is pushed
// into the SQL as an escaped `TABLE_NAME IN (...)`.
//
// The primary key is the one the server reports (`DESCRIBE`'s PRI): the
// table's PRIMARY KEY or, without one, its first UNIQUE key over NOT NULL
// columns, which InnoDB clusters the rows by and a minimal binlog row image
// identifies a row with.
//
// Owns its MYSQL handle, closed on destruction. Thread-compatible.
#ifndef DISYNC_CONNECTORS_MYSQL_MYSQL_INTROSPECTOR_H_
#define DISYNC_CONNECTORS_MYSQL_MYSQL_INTROSPECTOR_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
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
  // ` AND column IN ('a', 'b')`, each value quoted and escaped.
  std::string InFilter(std::string_view column, const std::vector<std::string>& values);

  enum class TableKinds {
    kAll,    // tables, views and sequences (their names only: the cheapest list)
    kBase,   // base tables, system-versioned ones too
    kOther,  // views and sequences
  };
  // Calls `on_table` with the name of each table of those kinds in
  // `database`, in the server's order; kNotFound if there is no such database.
  Status ForEachTable(const std::string& database, TableKinds kinds,
                      const std::function<void(std::string_view)>& on_table);

  // Every table, view and sequence of a database (SHOW TABLES), listed once
  // per instance: the parts of a large selection that one connection reads
  // share its list (a generation's discovery opens instances of its own, so
  // the next one sees tables created meanwhile).
  struct Listing {
    std::vector<std::string> names;
    std::unordered_set<std::string_view> contains;  // views into `names`
  };
  Result<const Listing*> ListAll(const std::string& database);

  // Puts the primary key of each of `tables` (in `found`, its columns in the
  // table's order) in the order of its index, from STATISTICS; `schema` is the
  // database quoted as a string.
  Status OrderCompositeKeys(const std::string& schema, const std::vector<std::string>& tables,
                            std::map<std::string, TableSchema>& found);

  st_mysql* mysql_;
  ConnectionConfig config_;  // password cleared once connected
  bool is_mariadb_;
  std::map<std::string, Listing> listed_;  // by database
};

}  // namespace disync::connectors

#endif  // DISYNC_CONNECTORS_MYSQL_MYSQL_INTROSPECTOR_H_
