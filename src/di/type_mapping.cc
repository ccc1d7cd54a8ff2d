#include "di/type_mapping.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <limits>
#include <memory>
#include <set>
#include <utility>

#include "common/check.h"
#include "di/embedded_files.h"

namespace disync::di {
namespace {

// ---- small text helpers ----

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view Trim(std::string_view text) {
  while (!text.empty() && IsSpace(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsSpace(text.back())) text.remove_suffix(1);
  return text;
}

// Lower case, runs of blanks to one space, no blanks next to ( ) or ,.
std::string NormalizeTypeText(std::string_view text) {
  std::string out;
  bool pending_space = false;
  for (char c : Trim(text)) {
    if (IsSpace(c)) {
      pending_space = true;
      continue;
    }
    bool tight = c == '(' || c == ')' || c == ',';
    if (pending_space && !out.empty() && !tight && out.back() != '(' && out.back() != ',') out += ' ';
    pending_space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  text = Trim(text);
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t at = text.find(separator, start);
    if (at == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, at - start));
    start = at + 1;
  }
}

// "decimal(12,2) unsigned" -> {"decimal", "12,2", "unsigned"}; the argument
// text is empty without parentheses.
struct TypeText {
  std::string name;
  std::string arguments;
  std::string rest;
  bool has_arguments = false;
};

TypeText SplitTypeText(std::string_view normalized) {
  TypeText out;
  size_t name_end = 0;
  while (name_end < normalized.size() &&
         (std::isalnum(static_cast<unsigned char>(normalized[name_end])) || normalized[name_end] == '_')) {
    ++name_end;
  }
  out.name = std::string(normalized.substr(0, name_end));
  std::string_view rest = normalized.substr(name_end);
  if (!rest.empty() && rest.front() == '(') {
    // enum('a)','b') may hold parentheses inside quotes; find the matching one.
    size_t close = std::string_view::npos;
    char quote = 0;
    for (size_t i = 1; i < rest.size(); ++i) {
      char c = rest[i];
      if (quote != 0) {
        if (c == quote) quote = 0;
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if (c == ')') {
        close = i;
        break;
      }
    }
    if (close != std::string_view::npos) {
      out.has_arguments = true;
      out.arguments = std::string(rest.substr(1, close - 1));
      rest = rest.substr(close + 1);
    }
  }
  out.rest = std::string(Trim(rest));
  return out;
}

std::vector<int64_t> NumericArguments(const TypeText& type) {
  std::vector<int64_t> values;
  if (!type.has_arguments) return values;
  for (std::string_view part : Split(type.arguments, ',')) {
    std::optional<int64_t> value = ParseInt(part);
    if (!value) return {};
    values.push_back(*value);
  }
  return values;
}

// ---- source types ----

struct SourceType {
  std::string name;        // MySQL DATA_TYPE, lower case
  std::string full;        // normalised COLUMN_TYPE
  bool is_unsigned = false;
  int64_t p = 0;           // precision / length (first argument)
  int64_t s = 0;           // scale
  std::optional<int64_t> char_length;
};

SourceType FromColumn(const ColumnSchema& column) {
  SourceType type;
  type.full = NormalizeTypeText(column.column_type);
  TypeText text = SplitTypeText(type.full);
  type.name = column.data_type.empty() ? text.name : Lower(Trim(column.data_type));
  for (std::string_view word : Split(text.rest, ' ')) {
    if (word == "unsigned" || word == "zerofill") type.is_unsigned = true;
  }
  std::vector<int64_t> args = NumericArguments(text);
  if (type.name == "decimal") {
    type.p = !args.empty() ? args[0] : column.numeric_precision.value_or(10);
    type.s = args.size() >= 2 ? args[1] : (args.empty() ? column.numeric_scale.value_or(0) : 0);
  } else if (type.name == "bit") {
    type.p = !args.empty() ? args[0] : column.numeric_precision.value_or(1);
  } else if (!args.empty()) {
    type.p = args[0];
    if (args.size() >= 2) type.s = args[1];
  }
  type.char_length = column.char_max_length;
  if (!type.char_length && !args.empty() && (type.name == "char" || type.name == "varchar")) {
    type.char_length = args[0];
  }
  return type;
}

// ---- patterns ----

struct Pattern {
  enum class Sign { kAny, kSigned, kUnsigned };
  enum class Op { kNone, kLe, kLt, kGe, kGt, kEq };
  std::vector<std::string> names;
  Op op = Op::kNone;
  int64_t bound = 0;
  Sign sign = Sign::kAny;

  bool Matches(const SourceType& type) const {
    if (std::find(names.begin(), names.end(), type.name) == names.end()) return false;
    if (sign == Sign::kSigned && type.is_unsigned) return false;
    if (sign == Sign::kUnsigned && !type.is_unsigned) return false;
    switch (op) {
      case Op::kNone: return true;
      case Op::kLe: return type.p <= bound;
      case Op::kLt: return type.p < bound;
      case Op::kGe: return type.p >= bound;
      case Op::kGt: return type.p > bound;
      case Op::kEq: return type.p == bound;
    }
    return false;
  }
};

std::optional<Pattern> ParsePattern(std::string_view text) {
  Pattern pattern;
  text = Trim(text);
  size_t names_end = text.find_first_of("( ");
  std::string_view names = text.substr(0, names_end);
  std::string_view rest = names_end == std::string_view::npos ? std::string_view() : text.substr(names_end);
  for (std::string_view name : Split(names, '|')) {
    if (name.empty()) return std::nullopt;
    for (char c : name) {
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) ||
            c == '_')) {
        return std::nullopt;
      }
    }
    pattern.names.emplace_back(name);
  }
  if (!rest.empty() && rest.front() == '(') {
    size_t close = rest.find(')');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view condition = Trim(rest.substr(1, close - 1));
    rest = rest.substr(close + 1);
    if (condition.empty() || condition.front() != 'p') return std::nullopt;
    condition.remove_prefix(1);
    static constexpr std::pair<std::string_view, Pattern::Op> kOps[] = {
        {"<=", Pattern::Op::kLe}, {">=", Pattern::Op::kGe}, {"<", Pattern::Op::kLt},
        {">", Pattern::Op::kGt},  {"=", Pattern::Op::kEq}};
    bool found = false;
    for (const auto& [token, op] : kOps) {
      if (condition.substr(0, token.size()) == token) {
        pattern.op = op;
        condition.remove_prefix(token.size());
        found = true;
        break;
      }
    }
    if (!found) return std::nullopt;
    std::optional<int64_t> bound = ParseInt(condition);
    if (!bound) return std::nullopt;
    pattern.bound = *bound;
  }
  rest = Trim(rest);
  if (rest == "unsigned") {
    pattern.sign = Pattern::Sign::kUnsigned;
  } else if (rest == "signed") {
    pattern.sign = Pattern::Sign::kSigned;
  } else if (!rest.empty()) {
    return std::nullopt;
  }
  return pattern;
}

