// The TaskContent generator: the "Plan" and "Render" steps of generation.md
// section 1. From a validated script (realtime_script.h) and the schemas a
// connector discovered for its tables, it names every target table
// (generation.md section 2), maps every column (type_mapping.h) and renders
// the real-time job JSON in the shape of scripts.md section 3.1.
//
// Output, compact JSON with keys in a fixed order:
//   extend{mode, resourceGroup, name, [scheduleResgroupId], schemaFingerprint,
//   generatorVersion}, type "job", steps [reader, writer], version "2.0",
//   order.hops reader -> writer. The reader repeats each connection with its
//   tables as selectedTables (enable:true, tableName); a single-database
//   `table` list is rendered with the database the connector found. The writer
//   carries writeMode (replay for holo and odps, insert for kafka) and
//   tableMappingRule.datasource[{tableRule[...], srcDatasourceName}] plus
//   totalTableMapping. Each tableRule has srcTable, mergeIntoCycleType,
//   hourDeltaEnable, dstTable, dayDeltaEnable, primaryKeyInfo,
//   dstCreateTableInfo{indexType, dataColumn[], schemaName, tableName},
//   srcDbName, and for odps tableType ("delta" with a primary key, "append"
//   without). Each dataColumn has columnSize, name, index (0-based), comment,
//   newDigit, type, digit, primaryKey, then the plan record sourceType, rule,
//   lossy and, when lossy, lossyReason.
//
// Target names: holo <srcDbName>.<srcTable> (schema = source database), odps
// and kafka <srcTable>; setting.tableNameRule replaces the default (for holo,
// the rule's first literal '.' separates schema and table; without one the
// schema is "public"). Names are checked against the target's rules.
//
// Determinism: the same script, schemas and options give the same bytes (no
// clock, no randomness, no unordered containers). extend.schemaFingerprint is
// SchemaFingerprint() over the tables the script selects.
//
// Failures name the data source, database, table and cause; all of them are
// collected (the first ten are spelled out) and the Error takes the code of
// the first: kNotFound (no schema for a data source, table not discovered),
// kFailedPrecondition (no primary key for holo, no columns, unsupported type,
// two tables with one target name), kInvalidArgument (a target name the target
// refuses, a primary key column that is not a column, a bad type override).
//
// Pure functions; thread-safe.
#ifndef DISYNC_DI_GENERATOR_H_
#define DISYNC_DI_GENERATOR_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "common/table_schema.h"
#include "common/text_pieces.h"
#include "di/realtime_script.h"

namespace disync::di {

// Part of the determinism contract (generation.md section 4): bump it when
// the rendered output changes for the same input.
inline constexpr std::string_view kGeneratorVersion = "disync-generator/3";

struct GeneratorOptions {
  std::string generator_version = std::string(kGeneratorVersion);
};

// The discovered schema of one source data source.
struct SourceSchema {
  std::string datasource;          // data source name, as in the script
  std::vector<TableSchema> tables;  // in selection order
};

Result<std::string> GenerateTaskContent(const RealtimeScript& script, const std::vector<SourceSchema>& schemas,
                                        const GeneratorOptions& options);

// The parts a selection of `tables` tables is split into, at most
// `tables_per_part` tables each (0: one part), their sizes differing by one
// at most: each the [first, last) range of the selection's tables.
std::vector<std::pair<size_t, size_t>> SplitSelection(size_t tables, size_t tables_per_part);

// The same TaskContent, built selection by selection as each database's
// schema arrives, so that planning and rendering overlap the discovery of
// the next: AddPart plans and renders one selectedTables entry of the
// script, or one part of it (sources and their selections indexed in script
// order), from the tables discovered for it; Finish checks what needs every table (two tables
// with one target name), fingerprints, and returns the TaskContent in pieces
// (each selection's rules as rendered, not copied). Same bytes and
// same failures as GenerateTaskContent for the same tables (a table is looked
// up among its own selection's tables only).
//
// A selection of more than `tables_per_part` tables (when not 0) is added in
// several parts, so that a database of thousands of tables is planned and
// rendered while the rest of it is read: the parts SplitSelection() gives,
// in any order. Same bytes as the whole selection added at once.
//
// AddPart may run concurrently for different parts; each
// part exactly once, all before Finish (a missing one aborts). `script` must
// outlive the builder.
class TaskContentBuilder {
 public:
  TaskContentBuilder(const RealtimeScript& script, GeneratorOptions options,
                     size_t tables_per_part = 0);
  ~TaskContentBuilder();
  TaskContentBuilder(const TaskContentBuilder&) = delete;
  TaskContentBuilder& operator=(const TaskContentBuilder&) = delete;

  // `tables`: those discovered for part `part` of SplitSelection(the
  // selection's tables, tables_per_part); part 0 of a selection of one part
  // is the whole selection.
  void AddPart(size_t source, size_t selection, size_t part, std::vector<TableSchema> tables);
  Result<TextPieces> Finish();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lower-case hex SHA-256 of the schemas in two levels: each table's canonical,
// length-prefixed serialisation (every field of TableSchema and ColumnSchema,
// columns by ordinal) is hashed on its own, then the tables' digests are
// hashed in order, data sources sorted by name and tables by (database,
// name). Independent of the order of the input vectors. The tables are
// hashed as they are discovered, in parallel, and no serialisation of the
// whole schema is ever held (10 MB at 10,000 tables).
std::string SchemaFingerprint(const std::vector<SourceSchema>& schemas);

}  // namespace disync::di

#endif  // DISYNC_DI_GENERATOR_H_
