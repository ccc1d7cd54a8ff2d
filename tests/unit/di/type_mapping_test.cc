#include "di/type_mapping.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "di/embedded_files.h"

namespace disync::di {
namespace {

ColumnSchema Column(std::string data_type, std::string column_type, std::optional<int32_t> precision = std::nullopt,
                    std::optional<int32_t> scale = std::nullopt) {
  ColumnSchema column;
  column.name = "c";
  column.ordinal = 1;
  column.data_type = std::move(data_type);
  column.column_type = std::move(column_type);
  column.numeric_precision = precision;
  column.numeric_scale = scale;
  return column;
}

// One target of a row: type and whether it is flagged lossy.
struct Target {
  std::string type;
  bool lossy = false;
};

// A row of the generation.md section 3 table, with a column that exercises it.
struct RowCase {
  const char* name;       // test name
  std::string rule;       // the rule id every solution records
  ColumnSchema column;
  Target odps;
  Target holo;
  Target kafka;
};

// Transcribed from generation.md section 3; one or more columns per row.
const std::vector<RowCase>& RowCases() {
  static const std::vector<RowCase> cases = {
      // | TINYINT | TINYINT | int2 | number |
      {"Tinyint", "tinyint", Column("tinyint", "tinyint"), {"TINYINT"}, {"int2"}, {"number"}},
      {"TinyintOneIsAnInteger", "tinyint", Column("tinyint", "tinyint(1)"), {"TINYINT"}, {"int2"}, {"number"}},
      // | TINYINT UNSIGNED | SMALLINT | int2 | number |
      {"TinyintUnsigned", "tinyint_unsigned", Column("tinyint", "tinyint unsigned"), {"SMALLINT"}, {"int2"},
       {"number"}},
      // | SMALLINT | SMALLINT | int2 | number |
      {"Smallint", "smallint", Column("smallint", "smallint"), {"SMALLINT"}, {"int2"}, {"number"}},
      // | SMALLINT UNSIGNED | INT | int4 | number |
      {"SmallintUnsigned", "smallint_unsigned", Column("smallint", "smallint unsigned"), {"INT"}, {"int4"},
       {"number"}},
      // | MEDIUMINT (signed or not) | INT | int4 | number |
      {"Mediumint", "mediumint", Column("mediumint", "mediumint"), {"INT"}, {"int4"}, {"number"}},
      {"MediumintUnsigned", "mediumint", Column("mediumint", "mediumint unsigned"), {"INT"}, {"int4"}, {"number"}},
      // | INT | INT | int4 | number |
      {"Int", "int", Column("int", "int"), {"INT"}, {"int4"}, {"number"}},
      {"IntWithDisplayWidth", "int", Column("int", "int(11)"), {"INT"}, {"int4"}, {"number"}},
      // | INT UNSIGNED | BIGINT | int8 | number |
      {"IntUnsigned", "int_unsigned", Column("int", "int unsigned"), {"BIGINT"}, {"int8"}, {"number"}},
      {"IntZerofill", "int_unsigned", Column("int", "int(10) unsigned zerofill"), {"BIGINT"}, {"int8"}, {"number"}},
      // | BIGINT | BIGINT | int8 | number |
      {"Bigint", "bigint", Column("bigint", "bigint"), {"BIGINT"}, {"int8"}, {"number"}},
      // | BIGINT UNSIGNED | DECIMAL(20,0) | numeric(20,0) | string |
      {"BigintUnsigned", "bigint_unsigned", Column("bigint", "bigint unsigned"), {"DECIMAL(20,0)"},
       {"numeric(20,0)"}, {"string"}},
      // | DECIMAL(p,s), p <= 38 | DECIMAL(p,s) | numeric(p,s) | string |
      {"Decimal", "decimal", Column("decimal", "decimal(12,2)", 12, 2), {"DECIMAL(12,2)"}, {"numeric(12,2)"},
       {"string"}},
      {"Decimal38", "decimal", Column("decimal", "decimal(38,10)", 38, 10), {"DECIMAL(38,10)"}, {"numeric(38,10)"},
       {"string"}},
      {"DecimalUnsigned", "decimal", Column("decimal", "decimal(5,0) unsigned", 5, 0), {"DECIMAL(5,0)"},
       {"numeric(5,0)"}, {"string"}},
      // | DECIMAL(p,s), p > 38 | STRING (lossy: representation) | text (lossy: representation) | string |
      {"Decimal39", "decimal_wide", Column("decimal", "decimal(39,4)", 39, 4), {"STRING", true}, {"text", true},
       {"string"}},
      {"Decimal65", "decimal_wide", Column("decimal", "decimal(65,30)", 65, 30), {"STRING", true}, {"text", true},
       {"string"}},
      // | FLOAT | FLOAT | float4 | number |
      {"Float", "float", Column("float", "float"), {"FLOAT"}, {"float4"}, {"number"}},
      // | DOUBLE | DOUBLE | float8 | number |
      {"Double", "double", Column("double", "double"), {"DOUBLE"}, {"float8"}, {"number"}},
      // | BIT(1) | BOOLEAN | bool | boolean |
      {"Bit1", "bit_1", Column("bit", "bit(1)", 1), {"BOOLEAN"}, {"bool"}, {"boolean"}},
      // | BIT(n), n > 1 | BINARY | bytea | base64 string |
      {"Bit8", "bit_n", Column("bit", "bit(8)", 8), {"BINARY"}, {"bytea"}, {"base64"}},
      {"Bit64", "bit_n", Column("bit", "bit(64)", 64), {"BINARY"}, {"bytea"}, {"base64"}},
      // | CHAR, VARCHAR, TINYTEXT..LONGTEXT, ENUM, SET | STRING | text | string |
      {"Char", "string", Column("char", "char(10)"), {"STRING"}, {"text"}, {"string"}},
      {"Varchar", "string", Column("varchar", "varchar(255)"), {"STRING"}, {"text"}, {"string"}},
      {"Tinytext", "string", Column("tinytext", "tinytext"), {"STRING"}, {"text"}, {"string"}},
      {"Text", "string", Column("text", "text"), {"STRING"}, {"text"}, {"string"}},
      {"Mediumtext", "string", Column("mediumtext", "mediumtext"), {"STRING"}, {"text"}, {"string"}},
      {"Longtext", "string", Column("longtext", "longtext"), {"STRING"}, {"text"}, {"string"}},
      {"Enum", "string", Column("enum", "enum('a','b)','c')"), {"STRING"}, {"text"}, {"string"}},
      {"Set", "string", Column("set", "set('x','y')"), {"STRING"}, {"text"}, {"string"}},
      // | JSON | STRING | jsonb | string |
      {"Json", "json", Column("json", "json"), {"STRING"}, {"jsonb"}, {"string"}},
      // | BINARY, VARBINARY, TINYBLOB..LONGBLOB | BINARY | bytea | base64 string |
      {"Binary", "binary", Column("binary", "binary(16)"), {"BINARY"}, {"bytea"}, {"base64"}},
      {"Varbinary", "binary", Column("varbinary", "varbinary(255)"), {"BINARY"}, {"bytea"}, {"base64"}},
      {"Tinyblob", "binary", Column("tinyblob", "tinyblob"), {"BINARY"}, {"bytea"}, {"base64"}},
      {"Blob", "binary", Column("blob", "blob"), {"BINARY"}, {"bytea"}, {"base64"}},
      {"Mediumblob", "binary", Column("mediumblob", "mediumblob"), {"BINARY"}, {"bytea"}, {"base64"}},
      {"Longblob", "binary", Column("longblob", "longblob"), {"BINARY"}, {"bytea"}, {"base64"}},
      // | DATE | DATE | date | string yyyy-MM-dd |
      {"Date", "date", Column("date", "date"), {"DATE"}, {"date"}, {"string"}},
      // | DATETIME | DATETIME | timestamp | string |
      {"Datetime", "datetime", Column("datetime", "datetime(3)"), {"DATETIME"}, {"timestamp"}, {"string"}},
      // | TIMESTAMP | TIMESTAMP | timestamptz | string |
      {"Timestamp", "timestamp", Column("timestamp", "timestamp"), {"TIMESTAMP"}, {"timestamptz"}, {"string"}},
      // | TIME | STRING | time | string |
      {"Time", "time", Column("time", "time"), {"STRING"}, {"time"}, {"string"}},
      // | YEAR | INT | int4 | number |
      {"Year", "year", Column("year", "year"), {"INT"}, {"int4"}, {"number"}},
      // | GEOMETRY and other spatial | STRING (lossy: WKT text) | text (lossy) | string |
      {"Geometry", "spatial", Column("geometry", "geometry"), {"STRING", true}, {"text", true}, {"string", true}},
      {"Point", "spatial", Column("point", "point"), {"STRING", true}, {"text", true}, {"string", true}},
      {"Polygon", "spatial", Column("polygon", "polygon"), {"STRING", true}, {"text", true}, {"string", true}},
      {"GeomCollection", "spatial", Column("geomcollection", "geomcollection"), {"STRING", true}, {"text", true},
       {"string", true}},
  };
  return cases;
}

const Target& TargetOf(const RowCase& c, SolutionType solution) {
  switch (solution) {
    case SolutionType::kOdps: return c.odps;
    case SolutionType::kHolo: return c.holo;
    case SolutionType::kKafka: return c.kafka;
  }
  return c.odps;
}

class MappingRowTest : public ::testing::TestWithParam<RowCase> {};

TEST_P(MappingRowTest, MapsAsTheGenerationTableSays) {
  const RowCase& c = GetParam();
  for (SolutionType solution : {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka}) {
    SCOPED_TRACE(std::string(ToString(solution)));
    Result<MappedType> got = MapColumn(solution, c.column, {});
    ASSERT_TRUE(got.ok()) << got.error().message();
    const Target& want = TargetOf(c, solution);
    EXPECT_EQ(got->target_type, want.type);
    EXPECT_EQ(got->rule, c.rule);
    EXPECT_EQ(got->lossy, want.lossy);
    EXPECT_EQ(got->lossy_reason.empty(), !want.lossy) << got->lossy_reason;
  }
}

INSTANTIATE_TEST_SUITE_P(Table, MappingRowTest, ::testing::ValuesIn(RowCases()),
                         [](const ::testing::TestParamInfo<RowCase>& info) { return info.param.name; });

TEST(MappingRows, EveryFileRowIsTestedAndInTableOrder) {
  const std::vector<std::string> want = {
      "tinyint", "tinyint_unsigned", "smallint", "smallint_unsigned", "mediumint", "int",
      "int_unsigned", "bigint", "bigint_unsigned", "decimal", "decimal_wide", "float",
      "double", "bit_1", "bit_n", "string", "json", "binary",
      "date", "datetime", "timestamp", "time", "year", "spatial"};
  std::set<std::string> tested;
  for (const RowCase& c : RowCases()) tested.insert(c.rule);
  for (SolutionType solution : {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka}) {
    std::vector<std::string> rules;
    for (const MappingRow& row : MappingRows(solution)) {
      rules.push_back(row.rule);
      EXPECT_TRUE(tested.count(row.rule)) << row.rule << " has no test case";
    }
    EXPECT_EQ(rules, want) << ToString(solution);
  }
}

TEST(MapColumn, DecimalCarriesPrecisionAndScale) {
  Result<MappedType> odps = MapColumn(SolutionType::kOdps, Column("decimal", "decimal(12,2)"), {});
  ASSERT_TRUE(odps.ok());
  EXPECT_EQ(odps->column_size, 12);
  EXPECT_EQ(odps->digit, 2);
  Result<MappedType> holo = MapColumn(SolutionType::kHolo, Column("bigint", "bigint unsigned"), {});
  ASSERT_TRUE(holo.ok());
  EXPECT_EQ(holo.value(), (MappedType{"numeric(20,0)", "bigint_unsigned", false, "", 20, 0}));
  Result<MappedType> text = MapColumn(SolutionType::kHolo, Column("varchar", "varchar(10)"), {});
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(text.value(), (MappedType{"text", "string", false, "", 0, 0}));
}

struct ColumnFormCase {
  const char* name;
  ColumnSchema column;
  std::string odps_type;
  std::string rule;
};

class ColumnFormTest : public ::testing::TestWithParam<ColumnFormCase> {};

TEST_P(ColumnFormTest, ReadsTheType) {
  const ColumnFormCase& c = GetParam();
  Result<MappedType> got = MapColumn(SolutionType::kOdps, c.column, {});
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->target_type, c.odps_type);
  EXPECT_EQ(got->rule, c.rule);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ColumnFormTest,
    ::testing::Values(
        ColumnFormCase{"PrecisionFromSchemaWhenTypeHasNone", Column("decimal", "decimal", 40, 2), "STRING",
                       "decimal_wide"},
        ColumnFormCase{"DecimalDefaultsToTenZero", Column("decimal", "decimal"), "DECIMAL(10,0)", "decimal"},
        ColumnFormCase{"DecimalWithOneArgument", Column("decimal", "decimal(7)"), "DECIMAL(7,0)", "decimal"},
        ColumnFormCase{"BitLengthFromSchema", Column("bit", "bit", 5), "BINARY", "bit_n"},
        ColumnFormCase{"BitDefaultsToOne", Column("bit", "bit"), "BOOLEAN", "bit_1"},
        ColumnFormCase{"ZerofillImpliesUnsigned", Column("int", "int(11) zerofill"), "BIGINT", "int_unsigned"},
        ColumnFormCase{"UpperCaseColumnType", Column("", "BIGINT  UNSIGNED"), "DECIMAL(20,0)", "bigint_unsigned"},
        ColumnFormCase{"DataTypeWinsOverColumnType", Column("int", "integer"), "INT", "int"},
        ColumnFormCase{"SpacesInArguments", Column("decimal", "decimal( 9 , 3 )"), "DECIMAL(9,3)", "decimal"}),
    [](const ::testing::TestParamInfo<ColumnFormCase>& info) { return info.param.name; });

TEST(MapColumn, UnknownTypeIsAFailedPrecondition) {
  ColumnSchema column = Column("xml", "xml");
  column.name = "payload";
  Result<MappedType> got = MapColumn(SolutionType::kHolo, column, {});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kFailedPrecondition);
  EXPECT_EQ(got.error().message(), "unsupported type xml of column \"payload\"");
}