// ---- target types ----

enum class Kind {
  kUnknown, kBool, kInteger, kDecimal, kFloat32, kFloat64, kNumber,
  kString, kVarchar, kJson, kBinary, kDate, kDateTime, kTime, kSpatial,
};

enum class Args { kNone, kPrecisionScale, kLength };

struct TargetSpec {
  std::string_view name;  // canonical spelling
  Kind kind;
  int bits = 0;  // integers
  Args args = Args::kNone;
};

constexpr TargetSpec kOdpsTypes[] = {
    {"BOOLEAN", Kind::kBool},          {"TINYINT", Kind::kInteger, 8},
    {"SMALLINT", Kind::kInteger, 16},  {"INT", Kind::kInteger, 32},
    {"BIGINT", Kind::kInteger, 64},    {"FLOAT", Kind::kFloat32},
    {"DOUBLE", Kind::kFloat64},        {"DECIMAL", Kind::kDecimal, 0, Args::kPrecisionScale},
    {"STRING", Kind::kString},         {"VARCHAR", Kind::kVarchar, 0, Args::kLength},
    {"CHAR", Kind::kVarchar, 0, Args::kLength},
    {"BINARY", Kind::kBinary},         {"DATE", Kind::kDate},
    {"DATETIME", Kind::kDateTime},     {"TIMESTAMP", Kind::kDateTime},
    {"JSON", Kind::kJson},
};

