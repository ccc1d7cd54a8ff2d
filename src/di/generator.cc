#include "di/generator.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "common/check.h"
#include "common/digest.h"
#include "common/json_writer.h"
#include "common/memory.h"
#include "di/type_mapping.h"

namespace disync::di {
namespace {

using OJson = nlohmann::ordered_json;

constexpr size_t kMaxSpelledFailures = 10;

std::string Quote(std::string_view text) {
  std::string out = "\"";
  out += text;
  out += '"';
  return out;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Mode(SolutionType solution) {
  switch (solution) {
    case SolutionType::kOdps: return "migration_odps";
    case SolutionType::kHolo: return "migration_holo";
    case SolutionType::kKafka: return "migration_kafka";
  }
  return "";
}

std::string_view WriteMode(SolutionType solution) {
  return solution == SolutionType::kKafka ? "insert" : "replay";
}

std::string_view TargetKind(SolutionType solution) {
  switch (solution) {
    case SolutionType::kOdps: return "MaxCompute table";
    case SolutionType::kHolo: return "Hologres table";
    case SolutionType::kKafka: return "Kafka topic";
  }
  return "";
}

struct Failure {
  ErrorCode code;
  std::string message;
};

// The parts of a dataColumn element that follow from the column's type,
// rendered once per type and selection: a 10,000-table catalog has a few
// dozen types in its 200,000 columns. Between them go the column's name,
// index, comment and primaryKey (WriteColumn).
struct ColumnTypeText {
  std::string head;    // {"columnSize":N,"name":
  std::string middle;  // ,"newDigit":D,"type":"T","digit":D,"primaryKey":
  std::string tail;    // ,"sourceType":"S","rule":"R","lossy":B[,"lossyReason":"..."]}
};

// `source_type`: what the column's sourceType shows, one per mapped type
// (ColumnMapper keys its types on data_type and column_type).
ColumnTypeText RenderColumnType(const MappedType& mapped, std::string_view source_type) {
  ColumnTypeText text;
  text.head = "{\"columnSize\":";
  AppendJsonInt(&text.head, mapped.column_size);
  text.head += ",\"name\":";
  text.middle = ",\"newDigit\":";
  AppendJsonInt(&text.middle, mapped.digit);
  text.middle += ",\"type\":";
  AppendJsonString(&text.middle, mapped.target_type);
  text.middle += ",\"digit\":";
  AppendJsonInt(&text.middle, mapped.digit);
  text.middle += ",\"primaryKey\":";
  text.tail = ",\"sourceType\":";
  AppendJsonString(&text.tail, source_type);
  text.tail += ",\"rule\":";
  AppendJsonString(&text.tail, mapped.rule);
  text.tail += mapped.lossy ? ",\"lossy\":true" : ",\"lossy\":false";
  if (mapped.lossy) {
    text.tail += ",\"lossyReason\":";
    AppendJsonString(&text.tail, mapped.lossy_reason);
  }
  text.tail += '}';
  return text;
}

struct ColumnPlan {
  const ColumnSchema* column = nullptr;
  const ColumnTypeText* type = nullptr;  // owned by the SelectionPlanner
  bool primary_key = false;
};

struct TablePlan {
  std::string datasource;
  const TableSchema* table = nullptr;
  std::string target_schema;  // holo only
  std::string target_table;
  std::string dst_table;      // holo: schema.table; otherwise the table or topic
  std::vector<ColumnPlan> columns;
};

// One selectedTables entry of the rendered reader.
struct RenderedSelection {
  std::string database;
  std::vector<std::string> tables;
};

std::string TableLabel(std::string_view datasource, std::string_view database, std::string_view table) {
  std::string label = "data source " + Quote(datasource) + ", ";
  label += database.empty() ? std::string("the default database") : "database " + Quote(database);
  label += ", table " + Quote(table);
  return label;
}

// Built only when a check fails: 10,000 tables have none.
std::string TableLabel(const TablePlan& plan) {
  return TableLabel(plan.datasource, plan.table->database, plan.table->name);
}

// Replaces ${srcDatasourceName}, ${srcDatabaseName} and ${srcTableName}.
std::string RenderNameRule(std::string_view rule, const TablePlan& plan) {
  const std::pair<std::string_view, std::string_view> values[] = {
      {"${srcDatasourceName}", plan.datasource},
      {"${srcDatabaseName}", plan.table->database},
      {"${srcTableName}", plan.table->name},
  };
  std::string out;
  for (size_t i = 0; i < rule.size();) {
    bool replaced = false;
    for (const auto& [placeholder, value] : values) {
      if (rule.substr(i, placeholder.size()) == placeholder) {
        out += value;
        i += placeholder.size();
        replaced = true;
        break;
      }
    }
    if (!replaced) out += rule[i++];
  }
  return out;
}

// Position of the first '.' of `rule` outside ${...}, or npos.
size_t LiteralDot(std::string_view rule) {
  for (size_t i = 0; i < rule.size(); ++i) {
    if (rule.substr(i, 2) == "${") {
      size_t close = rule.find('}', i);
      if (close == std::string_view::npos) return std::string_view::npos;
      i = close;
    } else if (rule[i] == '.') {
      return i;
    }
  }
  return std::string_view::npos;
}

bool IsOdpsName(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

bool IsKafkaTopic(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

bool IsHoloIdentifier(std::string_view name) { return !name.empty() && name.size() <= 63; }

// ---- fingerprint ----
// Two levels of SHA-256 (generator.h): each table's length-prefixed
// serialisation is hashed when its TableSet is built, on the discovery
// thread that read it; Fingerprint only orders the tables' digests and
// hashes them.

// Writes the serialisation the digests hash: each field an 8-byte
// little-endian length, then its bytes; a number is its decimal digits, an
// optional number "0", or "1" and the digits. It writes into room sized
// beforehand from the fields (the k*Bytes bounds), with no check per field:
// appended one by one to a std::string, the 240 fields of a 20-column table
// cost twice what hashing them did (perf of gen_scale at 10,000 tables:
// TableDigest 9.9% of disyncd's samples, SHA-256 3.3% of them).
class FieldWriter {
 public:
  static constexpr size_t kPrefixBytes = 8;
  // A number's field at most: the prefix, "1" and 20 characters of int64.
  static constexpr size_t kNumberBytes = kPrefixBytes + 21;
  static constexpr size_t BytesField(std::string_view bytes) { return kPrefixBytes + bytes.size(); }

  // Writes from `room` on; the caller sized it for what follows.
  explicit FieldWriter(char* room) : at_(room) {}

  char* end() const { return at_; }

  void Raw(std::string_view bytes) {
    if (!bytes.empty()) std::memcpy(at_, bytes.data(), bytes.size());
    at_ += bytes.size();
  }
  void Bytes(std::string_view bytes) {
    Prefix(bytes.size());
    Raw(bytes);
  }
  void Int(int64_t value) { Number(std::nullopt, value); }
  template <typename T>
  void Optional(const std::optional<T>& value) {
    if (value) {
      Number('1', static_cast<int64_t>(*value));
    } else {
      Prefix(1);
      *at_++ = '0';
    }
  }

 private:
  // The digits go after the room of the prefix, which is written once
  // their count is known.
  void Number(std::optional<char> lead, int64_t value) {
    char* digits = at_ + kPrefixBytes;
    char* end = digits;
    if (lead) *end++ = *lead;
    auto [last, ec] = std::to_chars(end, digits + (kNumberBytes - kPrefixBytes), value);
    DISYNC_CHECK(ec == std::errc());
    Prefix(static_cast<uint64_t>(last - digits));
    at_ = last;
  }
  void Prefix(uint64_t size) {
    for (size_t i = 0; i < kPrefixBytes; ++i) at_[i] = static_cast<char>((size >> (8 * i)) & 0xFF);
    at_ += kPrefixBytes;
  }

  char* at_;
};

// One table's part of the fingerprint: the SHA-256 of its fields, then its
// columns by (ordinal, name), serialised into `scratch` (reused from table to
// table, and never shrunk).
Sha256Bytes TableDigest(const TableSchema& table, std::string& scratch) {
  using W = FieldWriter;
  size_t room = W::BytesField(table.database) + W::BytesField(table.name) + 2 * W::kNumberBytes;
  for (const std::string& key : table.primary_key) room += W::BytesField(key);
  for (const ColumnSchema& column : table.columns) {
    room += W::BytesField(column.name) + W::BytesField(column.data_type) +
            W::BytesField(column.column_type) + W::BytesField(column.comment) + 6 * W::kNumberBytes;
  }
  if (scratch.size() < room) scratch.resize(room);
  FieldWriter out(scratch.data());
  out.Bytes(table.database);
  out.Bytes(table.name);
  out.Int(static_cast<int64_t>(table.primary_key.size()));
  for (const std::string& key : table.primary_key) out.Bytes(key);
  out.Int(static_cast<int64_t>(table.columns.size()));
  const auto put_column = [&out](const ColumnSchema& column) {
    out.Bytes(column.name);
    out.Int(column.ordinal);
    out.Bytes(column.data_type);
    out.Bytes(column.column_type);
    out.Int(column.nullable ? 1 : 0);
    out.Optional(column.char_max_length);
    out.Optional(column.numeric_precision);
    out.Optional(column.numeric_scale);
    out.Optional(column.datetime_precision);
    out.Bytes(column.comment);
  };
  const auto by_position = [](const ColumnSchema& a, const ColumnSchema& b) {
    return std::tie(a.ordinal, a.name) < std::tie(b.ordinal, b.name);
  };
  // Connectors sort the columns by ordinal already.
  if (std::is_sorted(table.columns.begin(), table.columns.end(), by_position)) {
    for (const ColumnSchema& column : table.columns) put_column(column);
  } else {
    std::vector<const ColumnSchema*> columns;
    columns.reserve(table.columns.size());
    for (const ColumnSchema& column : table.columns) columns.push_back(&column);
    std::stable_sort(
        columns.begin(), columns.end(),
        [&](const ColumnSchema* a, const ColumnSchema* b) { return by_position(*a, *b); });
    for (const ColumnSchema* column : columns) put_column(*column);
  }
  return Sha256Digest(
      std::string_view(scratch.data(), static_cast<size_t>(out.end() - scratch.data())));
}

// A table and its digest.
struct FingerprintEntry {
  const TableSchema* table;
  const Sha256Bytes* digest;
};

// The tables of one source, by reference: what the fingerprint reads.
struct SourceTables {
  std::string_view datasource;
  std::vector<FingerprintEntry> tables;
};

std::string Fingerprint(std::vector<SourceTables> sources) {
  constexpr std::string_view kVersion = "disync-schema-fingerprint/3";
  std::stable_sort(sources.begin(), sources.end(),
                   [](const SourceTables& a, const SourceTables& b) { return a.datasource < b.datasource; });
  size_t room = kVersion.size() + FieldWriter::kNumberBytes;
  for (const SourceTables& source : sources) {
    room += FieldWriter::BytesField(source.datasource) + FieldWriter::kNumberBytes +
            sizeof(Sha256Bytes) * source.tables.size();
  }
  std::string data(room, '\0');
  FieldWriter out(data.data());
  out.Raw(kVersion);
  out.Int(static_cast<int64_t>(sources.size()));
  for (SourceTables& source : sources) {
    out.Bytes(source.datasource);
    std::vector<FingerprintEntry>& tables = source.tables;
    std::stable_sort(tables.begin(), tables.end(), [](const FingerprintEntry& a, const FingerprintEntry& b) {
      return std::tie(a.table->database, a.table->name) < std::tie(b.table->database, b.table->name);
    });
    out.Int(static_cast<int64_t>(tables.size()));
    for (const FingerprintEntry& table : tables) {
      out.Raw(std::string_view(reinterpret_cast<const char*>(table.digest->data()),
                               table.digest->size()));
    }
  }
  data.resize(static_cast<size_t>(out.end() - data.data()));
  return Sha256Hex(data);
}

// The tables of a source a selection is planned against, with a name index
// so that a 20000-table selection is not quadratic. Shared by the selections
// of one source when it was discovered as a whole (GenerateTaskContent), or
// one per selection when discovered database by database.
struct TableSet {
  std::vector<TableSchema> tables;
  std::map<std::string, std::vector<const TableSchema*>> by_name;
  std::vector<Sha256Bytes> digests;  // TableDigest, as `tables`

  explicit TableSet(std::vector<TableSchema> discovered) : tables(std::move(discovered)) {
    digests.reserve(tables.size());
    std::string scratch;
    for (const TableSchema& table : tables) {
      by_name[table.name].push_back(&table);
      digests.push_back(TableDigest(table, scratch));
    }
  }

  // Frees the columns once every plan against the set is rendered; what
  // Finish reads (names, keys, digests) stays.
  void ReleaseColumns() {
    for (TableSchema& table : tables) std::vector<ColumnSchema>().swap(table.columns);
  }

  FingerprintEntry Entry(const TableSchema* table) const {
    return {table, &digests[static_cast<size_t>(table - tables.data())]};
  }
};

// What one selectedTables entry of the script becomes, or one part of it
// (the range [first, last) of its tables), planned and rendered on its own.
struct SelectionPiece {
  size_t selection = 0;  // in its source
  size_t first = 0, last = 0;
  bool added = false;
  std::shared_ptr<TableSet> tables;  // what `plans` point into
  std::vector<RenderedSelection> groups;   // the reader's entries, in order
  std::vector<TablePlan> plans;
  std::string rules;  // the writer's tableRule elements as a JSON array
  std::vector<Failure> failures;
};

// Plans the tables of one selection: finds each, maps its columns, names
// its target. Failures are collected in selection order.
class SelectionPlanner {
 public:
  explicit SelectionPlanner(const RealtimeScript& script)
      : script_(script), mapper_(script.solution, script.type_overrides) {}

  void Plan(const SourceConnection& connection, const TableSelection& selection,
            SelectionPiece& piece) {
    // One selectedTables entry per database of the selection, in order of
    // first appearance (a single-database selection resolves to one).
    for (size_t i = piece.first; i < piece.last; ++i) {
      const std::string& name = selection.tables[i];
      const TableSchema* table =
          FindTable(connection.datasource, piece.tables->by_name, selection.database, name);
      if (table == nullptr) continue;
      auto group = std::find_if(piece.groups.begin(), piece.groups.end(),
                                [&](const RenderedSelection& g) { return g.database == table->database; });
      if (group == piece.groups.end()) {
        group = piece.groups.insert(piece.groups.end(), RenderedSelection{table->database, {}});
      }
      group->tables.push_back(table->name);
      std::optional<TablePlan> table_plan = PlanTable(connection.datasource, *table);
      if (table_plan) piece.plans.push_back(std::move(*table_plan));
    }
    piece.failures = std::move(failures_);
    failures_.clear();
  }

 private:
  void Fail(ErrorCode code, std::string message) { failures_.push_back({code, std::move(message)}); }

  const TableSchema* FindTable(const std::string& datasource,
                               const std::map<std::string, std::vector<const TableSchema*>>& by_name,
                               const std::string& database, const std::string& name) {
    std::vector<const TableSchema*> matches;
    if (auto it = by_name.find(name); it != by_name.end()) {
      for (const TableSchema* table : it->second) {
        if (database.empty() || table->database == database) matches.push_back(table);
      }
    }
    if (matches.empty()) {
      Fail(ErrorCode::kNotFound, TableLabel(datasource, database, name) + ": table not found");
      return nullptr;
    }
    if (matches.size() > 1) {
      std::string where;
      for (const TableSchema* match : matches) where += (where.empty() ? "" : ", ") + Quote(match->database);
      Fail(ErrorCode::kInvalidArgument, TableLabel(datasource, database, name) +
                                            ": the discovered schema has it in several databases (" + where +
                                            "); name the database in selectedTables");
      return nullptr;
    }
    return matches.front();
  }

  std::optional<TablePlan> PlanTable(const std::string& datasource, const TableSchema& table) {
    TablePlan plan;
    plan.datasource = datasource;
    plan.table = &table;
    bool ok = true;

    if (table.columns.empty()) {
      Fail(ErrorCode::kFailedPrecondition, TableLabel(plan) + ": no columns were discovered");
      return std::nullopt;
    }
    for (const std::string& key : table.primary_key) {
      bool found = std::any_of(table.columns.begin(), table.columns.end(),
                               [&](const ColumnSchema& c) { return c.name == key; });
      if (!found) {
        Fail(ErrorCode::kInvalidArgument, TableLabel(plan) + ": primary key column " + Quote(key) +
                                              " is not a column of the table");
        ok = false;
      }
    }
    if (table.primary_key.empty() && script_.solution == SolutionType::kHolo) {
      Fail(ErrorCode::kFailedPrecondition,
           TableLabel(plan) + ": no primary key; Hologres real-time sync needs one");
      ok = false;
    }

    std::vector<const ColumnSchema*> columns;
    columns.reserve(table.columns.size());
    plan.columns.reserve(table.columns.size());
    for (const ColumnSchema& column : table.columns) columns.push_back(&column);
    // The connectors hand the columns over in order; the sort (and its
    // buffer) is for other callers.
    auto by_ordinal = [](const ColumnSchema* a, const ColumnSchema* b) {
      return a->ordinal < b->ordinal;
    };
    if (!std::is_sorted(columns.begin(), columns.end(), by_ordinal)) {
      std::stable_sort(columns.begin(), columns.end(), by_ordinal);
    }
    for (const ColumnSchema* column : columns) {
      Result<const MappedType*> mapped = mapper_.Map(*column);
      if (!mapped.ok()) {
        Fail(mapped.error().code(), TableLabel(plan) + ": " + mapped.error().message());
        ok = false;
        continue;
      }
      auto [type, first] = types_.try_emplace(mapped.value());
      if (first) {
        type->second = RenderColumnType(
            *mapped.value(), column->column_type.empty() ? column->data_type : column->column_type);
      }
      ColumnPlan column_plan;
      column_plan.column = column;
      column_plan.type = &type->second;
      column_plan.primary_key = std::find(table.primary_key.begin(), table.primary_key.end(), column->name) !=
                                table.primary_key.end();
      plan.columns.push_back(std::move(column_plan));
    }

    if (!NameTarget(&plan)) ok = false;
    if (!ok) return std::nullopt;
    return plan;
  }

  bool NameTarget(TablePlan* plan) {
    const std::optional<std::string>& rule = script_.table_name_rule;
    switch (script_.solution) {
      case SolutionType::kHolo: {
        if (!rule) {
          plan->target_schema = plan->table->database;
          plan->target_table = plan->table->name;
        } else if (size_t dot = LiteralDot(*rule); dot != std::string::npos) {
          plan->target_schema = RenderNameRule(std::string_view(*rule).substr(0, dot), *plan);
          plan->target_table = RenderNameRule(std::string_view(*rule).substr(dot + 1), *plan);
        } else {
          plan->target_schema = "public";
          plan->target_table = RenderNameRule(*rule, *plan);
        }
        plan->dst_table = plan->target_schema + "." + plan->target_table;
        if (!IsHoloIdentifier(plan->target_schema) || !IsHoloIdentifier(plan->target_table)) {
          Fail(ErrorCode::kInvalidArgument,
               TableLabel(*plan) + ": target " + Quote(plan->dst_table) +
                   " is not a valid Hologres schema and table name (each 1 to 63 bytes); "
                   "set setting.tableNameRule");
          return false;
        }
        return true;
      }
      case SolutionType::kOdps:
      case SolutionType::kKafka: {
        plan->target_table = rule ? RenderNameRule(*rule, *plan) : plan->table->name;
        plan->dst_table = plan->target_table;
        bool odps = script_.solution == SolutionType::kOdps;
        if (odps ? !IsOdpsName(plan->target_table) : !IsKafkaTopic(plan->target_table)) {
          Fail(ErrorCode::kInvalidArgument,
               TableLabel(*plan) + ": target " + Quote(plan->target_table) + " is not a valid " +
                   std::string(TargetKind(script_.solution)) + " name (" +
                   (odps ? "1 to 128 letters, digits or underscores"
                         : "1 to 249 letters, digits, '.', '_' or '-'") +
                   "); set setting.tableNameRule");
          return false;
        }
        return true;
      }
    }
    return false;
  }

  const RealtimeScript& script_;
  ColumnMapper mapper_;
  // By the mapper's address of each type; the plans point into it.
  std::map<const MappedType*, ColumnTypeText> types_;
  std::vector<Failure> failures_;
};

// Two tables with one target name, across the whole script.
void CheckCollisions(const RealtimeScript& script,
                     const std::vector<std::vector<SelectionPiece>>& pieces,
                     std::vector<Failure>& failures) {
  // Kafka topics are case-sensitive; MaxCompute and Hologres names are
  // compared without case, as either may fold them.
  std::map<std::string, const TablePlan*> targets;
  for (const auto& source : pieces) {
    for (const SelectionPiece& piece : source) {
      for (const TablePlan& table : piece.plans) {
        std::string key = script.solution == SolutionType::kKafka ? table.dst_table : Lower(table.dst_table);
        auto [it, inserted] = targets.emplace(key, &table);
        if (!inserted) {
          failures.push_back({ErrorCode::kFailedPrecondition,
                              TableLabel(*it->second) + " and " + TableLabel(table) + " both map to " +
                                  std::string(TargetKind(script.solution)) + " " + Quote(table.dst_table) +
                                  "; deselect one or set setting.tableNameRule so that the names differ"});
        }
      }
    }
  }
}

// The TaskContent is written as it is rendered (json_writer.h), table by
// table: its size is linear in the tables, and no DOM of it is ever held.

void WriteColumn(JsonWriter& out, const ColumnPlan& plan, size_t index) {
  const ColumnSchema& column = *plan.column;
  out.RawValue([&](std::string& text) {
    text += plan.type->head;
    AppendJsonString(&text, column.name);
    text += ",\"index\":";
    AppendJsonInt(&text, static_cast<int64_t>(index));
    text += ",\"comment\":";
    AppendJsonString(&text, column.comment);
    text += plan.type->middle;
    text += plan.primary_key ? "true" : "false";
    text += plan.type->tail;
  });
}

void WriteTableRule(JsonWriter& out, const TablePlan& plan, SolutionType solution) {
  const TableSchema& table = *plan.table;
  out.BeginObject()
      .Member("srcTable", table.name)
      .Member("mergeIntoCycleType", "DEFAULT")
      .Member("hourDeltaEnable", false)
      .Member("dstTable", plan.dst_table)
      .Member("dayDeltaEnable", false);
  out.Key("primaryKeyInfo").BeginObject().Key("column").BeginArray();
  for (const std::string& key : table.primary_key) out.String(key);
  out.EndArray().Member("type", table.primary_key.empty() ? "none" : "pk").EndObject();
  out.Key("dstCreateTableInfo").BeginObject().Member("indexType", plan.target_table);
  out.Key("dataColumn").BeginArray();
  for (size_t i = 0; i < plan.columns.size(); ++i) WriteColumn(out, plan.columns[i], i);
  out.EndArray()
      .Member("schemaName", plan.target_schema)
      .Member("tableName", plan.target_table)
      .EndObject();
  out.Member("srcDbName", table.database);
  if (solution == SolutionType::kOdps) {
    out.Member("tableType", table.primary_key.empty() ? "append" : "delta");
  }
  out.EndObject();
}

void WriteReader(JsonWriter& out, const RealtimeScript& script,
                 const std::vector<std::vector<SelectionPiece>>& pieces) {
  out.BeginObject().Member("stepType", "mysql").Key("parameter").BeginObject();
  out.Key("connection").BeginArray();
  for (size_t s = 0; s < script.sources.size(); ++s) {
    out.BeginObject()
        .Member("datasourceType", script.sources[s].datasource_type)
        .Member("datasource", script.sources[s].datasource);
    out.Key("selectedTables").BeginArray();
    for (auto piece = pieces[s].begin(); piece != pieces[s].end();) {
      // The parts of one selection give one entry per database, as the
      // whole selection would: a database's tables in the parts' order.
      auto end = std::find_if(piece, pieces[s].end(), [&](const SelectionPiece& p) {
        return p.selection != piece->selection;
      });
      std::vector<std::pair<std::string_view, std::vector<const std::string*>>> databases;
      for (; piece != end; ++piece) {
        for (const RenderedSelection& group : piece->groups) {
          auto database = std::find_if(databases.begin(), databases.end(),
                                       [&](const auto& d) { return d.first == group.database; });
          if (database == databases.end()) {
            database = databases.insert(databases.end(), {group.database, {}});
          }
          for (const std::string& table : group.tables) database->second.push_back(&table);
        }
      }
      for (const auto& [database, tables] : databases) {
        out.BeginObject().Key("schema").BeginArray().BeginObject().Key("tableInfos").BeginArray();
        for (const std::string* table : tables) {
          out.BeginObject()
              .Member("enable", true)
              .Member("table", *table)
              .Member("tableName", *table)
              .EndObject();
        }
        out.EndArray().EndObject().EndArray().Member("dbName", database).EndObject();
      }
    }
    out.EndArray().EndObject();
  }
  out.EndArray().EndObject();
  out.Member("name", "reader").Member("category", "reader").EndObject();
}

// Splices the pieces' rendered table rules in: moved into `out`'s pieces,
// when it has them, or copied and freed as it goes.
void WriteWriter(JsonWriter& out, const RealtimeScript& script,
                 std::vector<std::vector<SelectionPiece>>& pieces) {
  out.BeginObject().Member("stepType", WriterStepType(script.solution));
  out.Key("parameter").BeginObject().Member("datasource", script.writer_datasource);
  out.Key("tableMappingRule").BeginObject().Key("datasource").BeginArray();
  size_t total = 0;
  for (size_t s = 0; s < script.sources.size(); ++s) {
    out.BeginObject().Key("tableRule").BeginArray();
    for (SelectionPiece& piece : pieces[s]) {
      out.SpliceOwned(std::move(piece.rules));
      std::string().swap(piece.rules);  // moved from, or copied
      total += piece.plans.size();
    }
    out.EndArray().Member("srcDatasourceName", script.sources[s].datasource).EndObject();
  }
  out.EndArray().Member("totalTableMapping", static_cast<int64_t>(total)).EndObject();
  out.Member("writeMode", WriteMode(script.solution)).EndObject();
  out.Member("name", "writer").Member("category", "writer").EndObject();
}

}  // namespace

std::string SchemaFingerprint(const std::vector<SourceSchema>& schemas) {
  std::vector<std::vector<Sha256Bytes>> digests;
  digests.reserve(schemas.size());
  std::vector<SourceTables> sources;
  std::string scratch;
  for (const SourceSchema& schema : schemas) {
    SourceTables source{schema.datasource, {}};
    std::vector<Sha256Bytes>& parts = digests.emplace_back();
    parts.reserve(schema.tables.size());
    for (const TableSchema& table : schema.tables) parts.push_back(TableDigest(table, scratch));
    for (size_t i = 0; i < schema.tables.size(); ++i) {
      source.tables.push_back({&schema.tables[i], &parts[i]});
    }
    sources.push_back(std::move(source));
  }
  return Fingerprint(std::move(sources));
}

std::vector<std::pair<size_t, size_t>> SplitSelection(size_t tables, size_t tables_per_part) {
  const size_t parts = tables_per_part == 0
                           ? 1
                           : std::max<size_t>(1, (tables + tables_per_part - 1) / tables_per_part);
  std::vector<std::pair<size_t, size_t>> ranges;
  ranges.reserve(parts);
  for (size_t p = 0; p < parts; ++p) {
    ranges.emplace_back(tables * p / parts, tables * (p + 1) / parts);
  }
  return ranges;
}

namespace {

// The work behind TaskContentBuilder and GenerateTaskContent.
class Builder {
 public:
  Builder(const RealtimeScript& script, GeneratorOptions options, size_t tables_per_part)
      : script_(script), options_(std::move(options)) {
    pieces_.resize(script.sources.size());
    first_piece_.resize(script.sources.size());
    for (size_t s = 0; s < script.sources.size(); ++s) {
      for (size_t k = 0; k < script.sources[s].selections.size(); ++k) {
        first_piece_[s].push_back(pieces_[s].size());
        for (auto [first, last] :
             SplitSelection(script.sources[s].selections[k].tables.size(), tables_per_part)) {
          SelectionPiece& piece = pieces_[s].emplace_back();
          piece.selection = k;
          piece.first = first;
          piece.last = last;
        }
      }
      first_piece_[s].push_back(pieces_[s].size());
    }
  }

  // `exclusive`: no other selection is planned against `tables`, whose
  // columns are then freed as soon as this one is rendered.
  void Add(size_t source, size_t selection, size_t part, std::shared_ptr<TableSet> tables,
           bool exclusive) {
    SelectionPiece& piece = Piece(source, selection, part);
    DISYNC_CHECK(!piece.added);
    piece.added = true;
    piece.tables = std::move(tables);
    // The planner holds the rendered types the plans point to: it lives
    // until the rules are rendered.
    SelectionPlanner planner(script_);
    planner.Plan(script_.sources[source], script_.sources[source].selections[selection], piece);
    // Room for the rules at once, more than they take (about 190 bytes a
    // column and 400 a table): growing by doubling copied a 4 MB piece
    // several times and faulted in every copy; capacity never written costs
    // no memory.
    size_t room = 64;
    // What they take at least (about 150 bytes a column and 300 a table,
    // the names included): populated now rather than faulted in.
    size_t least = 0;
    for (const TablePlan& table : piece.plans) {
      room += 1024 + 256 * table.columns.size();
      least += 300 + 150 * table.columns.size();
    }
    piece.rules.reserve(room);
    PrefaultForWrite(piece.rules.data(), least);
    JsonWriter out(&piece.rules);
    out.BeginArray();
    for (const TablePlan& table : piece.plans) WriteTableRule(out, table, script_.solution);
    out.EndArray();
    // Finish reads only names, keys and digests: the columns and
    // their plans are freed here, on the thread that read them, rather than
    // all at once after the whole TaskContent (10,000 tables, gen_scale:
    // disyncd's peak RSS 210-256 MB -> 130-136 MB, and the render after
    // discovery 64-90 ms -> 45-55 ms).
    for (TablePlan& table : piece.plans) std::vector<ColumnPlan>().swap(table.columns);
    if (exclusive) piece.tables->ReleaseColumns();
  }

  // A source the caller has no schema for: one failure in its first piece.
  void AddMissingSource(size_t source) {
    for (SelectionPiece& piece : pieces_[source]) piece.added = true;
    if (pieces_[source].empty()) return;
    pieces_[source].front().failures.push_back(
        {ErrorCode::kNotFound,
         "data source " + Quote(script_.sources[source].datasource) + ": no discovered schema for it"});
  }

  // The TaskContent in pieces: what Finish wrote itself, and between those
  // the selections' rules as they were rendered (no copy of them).
  Result<TextPieces> Finish() {
    std::vector<Failure> failures;
    for (const auto& source : pieces_) {
      for (const SelectionPiece& piece : source) {
        DISYNC_CHECK(piece.added);
        failures.insert(failures.end(), piece.failures.begin(), piece.failures.end());
      }
    }
    CheckCollisions(script_, pieces_, failures);
    if (!failures.empty()) {
      std::string message;
      size_t spelled = std::min(failures.size(), kMaxSpelledFailures);
      for (size_t i = 0; i < spelled; ++i) {
        if (i > 0) message += "; ";
        message += failures[i].message;
      }
      if (failures.size() > spelled) {
        message += "; and " + std::to_string(failures.size() - spelled) + " more problems";
      }
      return Error(failures.front().code, std::move(message));
    }

    // The fingerprint covers exactly the tables this script uses.
    std::vector<SourceTables> used;
    for (size_t s = 0; s < script_.sources.size(); ++s) {
      SourceTables source{script_.sources[s].datasource, {}};
      for (const SelectionPiece& piece : pieces_[s]) {
        for (const TablePlan& table : piece.plans) source.tables.push_back(piece.tables->Entry(table.table));
      }
      used.push_back(std::move(source));
    }

    OJson extend = OJson::object();
    extend["mode"] = Mode(script_.solution);
    extend["resourceGroup"] = script_.resource_group;
    extend["name"] = script_.name;
    if (script_.schedule_resgroup_id) extend["scheduleResgroupId"] = *script_.schedule_resgroup_id;
    extend["schemaFingerprint"] = Fingerprint(std::move(used));
    extend["generatorVersion"] = options_.generator_version;

    // Room at once for what comes before the first rules: the reader's
    // entries (about 64 bytes and the name twice per table), the rest.
    size_t expected = 4096;
    for (const auto& source : pieces_) {
      for (const SelectionPiece& piece : source) {
        for (const RenderedSelection& group : piece.groups) {
          for (const std::string& table : group.tables) expected += 64 + 2 * table.size();
        }
      }
    }
    TextPieces content;
    std::string written;
    written.reserve(expected);
    PrefaultForWrite(written.data(), expected);
    JsonWriter out(&written, &content);
    out.BeginObject().Member("extend", extend).Member("type", "job");
    out.Key("steps").BeginArray();
    WriteReader(out, script_, pieces_);
    WriteWriter(out, script_, pieces_);
    out.EndArray().Member("version", "2.0");
    out.Key("order").BeginObject().Key("hops").BeginArray();
    out.BeginObject().Member("from", "reader").Member("to", "writer").EndObject();
    out.EndArray().EndObject().EndObject();
    DISYNC_CHECK(out.complete());
    content.Append(std::move(written));
    return content;
  }

 private:
  SelectionPiece& Piece(size_t source, size_t selection, size_t part) {
    return const_cast<SelectionPiece&>(std::as_const(*this).Piece(source, selection, part));
  }
  const SelectionPiece& Piece(size_t source, size_t selection, size_t part) const {
    DISYNC_CHECK(source < first_piece_.size() && selection + 1 < first_piece_[source].size());
    DISYNC_CHECK(part < first_piece_[source][selection + 1] - first_piece_[source][selection]);
    return pieces_[source][first_piece_[source][selection] + part];
  }

  const RealtimeScript& script_;
  const GeneratorOptions options_;
  // [source][piece]: each source's selections in order, each in its parts.
  std::vector<std::vector<SelectionPiece>> pieces_;
  // [source][selection]: the index of its first piece; one more at the end.
  std::vector<std::vector<size_t>> first_piece_;
};

}  // namespace

struct TaskContentBuilder::Impl {
  Builder builder;
};

TaskContentBuilder::TaskContentBuilder(const RealtimeScript& script, GeneratorOptions options,
                                       size_t tables_per_part)
    : impl_(std::make_unique<Impl>(Impl{Builder(script, std::move(options), tables_per_part)})) {}

TaskContentBuilder::~TaskContentBuilder() = default;

void TaskContentBuilder::AddPart(size_t source, size_t selection, size_t part,
                                 std::vector<TableSchema> tables) {
  impl_->builder.Add(source, selection, part, std::make_shared<TableSet>(std::move(tables)),
                     /*exclusive=*/true);
}

Result<TextPieces> TaskContentBuilder::Finish() { return impl_->builder.Finish(); }

Result<std::string> GenerateTaskContent(const RealtimeScript& script, const std::vector<SourceSchema>& schemas,
                                        const GeneratorOptions& options) {
  Builder builder(script, options, /*tables_per_part=*/0);
  for (size_t s = 0; s < script.sources.size(); ++s) {
    const SourceConnection& connection = script.sources[s];
    auto schema = std::find_if(schemas.begin(), schemas.end(),
                               [&](const SourceSchema& x) { return x.datasource == connection.datasource; });
    if (schema == schemas.end()) {
      builder.AddMissingSource(s);
      continue;
    }
    // Every selection of the source is planned against all its tables.
    auto tables = std::make_shared<TableSet>(schema->tables);
    for (size_t k = 0; k < connection.selections.size(); ++k) {
      builder.Add(s, k, 0, tables, /*exclusive=*/false);
    }
  }
  DISYNC_ASSIGN_OR_RETURN(TextPieces content, builder.Finish());
  return content.Join();
}

}  // namespace disync::di