// ColumnMapper answers as MapColumn does, column after column, whatever it
// remembered from the columns before: types that differ only in a field
// (precision, scale, length, unsignedness) map apart, and a failure still
// names its own column.
TEST(ColumnMapper, MapsEveryColumnAsMapColumnDoes) {
  std::vector<ColumnSchema> columns = {
      Column("decimal", "decimal(12,2)", 12, 2), Column("decimal", "decimal(38,10)", 38, 10),
      Column("decimal", "decimal(12,2)", 12, 2), Column("bigint", "bigint(20)"),
      Column("bigint", "bigint(20) unsigned"),   Column("tinyint", "tinyint(1)"),
      Column("tinyint", "tinyint(4)"),           Column("varchar", "varchar(64)"),
      Column("xml", "xml"),                      Column("bigint", "bigint(20)"),
      Column("xml", "xml"),                      Column("decimal", "decimal", 12, 2),
      Column("decimal", "decimal", 38, 10)};
  columns[7].char_max_length = 64;
  for (size_t i = 0; i < columns.size(); ++i) columns[i].name = "c" + std::to_string(i);
  const std::vector<TypeOverride> overrides = {{"tinyint(1)", "bool"}};
  for (SolutionType target : {SolutionType::kHolo, SolutionType::kOdps, SolutionType::kKafka}) {
    ColumnMapper mapper(target, overrides);
    for (const ColumnSchema& column : columns) {
      Result<MappedType> want = MapColumn(target, column, overrides);
      Result<const MappedType*> got = mapper.Map(column);
      ASSERT_EQ(got.ok(), want.ok()) << column.column_type;
      if (want.ok()) {
        EXPECT_EQ(*got.value(), want.value()) << column.column_type;
      } else {
        EXPECT_EQ(got.error().message(), want.error().message());
      }
    }
  }
}