constexpr TargetSpec kHoloTypes[] = {
    {"bool", Kind::kBool},           {"int2", Kind::kInteger, 16},
    {"int4", Kind::kInteger, 32},    {"int8", Kind::kInteger, 64},
    {"float4", Kind::kFloat32},      {"float8", Kind::kFloat64},
    {"numeric", Kind::kDecimal, 0, Args::kPrecisionScale},
    {"text", Kind::kString},         {"varchar", Kind::kVarchar, 0, Args::kLength},
    {"char", Kind::kVarchar, 0, Args::kLength},
    {"bytea", Kind::kBinary},        {"date", Kind::kDate},
    {"timestamp", Kind::kDateTime},  {"timestamptz", Kind::kDateTime},
    {"time", Kind::kTime},           {"json", Kind::kJson},
    {"jsonb", Kind::kJson},
};

constexpr TargetSpec kKafkaTypes[] = {
    {"number", Kind::kNumber},
    {"string", Kind::kString},
    {"boolean", Kind::kBool},
    {"base64", Kind::kBinary},
};

template <size_t N>
std::vector<TargetSpec> AsVector(const TargetSpec (&specs)[N]) {
  return std::vector<TargetSpec>(specs, specs + N);
}

std::vector<TargetSpec> TargetSpecs(SolutionType target) {
  switch (target) {
    case SolutionType::kOdps: return AsVector(kOdpsTypes);
    case SolutionType::kHolo: return AsVector(kHoloTypes);
    case SolutionType::kKafka: return AsVector(kKafkaTypes);
  }
  return {};
}

struct TargetType {
  TargetSpec spec;
  std::string canonical;
  int64_t p = 0;  // precision or length
  int64_t s = 0;  // scale
};

std::optional<TargetType> ParseTargetType(SolutionType target, std::string_view text) {
  std::string normalized = NormalizeTypeText(text);
  TypeText parts = SplitTypeText(normalized);
  if (!parts.rest.empty()) return std::nullopt;
  for (const TargetSpec& spec : TargetSpecs(target)) {
    if (Lower(spec.name) != parts.name) continue;
    TargetType type{spec, std::string(spec.name)};
    std::vector<int64_t> args = NumericArguments(parts);
    switch (spec.args) {
      case Args::kNone:
        if (parts.has_arguments) return std::nullopt;
        break;
      case Args::kPrecisionScale:
        if (args.size() != 2 || args[0] < 1 || args[0] > 38 || args[1] < 0 || args[1] > args[0]) {
          return std::nullopt;
        }
        type.p = args[0];
        type.s = args[1];
        type.canonical += "(" + std::to_string(type.p) + "," + std::to_string(type.s) + ")";
        break;
      case Args::kLength:
        if (args.size() != 1 || args[0] < 1 || args[0] > 65535) return std::nullopt;
        type.p = args[0];
        type.canonical += "(" + std::to_string(type.p) + ")";
        break;
    }
    return type;
  }
  return std::nullopt;
}

// ---- value domains, for the lossy flag of overrides ----

struct Domain {
  Kind kind = Kind::kUnknown;
  int bits = 0;
  bool is_unsigned = false;
  int64_t p = 0;
  int64_t s = 0;
  std::optional<int64_t> length;
};

constexpr std::string_view kStringNames[] = {"char", "varchar", "tinytext", "text", "mediumtext",
                                              "longtext", "enum", "set"};
constexpr std::string_view kBinaryNames[] = {"binary", "varbinary", "tinyblob", "blob", "mediumblob",
                                              "longblob"};
constexpr std::string_view kSpatialNames[] = {"geometry", "point", "linestring", "polygon", "multipoint",
                                               "multilinestring", "multipolygon", "geometrycollection",
                                               "geomcollection"};

template <size_t N>
bool OneOf(std::string_view name, const std::string_view (&names)[N]) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

