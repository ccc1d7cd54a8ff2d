// MySQL -> target type mapping (generation.md section 3). The default mapping
// of each solution is data: src/di/mappings/mysql_to_{odps,holo,kafka}.tsv,
// compiled into the binary, one row per row of the generation.md table. Each
// row has a stable rule id, a source pattern, a target template and a lossy
// flag with a reason; the first row whose pattern matches a column wins.
//
// Source pattern syntax: name[|name...][(cond)][ signed| unsigned], where the
// names are MySQL DATA_TYPE names, cond is one of p<=N p<N p>=N p>N p=N over
// the first type argument (DECIMAL precision, BIT length) and signed/unsigned
// restrict integer types (zerofill implies unsigned). Target templates may use
// {p} and {s}, the source precision and scale.
//
// setting.typeOverrides may replace the default for a column: an override
// whose source equals the column's full type ("tinyint(1)") wins over one that
// equals its type name ("bigint"); among equals the first one listed wins. An
// overridden column gets rule "override" and is flagged lossy when the target
// cannot hold every value of the source type (tinyint(1) -> BOOLEAN is lossy:
// 2..127 do not survive). TINYINT(1) maps as an integer unless overridden.
//
// The tables are parsed once, on first use, and are immutable afterwards; all
// functions are thread-safe.
#ifndef DISYNC_DI_TYPE_MAPPING_H_
#define DISYNC_DI_TYPE_MAPPING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "common/result.h"
#include "common/table_schema.h"
#include "di/realtime_script.h"

namespace disync::di {

struct MappedType {
  std::string target_type;  // e.g. "DECIMAL(20,0)", "int8", "numeric(12,2)", "string"
  std::string rule;         // stable rule id, e.g. "bigint_unsigned"; "override" for typeOverrides
  bool lossy = false;
  std::string lossy_reason;  // set when lossy
  int32_t column_size = 0;   // target precision or length: DECIMAL(p,s) -> p, VARCHAR(n) -> n; else 0
  int32_t digit = 0;         // target scale: DECIMAL(p,s) -> s; else 0
  bool operator==(const MappedType&) const = default;
};

// One row of a mapping file, as written.
struct MappingRow {
  std::string rule;
  std::string source;  // pattern
  std::string target;  // template
  bool lossy = false;
  std::string lossy_reason;
  bool operator==(const MappingRow&) const = default;
};

// Parses the TSV format above; kInvalidArgument names the line and the fault
// (wrong column count, bad pattern, unknown lossy flag, repeated rule id,
// lossy without a reason).
Result<std::vector<MappingRow>> ParseMappingTable(std::string_view tsv);

// The default rows of a solution, in file order.
const std::vector<MappingRow>& MappingRows(SolutionType target);

// Maps one source column. An unknown source type is kFailedPrecondition
// ("unsupported type <column_type> of column <name>"); an override target the
// solution does not know is kInvalidArgument.
Result<MappedType> MapColumn(SolutionType target, const ColumnSchema& column,
                             const std::vector<TypeOverride>& overrides);

// MapColumn for the many columns of one plan: a large catalog's columns
// share a few dozen types, and each is mapped once (for 200,000 columns
// MapColumn was a fifth of the planning time). A success is remembered by
// the column's type fields (everything MapColumn reads but the name); a
// failure is mapped afresh each time, as its message names the column.
// A success is the mapper's own, unchanged while the mapper lives: one
// address per distinct type, which callers may key their own per-type work
// on. Thread-compatible; `overrides` must outlive the mapper.
class ColumnMapper {
 public:
  ColumnMapper(SolutionType target, const std::vector<TypeOverride>& overrides)
      : target_(target), overrides_(overrides) {}

  Result<const MappedType*> Map(const ColumnSchema& column);

 private:
  using Key = std::tuple<std::string, std::string, std::optional<int64_t>, std::optional<int32_t>,
                         std::optional<int32_t>, std::optional<int32_t>>;
  SolutionType target_;
  const std::vector<TypeOverride>& overrides_;
  std::map<Key, MappedType> known_;
};

// "TINYINT( 1 )" -> "tinyint(1)", "BIGINT  Unsigned" -> "bigint unsigned";
// nullopt when the type name is not one the mapping tables know.
std::optional<std::string> NormalizeMysqlType(std::string_view type);

// The solution's spelling of a target type ("boolean" -> "BOOLEAN" for odps,
// "NUMERIC(12, 2)" -> "numeric(12,2)" for holo), or nullopt when the solution
// has no such type or its arguments are out of range.
std::optional<std::string> CanonicalTargetType(SolutionType target, std::string_view type);

// The target type names of a solution, for messages: "BOOLEAN, TINYINT, ...".
std::string TargetTypeNames(SolutionType target);

}  // namespace disync::di

#endif  // DISYNC_DI_TYPE_MAPPING_H_