// One address per distinct type, for as long as the mapper lives.
TEST(ColumnMapper, AnswersOneTypeWithOneAddress) {
  const std::vector<TypeOverride> overrides;  // the mapper keeps a reference
  ColumnMapper mapper(SolutionType::kHolo, overrides);
  Result<const MappedType*> first = mapper.Map(Column("decimal", "decimal(12,2)", 12, 2));
  Result<const MappedType*> other = mapper.Map(Column("decimal", "decimal(38,10)", 38, 10));
  Result<const MappedType*> again = mapper.Map(Column("decimal", "decimal(12,2)", 12, 2));
  ASSERT_TRUE(first.ok() && other.ok() && again.ok());
  EXPECT_EQ(first.value(), again.value());
  EXPECT_NE(first.value(), other.value());
  EXPECT_EQ(first.value()->target_type, "numeric(12,2)");
}

TEST(MapColumn, OverrideTargetTheSolutionLacksIsInvalid) {
  Result<MappedType> got =
      MapColumn(SolutionType::kHolo, Column("tinyint", "tinyint(1)"), {{"tinyint(1)", "BOOLEAN"}});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message().find("bool, int2"), std::string::npos) << got.error().message();
}

struct OverrideCase {
  const char* name;
  SolutionType solution;
  ColumnSchema column;
  std::vector<TypeOverride> overrides;
  std::string want_type;
  std::string want_rule;
  bool want_lossy;
};