Domain SourceDomain(const SourceType& type) {
  Domain d;
  const std::string& n = type.name;
  auto integer = [&](int bits) {
    d.kind = Kind::kInteger;
    d.bits = bits;
    d.is_unsigned = type.is_unsigned;
  };
  if (n == "tinyint") {
    integer(8);
  } else if (n == "smallint") {
    integer(16);
  } else if (n == "mediumint") {
    integer(24);
  } else if (n == "int" || n == "integer") {
    integer(32);
  } else if (n == "bigint") {
    integer(64);
  } else if (n == "year") {
    d.kind = Kind::kInteger;  // 1901..2155
    d.bits = 12;
    d.is_unsigned = true;
  } else if (n == "decimal") {
    d.kind = Kind::kDecimal;
    d.p = type.p;
    d.s = type.s;
  } else if (n == "float") {
    d.kind = Kind::kFloat32;
  } else if (n == "double") {
    d.kind = Kind::kFloat64;
  } else if (n == "bit") {
    if (type.p <= 1) {
      d.kind = Kind::kBool;
    } else {
      d.kind = Kind::kInteger;
      d.bits = static_cast<int>(std::min<int64_t>(type.p, 64));
      d.is_unsigned = true;
    }
  } else if (OneOf(n, kStringNames)) {
    d.kind = Kind::kString;
    d.length = type.char_length;
  } else if (n == "json") {
    d.kind = Kind::kJson;
  } else if (OneOf(n, kBinaryNames)) {
    d.kind = Kind::kBinary;
  } else if (n == "date") {
    d.kind = Kind::kDate;
  } else if (n == "datetime" || n == "timestamp") {
    d.kind = Kind::kDateTime;
  } else if (n == "time") {
    d.kind = Kind::kTime;
  } else if (OneOf(n, kSpatialNames)) {
    d.kind = Kind::kSpatial;
  }
  return d;
}

// Decimal digits of the largest value of an integer type.
int64_t IntegerDigits(int bits, bool is_unsigned) {
  uint64_t max = 0;
  if (is_unsigned) {
    max = bits >= 64 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << bits) - 1;
  } else {
    max = bits >= 65 ? std::numeric_limits<uint64_t>::max() : (uint64_t{1} << (bits - 1)) - 1;
  }
  int64_t digits = 0;
  do {
    ++digits;
    max /= 10;
  } while (max != 0);
  return digits;
}

// Whether an integer of (bits, unsigned) fits a signed integer of target_bits.
bool IntegerFits(const Domain& source, int target_bits) {
  return source.is_unsigned ? source.bits < target_bits : source.bits <= target_bits;
}

// True when every value of `source` survives in `target`.
bool Holds(const TargetType& target, const Domain& source) {
  switch (target.spec.kind) {
    case Kind::kString:
      return source.kind != Kind::kBinary && source.kind != Kind::kSpatial && source.kind != Kind::kUnknown;
    case Kind::kVarchar:
      return source.kind == Kind::kString && source.length.has_value() && *source.length <= target.p;
    case Kind::kJson:
      return source.kind == Kind::kJson;
    case Kind::kBinary:
      return source.kind == Kind::kBinary || source.kind == Kind::kString || source.kind == Kind::kJson ||
             source.kind == Kind::kSpatial;
    case Kind::kBool:
      return source.kind == Kind::kBool;
    case Kind::kInteger:
      if (source.kind == Kind::kBool) return true;
      if (source.kind == Kind::kInteger) return IntegerFits(source, target.spec.bits);
      if (source.kind == Kind::kDecimal) {
        return source.s == 0 && source.p < IntegerDigits(target.spec.bits, false);
      }
      return false;
    case Kind::kDecimal:
      if (source.kind == Kind::kBool) return true;
      if (source.kind == Kind::kInteger) return IntegerDigits(source.bits, source.is_unsigned) <= target.p - target.s;
      if (source.kind == Kind::kDecimal) return source.s <= target.s && source.p - source.s <= target.p - target.s;
      return false;
    case Kind::kFloat32:
      if (source.kind == Kind::kBool || source.kind == Kind::kFloat32) return true;
      return source.kind == Kind::kInteger && source.bits <= 24;
    case Kind::kFloat64:
      if (source.kind == Kind::kBool || source.kind == Kind::kFloat32 || source.kind == Kind::kFloat64) return true;
      return source.kind == Kind::kInteger && source.bits <= 53;
    case Kind::kNumber:
      if (source.kind == Kind::kBool || source.kind == Kind::kFloat32 || source.kind == Kind::kFloat64) return true;
      return source.kind == Kind::kInteger && IntegerFits(source, 64);
    case Kind::kDate:
      return source.kind == Kind::kDate;
    case Kind::kDateTime:
      return source.kind == Kind::kDate || source.kind == Kind::kDateTime;
    case Kind::kTime:
      return source.kind == Kind::kTime;
    case Kind::kUnknown:
    case Kind::kSpatial:
      return false;
  }
  return false;
}

