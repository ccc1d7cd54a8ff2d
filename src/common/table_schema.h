// The schema of a source table as discovered by a connector (src/connectors)
// and consumed by the generator (src/di): a neutral value type so that
// neither module depends on the other. Thread-compatible.
#ifndef DISYNC_COMMON_TABLE_SCHEMA_H_
#define DISYNC_COMMON_TABLE_SCHEMA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace disync {

struct ColumnSchema {
  std::string name;
  int32_t ordinal = 0;            // 1-based position in the table
  std::string data_type;          // lower case, e.g. "int", "varchar", "decimal"
  std::string column_type;        // full type, e.g. "int(10) unsigned", "tinyint(1)", "enum('a','b')"
  bool nullable = true;
  std::optional<int64_t> char_max_length;  // character types
  std::optional<int32_t> numeric_precision;
  std::optional<int32_t> numeric_scale;
  std::optional<int32_t> datetime_precision;
  std::string comment;
  bool operator==(const ColumnSchema&) const = default;
};

// A table's own comment is not read: nothing generated shows it, and on
// MariaDB reading it costs a second pass over every table's definition.
struct TableSchema {
  std::string database;  // MySQL database / PostgreSQL "db.schema"
  std::string name;
  std::vector<ColumnSchema> columns;       // ordered by ordinal
  std::vector<std::string> primary_key;    // column names in key order; empty = none
  bool operator==(const TableSchema&) const = default;
};

}  // namespace disync

#endif  // DISYNC_COMMON_TABLE_SCHEMA_H_