class OverrideTest : public ::testing::TestWithParam<OverrideCase> {};

TEST_P(OverrideTest, AppliesAndFlagsLoss) {
  const OverrideCase& c = GetParam();
  Result<MappedType> got = MapColumn(c.solution, c.column, c.overrides);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got->target_type, c.want_type);
  EXPECT_EQ(got->rule, c.want_rule);
  EXPECT_EQ(got->lossy, c.want_lossy) << got->lossy_reason;
  EXPECT_EQ(got->lossy_reason.empty(), !c.want_lossy);
}

ColumnSchema Varchar(int64_t length) {
  ColumnSchema column = Column("varchar", "varchar(" + std::to_string(length) + ")");
  column.char_max_length = length;
  return column;
}

INSTANTIATE_TEST_SUITE_P(
    Table, OverrideTest,
    ::testing::Values(
        // The documented case: TINYINT(1) as boolean loses 2..127.
        OverrideCase{"TinyintOneToBooleanOdps", SolutionType::kOdps, Column("tinyint", "tinyint(1)"),
                     {{"tinyint(1)", "BOOLEAN"}}, "BOOLEAN", "override", true},
        OverrideCase{"TinyintOneToBoolHolo", SolutionType::kHolo, Column("tinyint", "tinyint(1)"),
                     {{"tinyint(1)", "bool"}}, "bool", "override", true},
        OverrideCase{"TinyintOneToBooleanKafka", SolutionType::kKafka, Column("tinyint", "tinyint(1)"),
                     {{"tinyint(1)", "boolean"}}, "boolean", "override", true},
        OverrideCase{"FullTypeOnlyMatchesThatType", SolutionType::kOdps, Column("tinyint", "tinyint(4)"),
                     {{"tinyint(1)", "BOOLEAN"}}, "TINYINT", "tinyint", false},
        OverrideCase{"TypeNameMatchesEveryWidth", SolutionType::kOdps, Column("tinyint", "tinyint(4)"),
                     {{"tinyint", "INT"}}, "INT", "override", false},
        OverrideCase{"FullTypeWinsOverTypeName", SolutionType::kOdps, Column("bigint", "bigint unsigned"),
                     {{"bigint", "STRING"}, {"bigint unsigned", "DECIMAL(38,0)"}}, "DECIMAL(38,0)", "override",
                     false},
        OverrideCase{"TypeNameAppliesToSigned", SolutionType::kOdps, Column("bigint", "bigint"),
                     {{"bigint", "STRING"}, {"bigint unsigned", "DECIMAL(38,0)"}}, "STRING", "override", false},
        OverrideCase{"SameAsDefaultKeepsTheRule", SolutionType::kHolo, Column("bigint", "bigint unsigned"),
                     {{"bigint unsigned", "numeric(20,0)"}}, "numeric(20,0)", "bigint_unsigned", false},
        OverrideCase{"NarrowerIntegerIsLossy", SolutionType::kOdps, Column("bigint", "bigint"),
                     {{"bigint", "INT"}}, "INT", "override", true},
        OverrideCase{"UnsignedIntoSameWidthIsLossy", SolutionType::kHolo, Column("int", "int unsigned"),
                     {{"int unsigned", "int4"}}, "int4", "override", true},
        OverrideCase{"WiderIntegerIsNotLossy", SolutionType::kHolo, Column("smallint", "smallint unsigned"),
                     {{"smallint unsigned", "int8"}}, "int8", "override", false},
        OverrideCase{"WiderDecimalIsNotLossy", SolutionType::kOdps, Column("decimal", "decimal(12,2)"),
                     {{"decimal(12,2)", "DECIMAL(20,4)"}}, "DECIMAL(20,4)", "override", false},
        OverrideCase{"FewerIntegerDigitsIsLossy", SolutionType::kOdps, Column("decimal", "decimal(12,2)"),
                     {{"decimal(12,2)", "DECIMAL(11,2)"}}, "DECIMAL(11,2)", "override", true},
        OverrideCase{"DecimalToDoubleIsLossy", SolutionType::kOdps, Column("decimal", "decimal(12,2)"),
                     {{"decimal", "DOUBLE"}}, "DOUBLE", "override", true},
        OverrideCase{"DatetimeToDateIsLossy", SolutionType::kOdps, Column("datetime", "datetime"),
                     {{"datetime", "DATE"}}, "DATE", "override", true},
        OverrideCase{"DateToTimestampIsNotLossy", SolutionType::kHolo, Column("date", "date"),
                     {{"date", "timestamp"}}, "timestamp", "override", false},
        OverrideCase{"BinaryToStringIsLossy", SolutionType::kOdps, Column("varbinary", "varbinary(16)"),
                     {{"varbinary", "STRING"}}, "STRING", "override", true},
        OverrideCase{"IntegerToStringIsNotLossy", SolutionType::kKafka, Column("int", "int"),
                     {{"int", "string"}}, "string", "override", false},
        OverrideCase{"BigintUnsignedToNumberIsLossy", SolutionType::kKafka, Column("bigint", "bigint unsigned"),
                     {{"bigint unsigned", "number"}}, "number", "override", true},
        OverrideCase{"DecimalToNumberIsLossy", SolutionType::kKafka, Column("decimal", "decimal(10,2)"),
                     {{"decimal", "number"}}, "number", "override", true},
        OverrideCase{"VarcharThatFits", SolutionType::kOdps, Varchar(20), {{"varchar(20)", "VARCHAR(20)"}},
                     "VARCHAR(20)", "override", false},
        OverrideCase{"VarcharTooShort", SolutionType::kOdps, Varchar(20), {{"varchar", "varchar(10)"}},
                     "VARCHAR(10)", "override", true},
        OverrideCase{"JsonKeptAsJson", SolutionType::kOdps, Column("json", "json"), {{"json", "JSON"}}, "JSON",
                     "override", false},
        OverrideCase{"SpatialToBinaryIsNotLossy", SolutionType::kHolo, Column("point", "point"),
                     {{"point", "bytea"}}, "bytea", "override", false},
        OverrideCase{"UnsupportedSourceMayBeOverridden", SolutionType::kOdps, Column("xml", "xml"),
                     {{"xml", "STRING"}}, "STRING", "override", true}),
    [](const ::testing::TestParamInfo<OverrideCase>& info) { return info.param.name; });