// ---- the compiled tables ----

struct CompiledRow {
  MappingRow row;
  Pattern pattern;
};

struct CompiledTable {
  std::vector<MappingRow> rows;
  std::vector<CompiledRow> compiled;
};

Result<CompiledTable> CompileTable(std::string_view tsv) {
  CompiledTable table;
  std::set<std::string> rules;
  size_t line_number = 0;
  for (std::string_view line : Split(tsv, '\n')) {
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (Trim(line).empty() || line.front() == '#') continue;
    auto fail = [&](const std::string& why) {
      return Error::InvalidArgument("mapping line " + std::to_string(line_number) + ": " + why);
    };
    std::vector<std::string_view> fields = Split(line, '\t');
    if (fields.size() < 4 || fields.size() > 5) return fail("expected 4 or 5 tab-separated columns");
    MappingRow row;
    row.rule = std::string(Trim(fields[0]));
    row.source = std::string(Trim(fields[1]));
    row.target = std::string(Trim(fields[2]));
    std::string_view lossy = Trim(fields[3]);
    row.lossy_reason = fields.size() == 5 ? std::string(Trim(fields[4])) : "";
    if (row.rule.empty() || row.target.empty()) return fail("empty rule or target");
    if (!rules.insert(row.rule).second) return fail("rule " + row.rule + " is listed twice");
    if (lossy == "yes") {
      row.lossy = true;
      if (row.lossy_reason.empty()) return fail("a lossy row needs a reason");
    } else if (lossy == "no") {
      if (!row.lossy_reason.empty()) return fail("a reason is given but the row is not lossy");
    } else {
      return fail("lossy must be yes or no");
    }
    std::optional<Pattern> pattern = ParsePattern(row.source);
    if (!pattern) return fail("bad source pattern \"" + row.source + "\"");
    table.compiled.push_back({row, std::move(*pattern)});
    table.rows.push_back(std::move(row));
  }
  return table;
}

const CompiledTable& Table(SolutionType target) {
  static const std::array<std::unique_ptr<const CompiledTable>, 3> tables = [] {
    std::array<std::unique_ptr<const CompiledTable>, 3> out;
    const SolutionType kAll[] = {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka};
    for (SolutionType solution : kAll) {
      std::string name = "mappings/mysql_to_" + std::string(WriterStepType(solution)) + ".tsv";
      std::optional<std::string_view> text = FindEmbeddedFile(name);
      DISYNC_CHECK(text.has_value());
      Result<CompiledTable> table = CompileTable(*text);
      DISYNC_CHECK(table.ok());
      out[static_cast<size_t>(solution)] = std::make_unique<const CompiledTable>(std::move(table).value());
    }
    return out;
  }();
  return *tables[static_cast<size_t>(target)];
}

std::string Instantiate(const std::string& target_template, const SourceType& source) {
  std::string out;
  for (size_t i = 0; i < target_template.size(); ++i) {
    if (target_template.compare(i, 3, "{p}") == 0) {
      out += std::to_string(source.p);
      i += 2;
    } else if (target_template.compare(i, 3, "{s}") == 0) {
      out += std::to_string(source.s);
      i += 2;
    } else {
      out += target_template[i];
    }
  }
  return out;
}

MappedType FromTarget(const TargetType& type) {
  MappedType mapped;
  mapped.target_type = type.canonical;
  if (type.spec.args == Args::kPrecisionScale) {
    mapped.column_size = static_cast<int32_t>(type.p);
    mapped.digit = static_cast<int32_t>(type.s);
  } else if (type.spec.args == Args::kLength) {
    mapped.column_size = static_cast<int32_t>(type.p);
  }
  return mapped;
}

std::string ColumnLabel(const ColumnSchema& column) { return "\"" + column.name + "\""; }

std::string TypeLabel(const ColumnSchema& column) {
  return column.column_type.empty() ? column.data_type : column.column_type;
}

const TypeOverride* FindOverride(const SourceType& type, const std::vector<TypeOverride>& overrides) {
  for (const TypeOverride& o : overrides) {
    if (NormalizeTypeText(o.source) == type.full) return &o;
  }
  for (const TypeOverride& o : overrides) {
    if (NormalizeTypeText(o.source) == type.name) return &o;
  }
  return nullptr;
}

}  // namespace

