// SchemaIntrospector: reads what a source database holds (databases, tables,
// columns and their comments, primary keys) into the neutral TableSchema that
// the generator consumes (generation.md section 1, step "Discover").
//
// One instance owns one open driver connection (MySQL through libmariadb,
// PostgreSQL through libpq); it is closed when the instance is destroyed.
// Every call blocks on network I/O bounded by the config's connect and read
// timeouts, so callers run it on a worker thread, never on an io_context.
//
// DescribeTables issues a constant number of catalog queries per database,
// whatever the number of tables (never one query per table): the table filter
// is pushed into the SQL with escaped/bound values, or, for very long lists
// (and, on MySQL, for a selection of half the database or more), the whole
// database is read and filtered in memory.
//
// Errors carry the driver's reason and name the host:port and database, never
// the password: kUnavailable / kDeadlineExceeded (cannot connect, timeout),
// kPermissionDenied (credentials or grants), kNotFound (database, schema or
// tables), kInternal (anything else the server answered).
//
// Thread-safety: thread-compatible. One instance per thread; distinct
// instances may be used concurrently.
#ifndef DISYNC_CONNECTORS_INTROSPECTOR_H_
#define DISYNC_CONNECTORS_INTROSPECTOR_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "common/table_schema.h"
#include "connectors/connection_config.h"

namespace disync::connectors {

// Called after each table is assembled; `total` is the number of tables
// described. May be empty.
using ProgressFn = std::function<void(size_t done, size_t total)>;

class SchemaIntrospector {
 public:
  virtual ~SchemaIntrospector() = default;

  // A query round trip proving connect + authentication + database access.
  virtual Status Ping() = 0;

  // MySQL: the user databases (without information_schema, mysql,
  // performance_schema, sys). PostgreSQL: the schemas of the connected
  // database (without pg_catalog, information_schema, pg_toast*, pg_temp*).
  // Sorted by byte value.
  virtual Result<std::vector<std::string>> ListDatabases() = 0;

  // The base tables (no views) of `database` (PostgreSQL: of the schema),
  // sorted. kNotFound when the database does not exist.
  virtual Result<std::vector<std::string>> ListTables(const std::string& database) = 0;

  // Columns (ordered by position, with comments) and primary key of `tables` in
  // `database`, returned in the order requested (duplicates dropped), or of
  // every base table, sorted, when `tables` is empty. Fails with kNotFound
  // naming every requested table that does not exist:
  //   "table(s) not found in database `db`: a, b".
  virtual Result<std::vector<TableSchema>> DescribeTables(const std::string& database,
                                                          const std::vector<std::string>& tables,
                                                          const ProgressFn& progress) = 0;
};

// Connect and authenticate; the instance is ready to use.
Result<std::unique_ptr<SchemaIntrospector>> ConnectMysql(const ConnectionConfig& config);
Result<std::unique_ptr<SchemaIntrospector>> ConnectPostgres(const ConnectionConfig& config);

// ConnectMysql or ConnectPostgres, after config.kind.
Result<std::unique_ptr<SchemaIntrospector>> ConnectIntrospector(const ConnectionConfig& config);

// Shared by the two drivers; not for callers.
namespace internal {

// Above this many requested tables the drivers read the whole database and
// filter in memory instead of sending a `TABLE_NAME IN (...)` list.
inline constexpr size_t kMaxTablesInFilter = 1000;

// `message` with every occurrence of `secret` replaced by "***" (a last
// defence: driver messages are not expected to echo a password).
std::string Redact(std::string message, std::string_view secret);

// Picks `requested` (deduplicated, in order) out of `found`, or all of
// `found` in key order when `requested` is empty; calls `progress` per table.
// kNotFound naming every missing table, labelled with `database_label`.
Result<std::vector<TableSchema>> SelectRequested(std::map<std::string, TableSchema> found,
                                                 const std::vector<std::string>& requested,
                                                 std::string_view database_label,
                                                 const ProgressFn& progress);

// `requested` without duplicates, first occurrence kept.
std::vector<std::string> Deduplicate(const std::vector<std::string>& requested);

}  // namespace internal

}  // namespace disync::connectors

#endif  // DISYNC_CONNECTORS_INTROSPECTOR_H_