TEST(MapColumn, LossyOverrideSaysWhy) {
  Result<MappedType> got =
      MapColumn(SolutionType::kOdps, Column("tinyint", "tinyint(1)"), {{"tinyint(1)", "BOOLEAN"}});
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->lossy_reason, "override to BOOLEAN cannot hold every value of tinyint(1)");
}

// ---- the file format ----

struct TableCase {
  const char* name;
  std::string tsv;
  std::string error_part;  // "" = parses
};

class MappingTableTest : public ::testing::TestWithParam<TableCase> {};

TEST_P(MappingTableTest, ParsesOrNamesTheFault) {
  const TableCase& c = GetParam();
  Result<std::vector<MappingRow>> got = ParseMappingTable(c.tsv);
  if (c.error_part.empty()) {
    EXPECT_TRUE(got.ok()) << got.error().message();
    return;
  }
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(got.error().message().find(c.error_part), std::string::npos) << got.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, MappingTableTest,
    ::testing::Values(
        TableCase{"Minimal", "# comment\n\nint\tint signed\tINT\tno\n", ""},
        TableCase{"CrLf", "int\tint\tINT\tno\r\nx\tbit(p>1)\tBINARY\tyes\tbits\r\n", ""},
        TableCase{"TooFewColumns", "int\tint\tINT\n", "line 1: expected 4 or 5"},
        TableCase{"TooManyColumns", "int\tint\tINT\tno\tr\textra\n", "line 1: expected 4 or 5"},
        TableCase{"BadLossyFlag", "# c\nint\tint\tINT\tmaybe\n", "line 2: lossy must be yes or no"},
        TableCase{"LossyWithoutReason", "int\tint\tINT\tyes\n", "needs a reason"},
        TableCase{"ReasonWithoutLossy", "int\tint\tINT\tno\twhy\n", "not lossy"},
        TableCase{"RepeatedRule", "a\tint\tINT\tno\na\tbigint\tBIGINT\tno\n", "line 2: rule a is listed twice"},
        TableCase{"UpperCaseName", "a\tINT\tINT\tno\n", "bad source pattern"},
        TableCase{"BadCondition", "a\tdecimal(q<3)\tINT\tno\n", "bad source pattern"},
        TableCase{"BadQualifier", "a\tint zerofill\tINT\tno\n", "bad source pattern"},
        TableCase{"EmptyName", "a\tint||bigint\tINT\tno\n", "bad source pattern"}),
    [](const ::testing::TestParamInfo<TableCase>& info) { return info.param.name; });