Result<std::vector<MappingRow>> ParseMappingTable(std::string_view tsv) {
  Result<CompiledTable> table = CompileTable(tsv);
  if (!table.ok()) return std::move(table).error();
  return std::move(table).value().rows;
}

const std::vector<MappingRow>& MappingRows(SolutionType target) { return Table(target).rows; }

Result<MappedType> MapColumn(SolutionType target, const ColumnSchema& column,
                             const std::vector<TypeOverride>& overrides) {
  SourceType source = FromColumn(column);
  const CompiledTable& table = Table(target);
  const CompiledRow* row = nullptr;
  for (const CompiledRow& candidate : table.compiled) {
    if (candidate.pattern.Matches(source)) {
      row = &candidate;
      break;
    }
  }

  std::optional<MappedType> by_default;
  if (row != nullptr) {
    std::string target_text = Instantiate(row->row.target, source);
    std::optional<TargetType> type = ParseTargetType(target, target_text);
    if (!type) {
      return Error(ErrorCode::kFailedPrecondition,
                   "type " + TypeLabel(column) + " of column " + ColumnLabel(column) + " maps to " +
                       target_text + " by rule " + row->row.rule + ", which " +
                       std::string(ToString(target)) + " does not support");
    }
    by_default = FromTarget(*type);
    by_default->rule = row->row.rule;
    by_default->lossy = row->row.lossy;
    by_default->lossy_reason = row->row.lossy_reason;
  }

  if (const TypeOverride* override_entry = FindOverride(source, overrides)) {
    std::optional<TargetType> type = ParseTargetType(target, override_entry->target);
    if (!type) {
      return Error(ErrorCode::kInvalidArgument, "type override \"" + override_entry->source + "\" -> \"" +
                                                    override_entry->target + "\" names no type of " +
                                                    std::string(ToString(target)) + "; expected one of " +
                                                    TargetTypeNames(target));
    }
    if (by_default && by_default->target_type == type->canonical) return *by_default;
    MappedType mapped = FromTarget(*type);
    mapped.rule = "override";
    if (!Holds(*type, SourceDomain(source))) {
      mapped.lossy = true;
      mapped.lossy_reason = "override to " + type->canonical + " cannot hold every value of " +
                            (source.full.empty() ? source.name : source.full);
    }
    return mapped;
  }

  if (!by_default) {
    return Error(ErrorCode::kFailedPrecondition,
                 "unsupported type " + TypeLabel(column) + " of column " + ColumnLabel(column));
  }
  return *by_default;
}

Result<const MappedType*> ColumnMapper::Map(const ColumnSchema& column) {
  Key key{column.data_type,         column.column_type,   column.char_max_length,
          column.numeric_precision, column.numeric_scale, column.datetime_precision};
  if (auto known = known_.find(key); known != known_.end()) return &known->second;
  DISYNC_ASSIGN_OR_RETURN(MappedType mapped, MapColumn(target_, column, overrides_));
  return &known_.emplace(std::move(key), std::move(mapped)).first->second;
}

std::optional<std::string> NormalizeMysqlType(std::string_view type) {
  std::string normalized = NormalizeTypeText(type);
  TypeText parts = SplitTypeText(normalized);
  if (parts.name.empty()) return std::nullopt;
  for (const CompiledRow& row : Table(SolutionType::kOdps).compiled) {
    const std::vector<std::string>& names = row.pattern.names;
    if (std::find(names.begin(), names.end(), parts.name) != names.end()) return normalized;
  }
  return std::nullopt;
}

std::optional<std::string> CanonicalTargetType(SolutionType target, std::string_view type) {
  std::optional<TargetType> parsed = ParseTargetType(target, type);
  if (!parsed) return std::nullopt;
  return parsed->canonical;
}

std::string TargetTypeNames(SolutionType target) {
  std::string out;
  for (const TargetSpec& spec : TargetSpecs(target)) {
    if (!out.empty()) out += ", ";
    out += spec.name;
    if (spec.args == Args::kPrecisionScale) out += "(p,s)";
    if (spec.args == Args::kLength) out += "(n)";
  }
  return out;
}

}  // namespace disync::di