struct NormalizeCase {
  const char* name;
  std::string input;
  std::optional<std::string> want;
};

class NormalizeMysqlTypeTest : public ::testing::TestWithParam<NormalizeCase> {};

TEST_P(NormalizeMysqlTypeTest, Normalizes) {
  EXPECT_EQ(NormalizeMysqlType(GetParam().input), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, NormalizeMysqlTypeTest,
    ::testing::Values(NormalizeCase{"Width", "TINYINT( 1 )", "tinyint(1)"},
                      NormalizeCase{"Unsigned", " BIGINT  Unsigned ", "bigint unsigned"},
                      NormalizeCase{"Decimal", "decimal(10, 2)", "decimal(10,2)"},
                      NormalizeCase{"Spatial", "GEOMETRY", "geometry"},
                      NormalizeCase{"Unknown", "xml", std::nullopt},
                      NormalizeCase{"Empty", "", std::nullopt},
                      NormalizeCase{"Punctuation", "(1)", std::nullopt}),
    [](const ::testing::TestParamInfo<NormalizeCase>& info) { return info.param.name; });

struct CanonicalCase {
  const char* name;
  SolutionType solution;
  std::string input;
  std::optional<std::string> want;
};

class CanonicalTargetTypeTest : public ::testing::TestWithParam<CanonicalCase> {};

TEST_P(CanonicalTargetTypeTest, Canonicalises) {
  EXPECT_EQ(CanonicalTargetType(GetParam().solution, GetParam().input), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CanonicalTargetTypeTest,
    ::testing::Values(
        CanonicalCase{"OdpsBoolean", SolutionType::kOdps, "boolean", "BOOLEAN"},
        CanonicalCase{"OdpsDecimal", SolutionType::kOdps, "decimal(10, 2)", "DECIMAL(10,2)"},
        CanonicalCase{"OdpsDecimalTooWide", SolutionType::kOdps, "DECIMAL(39,0)", std::nullopt},
        CanonicalCase{"OdpsDecimalScaleAbovePrecision", SolutionType::kOdps, "DECIMAL(5,6)", std::nullopt},
        CanonicalCase{"OdpsDecimalNeedsArguments", SolutionType::kOdps, "DECIMAL", std::nullopt},
        CanonicalCase{"OdpsStringTakesNone", SolutionType::kOdps, "STRING(3)", std::nullopt},
        CanonicalCase{"OdpsVarchar", SolutionType::kOdps, "varchar(10)", "VARCHAR(10)"},
        CanonicalCase{"OdpsUnknown", SolutionType::kOdps, "TEXT", std::nullopt},
        CanonicalCase{"HoloNumeric", SolutionType::kHolo, "NUMERIC(12,2)", "numeric(12,2)"},
        CanonicalCase{"HoloInt8", SolutionType::kHolo, "int8", "int8"},
        CanonicalCase{"HoloAliasesAreNotAccepted", SolutionType::kHolo, "bigint", std::nullopt},
        CanonicalCase{"HoloTrailingWords", SolutionType::kHolo, "timestamp with time zone", std::nullopt},
        CanonicalCase{"KafkaNumber", SolutionType::kKafka, "NUMBER", "number"},
        CanonicalCase{"KafkaBase64", SolutionType::kKafka, "base64", "base64"},
        CanonicalCase{"KafkaUnknown", SolutionType::kKafka, "bytes", std::nullopt}),
    [](const ::testing::TestParamInfo<CanonicalCase>& info) { return info.param.name; });

TEST(TargetTypeNames, ListsTheTypesForMessages) {
  EXPECT_EQ(TargetTypeNames(SolutionType::kKafka), "number, string, boolean, base64");
  EXPECT_EQ(TargetTypeNames(SolutionType::kHolo).substr(0, 16), "bool, int2, int4");
}

// ---- embedding ----

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(DISYNC_TEST_DATA_DIR) + "/../../src/di/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(EmbeddedFiles, AreTheSourceFilesByteForByte) {
  std::vector<std::string_view> names = EmbeddedFileNames();
  EXPECT_EQ(names.size(), 4u);
  for (const char* name : {"schemas/realtime_script.schema.json", "mappings/mysql_to_odps.tsv",
                           "mappings/mysql_to_holo.tsv", "mappings/mysql_to_kafka.tsv"}) {
    std::optional<std::string_view> embedded = FindEmbeddedFile(name);
    ASSERT_TRUE(embedded.has_value()) << name;
    std::string source = ReadSourceFile(name);
    ASSERT_FALSE(source.empty()) << name;
    EXPECT_EQ(*embedded, source) << name;
  }
  EXPECT_EQ(FindEmbeddedFile("mappings/missing.tsv"), std::nullopt);
}

}  // namespace
}  // namespace disync::di
