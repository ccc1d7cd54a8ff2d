#include "di/generator.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "di/type_mapping.h"
#include "unit/di/fake_script_references.h"

namespace disync::di {
namespace {

using Json = nlohmann::json;
using OJson = nlohmann::ordered_json;

// ---- the fixed in-memory schema ----

ColumnSchema Col(std::string name, int32_t ordinal, std::string data_type, std::string column_type,
                 std::string comment = "") {
  ColumnSchema column;
  column.name = std::move(name);
  column.ordinal = ordinal;
  column.data_type = std::move(data_type);
  column.column_type = std::move(column_type);
  column.comment = std::move(comment);
  return column;
}

ColumnSchema Numeric(std::string name, int32_t ordinal, int32_t precision, int32_t scale) {
  ColumnSchema column = Col(std::move(name), ordinal, "decimal",
                            "decimal(" + std::to_string(precision) + "," + std::to_string(scale) + ")");
  column.numeric_precision = precision;
  column.numeric_scale = scale;
  return column;
}

ColumnSchema Chars(std::string name, int32_t ordinal, std::string data_type, int64_t length,
                   std::string comment = "") {
  ColumnSchema column = Col(std::move(name), ordinal, data_type,
                            data_type + "(" + std::to_string(length) + ")", std::move(comment));
  column.char_max_length = length;
  return column;
}

TableSchema Table(std::string database, std::string name, std::vector<ColumnSchema> columns,
                  std::vector<std::string> primary_key) {
  TableSchema table;
  table.database = std::move(database);
  table.name = std::move(name);
  table.columns = std::move(columns);
  table.primary_key = std::move(primary_key);
  for (ColumnSchema& column : table.columns) {
    bool key = std::find(table.primary_key.begin(), table.primary_key.end(), column.name) != table.primary_key.end();
    if (key) column.nullable = false;
  }
  return table;
}

// One column per row of the generation.md type table (and then some).
TableSchema AllTypes() {
  ColumnSchema datetime = Col("c_datetime", 35, "datetime", "datetime(3)");
  datetime.datetime_precision = 3;
  return Table("shop", "all_types",
               {Col("id", 1, "int", "int", "surrogate key"),
                Col("c_tinyint", 2, "tinyint", "tinyint"),
                Col("c_tinyint_1", 3, "tinyint", "tinyint(1)", "a flag that may hold 2"),
                Col("c_tinyint_u", 4, "tinyint", "tinyint unsigned"),
                Col("c_smallint", 5, "smallint", "smallint"),
                Col("c_smallint_u", 6, "smallint", "smallint unsigned"),
                Col("c_mediumint", 7, "mediumint", "mediumint"),
                Col("c_mediumint_u", 8, "mediumint", "mediumint unsigned"),
                Col("c_int_u", 9, "int", "int unsigned"),
                Col("c_bigint", 10, "bigint", "bigint"),
                Col("c_bigint_u", 11, "bigint", "bigint unsigned"),
                Numeric("c_decimal", 12, 12, 2),
                Numeric("c_decimal_38", 13, 38, 10),
                Numeric("c_decimal_wide", 14, 65, 30),
                Col("c_float", 15, "float", "float"),
                Col("c_double", 16, "double", "double"),
                Col("c_bit_1", 17, "bit", "bit(1)"),
                Col("c_bit_8", 18, "bit", "bit(8)"),
                Chars("c_char", 19, "char", 10),
                Chars("c_varchar", 20, "varchar", 255),
                Col("c_tinytext", 21, "tinytext", "tinytext"),
                Col("c_text", 22, "text", "text"),
                Col("c_mediumtext", 23, "mediumtext", "mediumtext"),
                Col("c_longtext", 24, "longtext", "longtext"),
                Col("c_enum", 25, "enum", "enum('new','paid')"),
                Col("c_set", 26, "set", "set('a','b')"),
                Col("c_json", 27, "json", "json"),
                Col("c_binary", 28, "binary", "binary(16)"),
                Col("c_varbinary", 29, "varbinary", "varbinary(64)"),
                Col("c_tinyblob", 30, "tinyblob", "tinyblob"),
                Col("c_blob", 31, "blob", "blob"),
                Col("c_mediumblob", 32, "mediumblob", "mediumblob"),
                Col("c_longblob", 33, "longblob", "longblob"),
                Col("c_date", 34, "date", "date"),
                datetime,
                Col("c_timestamp", 36, "timestamp", "timestamp"),
                Col("c_time", 37, "time", "time"),
                Col("c_year", 38, "year", "year"),
                Col("c_geometry", 39, "geometry", "geometry"),
                Col("c_point", 40, "point", "point"),
                Chars("c_note", 41, "varchar", 20, "客户 \"备注\" / note")},
               {"id"});
}

std::vector<SourceSchema> GoldenSchemas() {
  SourceSchema pub;
  pub.datasource = "mysql_pub";
  pub.tables = {
      AllTypes(),
      Table("shop", "orders",
            {Col("order_id", 1, "bigint", "bigint"), Col("line_no", 2, "int", "int"), Numeric("amount", 3, 12, 2),
             Chars("note", 4, "varchar", 200, "free text"), Col("created_at", 5, "datetime", "datetime")},
            {"order_id", "line_no"}),
      Table("shop", "audit_log",
            {Col("id", 1, "bigint", "bigint"), Col("payload", 2, "json", "json"),
             Col("at", 3, "timestamp", "timestamp")},
            {}),
      Table("shop", "not_selected", {Col("id", 1, "int", "int")}, {"id"}),
      Table("crm", "customers",
            {Col("id", 1, "int", "int unsigned"), Chars("name", 2, "varchar", 64),
             Chars("email", 3, "varchar", 255), Col("vip", 4, "tinyint", "tinyint(1)")},
            {"id"}),
  };
  SourceSchema crm;
  crm.datasource = "mysql_crm";
  crm.tables = {Table("crm_main", "accounts",
                      {Col("id", 1, "bigint", "bigint"), Numeric("balance", 2, 20, 4), Col("active", 3, "bit", "bit(1)")},
                      {"id"})};
  return {pub, crm};
}

// The TaskParam of each golden render.
std::string GoldenTaskParam(SolutionType solution) {
  Json doc = Json::parse(R"({
    "type": "realtime",
    "version": "1.0",
    "setting": { "resourceGroup": "S_res_group_280749521950784_1623033752022" },
    "steps": [
      { "stepType": "mysql", "name": "Reader", "category": "reader",
        "parameter": { "connection": [
          { "datasourceType": "mysql", "datasource": "mysql_pub",
            "selectedTables": [
              { "dbName": "shop", "schema": [ { "tableInfos": [ { "table": "all_types" }, { "table": "orders" } ] } ] },
              { "dbName": "crm", "schema": [ { "tableInfos": [ { "table": "customers" } ] } ] } ] },
          { "datasourceType": "mysql", "datasource": "mysql_crm", "table": [ "accounts" ] } ] } },
      { "name": "Writer", "category": "writer", "parameter": {} } ]
  })");
  Json& setting = doc["setting"];
  Json& writer = doc["steps"][1];
  Json& shop_tables = doc["steps"][0]["parameter"]["connection"][0]["selectedTables"][0]["schema"][0]["tableInfos"];
  setting["taskType"] = ToString(solution);
  writer["stepType"] = WriterStepType(solution);
  switch (solution) {
    case SolutionType::kHolo:
      setting["name"] = "golden_holo";
      setting["typeOverrides"] = {{{"source", "tinyint(1)"}, {"target", "bool"}}};
      writer["parameter"]["datasource"] = "holo";
      break;
    case SolutionType::kOdps:
      setting["name"] = "golden_odps";
      setting["scheduleResgroupId"] = 30003913;
      setting["typeOverrides"] = {{{"source", "tinyint(1)"}, {"target", "BOOLEAN"}}};
      writer["parameter"]["datasource"] = "odps_first";
      shop_tables.push_back({{"table", "audit_log"}});
      break;
    case SolutionType::kKafka:
      setting["name"] = "golden_kafka";
      setting["tableNameRule"] = "${srcDatasourceName}.${srcDatabaseName}.${srcTableName}";
      setting["typeOverrides"] = {{{"source", "tinyint(1)"}, {"target", "boolean"}}};
      writer["parameter"]["datasource"] = "azn_kafka";
      shop_tables.push_back({{"table", "audit_log"}});
      break;
  }
  return doc.dump();
}

RealtimeScript GoldenScript(SolutionType solution) {
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  Result<RealtimeScript> script = ParseRealtimeScript(GoldenTaskParam(solution), refs);
  EXPECT_TRUE(script.ok()) << script.error().message();
  return script.ok() ? script.value() : RealtimeScript{};
}

std::string Render(SolutionType solution, const std::vector<SourceSchema>& schemas = GoldenSchemas()) {
  Result<std::string> content = GenerateTaskContent(GoldenScript(solution), schemas, GeneratorOptions{});
  EXPECT_TRUE(content.ok()) << content.error().message();
  return content.ok() ? content.value() : std::string();
}

std::string GoldenPath(SolutionType solution) {
  return std::string(DISYNC_TEST_DATA_DIR) + "/golden/" + std::string(ToString(solution)) + ".json";
}

}  // namespace

// Readable test parameters in gtest output.
void PrintTo(SolutionType solution, std::ostream* out) { *out << ToString(solution); }

namespace {

const SolutionType kAllSolutions[] = {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka};

// ---- golden files ----

class GoldenTest : public ::testing::TestWithParam<SolutionType> {};

TEST_P(GoldenTest, RendersTheGoldenFileByteForByte) {
  const std::string path = GoldenPath(GetParam());
  const std::string got = Render(GetParam());
  ASSERT_FALSE(got.empty());
  const char* update = std::getenv("DISYNC_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << got;
    ASSERT_TRUE(out.good()) << "cannot write " << path;
    GTEST_SKIP() << "rewrote " << path;
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in.good()) << path << " is missing; run with DISYNC_UPDATE_GOLDEN=1 to create it";
  std::ostringstream want;
  want << in.rdbuf();
  if (got != want.str()) {
    size_t at = 0;
    while (at < got.size() && at < want.str().size() && got[at] == want.str()[at]) ++at;
    FAIL() << path << " differs at byte " << at << ":\n  got:  " << got.substr(at > 80 ? at - 80 : 0, 200)
           << "\n  want: " << want.str().substr(at > 80 ? at - 80 : 0, 200)
           << "\nIf the change is intended, rerun with DISYNC_UPDATE_GOLDEN=1 and review the diff.";
  }
}

INSTANTIATE_TEST_SUITE_P(Solutions, GoldenTest, ::testing::ValuesIn(kAllSolutions),
                         [](const ::testing::TestParamInfo<SolutionType>& info) {
                           return std::string(WriterStepType(info.param));
                         });

// ---- shape ----

class ShapeTest : public ::testing::TestWithParam<SolutionType> {};

std::vector<std::string> Keys(const OJson& object) {
  std::vector<std::string> keys;
  for (auto it = object.begin(); it != object.end(); ++it) keys.push_back(it.key());
  return keys;
}

TEST_P(ShapeTest, FollowsScriptsSection31) {
  const SolutionType solution = GetParam();
  const std::string text = Render(solution);
  EXPECT_EQ(text.find('\n'), std::string::npos) << "compact JSON";
  OJson content = OJson::parse(text);

  EXPECT_EQ(Keys(content), (std::vector<std::string>{"extend", "type", "steps", "version", "order"}));
  EXPECT_EQ(content["type"], "job");
  EXPECT_EQ(content["version"], "2.0");
  EXPECT_EQ(content["order"].dump(), R"({"hops":[{"from":"reader","to":"writer"}]})");
  const OJson& extend = content["extend"];
  EXPECT_EQ(extend["mode"], "migration_" + std::string(WriterStepType(solution)));
  EXPECT_EQ(extend["resourceGroup"], "S_res_group_280749521950784_1623033752022");
  EXPECT_EQ(extend["name"], "golden_" + std::string(WriterStepType(solution)));
  EXPECT_EQ(extend["generatorVersion"], std::string(kGeneratorVersion));
  EXPECT_EQ(extend["schemaFingerprint"].get<std::string>().size(), 64u);

  const OJson& reader = content["steps"][0];
  const OJson& writer = content["steps"][1];
  EXPECT_EQ(Keys(reader), (std::vector<std::string>{"stepType", "parameter", "name", "category"}));
  EXPECT_EQ(reader["name"], "reader");
  EXPECT_EQ(reader["category"], "reader");
  EXPECT_EQ(writer["name"], "writer");
  EXPECT_EQ(writer["stepType"], WriterStepType(solution));
  EXPECT_EQ(writer["parameter"]["writeMode"], solution == SolutionType::kKafka ? "insert" : "replay");

  // The single-database `table` form comes back as selectedTables with the
  // database the connector found.
  const OJson& crm = reader["parameter"]["connection"][1];
  EXPECT_EQ(crm.dump(),
            R"({"datasourceType":"mysql","datasource":"mysql_crm","selectedTables":[{"schema":[{"tableInfos":)"
            R"([{"enable":true,"table":"accounts","tableName":"accounts"}]}],"dbName":"crm_main"}]})");

  const OJson& mapping = writer["parameter"]["tableMappingRule"];
  size_t rules = 0;
  for (const OJson& datasource : mapping["datasource"]) {
    for (const OJson& rule : datasource["tableRule"]) {
      ++rules;
      const OJson& columns = rule["dstCreateTableInfo"]["dataColumn"];
      for (size_t i = 0; i < columns.size(); ++i) EXPECT_EQ(columns[i]["index"], i);
    }
  }
  EXPECT_EQ(mapping["totalTableMapping"], rules);
  EXPECT_EQ(rules, solution == SolutionType::kHolo ? 4u : 5u);

  const OJson& orders = mapping["datasource"][0]["tableRule"][1];
  EXPECT_EQ(orders["srcTable"], "orders");
  EXPECT_EQ(orders["srcDbName"], "shop");
  EXPECT_EQ(orders["primaryKeyInfo"].dump(), R"({"column":["order_id","line_no"],"type":"pk"})");
  switch (solution) {
    case SolutionType::kHolo:
      EXPECT_EQ(orders["dstTable"], "shop.orders");
      EXPECT_EQ(orders["dstCreateTableInfo"]["schemaName"], "shop");
      EXPECT_FALSE(orders.contains("tableType"));
      break;
    case SolutionType::kOdps:
      EXPECT_EQ(orders["dstTable"], "orders");
      EXPECT_EQ(orders["tableType"], "delta");
      break;
    case SolutionType::kKafka:
      EXPECT_EQ(orders["dstTable"], "mysql_pub.shop.orders");
      break;
  }
}

INSTANTIATE_TEST_SUITE_P(Solutions, ShapeTest, ::testing::ValuesIn(kAllSolutions),
                         [](const ::testing::TestParamInfo<SolutionType>& info) {
                           return std::string(WriterStepType(info.param));
                         });

TEST(GenerateTaskContent, GoldenSchemaCoversEveryMappingRow) {
  for (SolutionType solution : kAllSolutions) {
    OJson content = OJson::parse(Render(solution));
    std::set<std::string> used;
    for (const OJson& datasource : content["steps"][1]["parameter"]["tableMappingRule"]["datasource"]) {
      for (const OJson& rule : datasource["tableRule"]) {
        for (const OJson& column : rule["dstCreateTableInfo"]["dataColumn"]) used.insert(column["rule"].get<std::string>());
      }
    }
    for (const MappingRow& row : MappingRows(solution)) {
      EXPECT_TRUE(used.count(row.rule)) << ToString(solution) << ": no golden column uses rule " << row.rule;
    }
    EXPECT_TRUE(used.count("override")) << ToString(solution);
  }
}

TEST(GenerateTaskContent, RecordsTheMappingOfEachColumn) {
  OJson content = OJson::parse(Render(SolutionType::kHolo));
  const OJson& columns =
      content["steps"][1]["parameter"]["tableMappingRule"]["datasource"][0]["tableRule"][0]["dstCreateTableInfo"]
             ["dataColumn"];
  EXPECT_EQ(columns[0].dump(),
            R"j({"columnSize":0,"name":"id","index":0,"comment":"surrogate key","newDigit":0,"type":"int4",)j"
            R"j("digit":0,"primaryKey":true,"sourceType":"int","rule":"int","lossy":false})j");
  EXPECT_EQ(columns[2].dump(),
            R"j({"columnSize":0,"name":"c_tinyint_1","index":2,"comment":"a flag that may hold 2","newDigit":0,)j"
            R"j("type":"bool","digit":0,"primaryKey":false,"sourceType":"tinyint(1)","rule":"override","lossy":true,)j"
            R"j("lossyReason":"override to bool cannot hold every value of tinyint(1)"})j");
  EXPECT_EQ(columns[11].dump(),
            R"j({"columnSize":12,"name":"c_decimal","index":11,"comment":"","newDigit":2,"type":"numeric(12,2)",)j"
            R"j("digit":2,"primaryKey":false,"sourceType":"decimal(12,2)","rule":"decimal","lossy":false})j");
}

TEST(GenerateTaskContent, OdpsTableWithoutPrimaryKeyBecomesAppend) {
  OJson content = OJson::parse(Render(SolutionType::kOdps));
  const OJson& audit = content["steps"][1]["parameter"]["tableMappingRule"]["datasource"][0]["tableRule"][2];
  EXPECT_EQ(audit["srcTable"], "audit_log");
  EXPECT_EQ(audit["tableType"], "append");
  EXPECT_EQ(audit["primaryKeyInfo"].dump(), R"({"column":[],"type":"none"})");
}

// ---- determinism and the fingerprint ----

TEST(GenerateTaskContent, IsDeterministic) {
  for (SolutionType solution : kAllSolutions) {
    EXPECT_EQ(Render(solution), Render(solution));
    // The order of the discovered schemas does not matter, nor do tables the
    // script does not select.
    std::vector<SourceSchema> shuffled = GoldenSchemas();
    std::reverse(shuffled.begin(), shuffled.end());
    for (SourceSchema& source : shuffled) std::reverse(source.tables.begin(), source.tables.end());
    for (TableSchema& table : shuffled[1].tables) {
      if (table.name == "not_selected") table.columns[0].comment = "changed, but not selected";
    }
    EXPECT_EQ(Render(solution, shuffled), Render(solution));
  }
}

std::string FingerprintOf(const std::string& content) {
  return OJson::parse(content)["extend"]["schemaFingerprint"].get<std::string>();
}

TEST(GenerateTaskContent, AChangedColumnChangesTheFingerprint) {
  std::vector<SourceSchema> changed = GoldenSchemas();
  changed[0].tables[1].columns[3].column_type = "varchar(201)";  // shop.orders.note
  std::string before = Render(SolutionType::kOdps);
  std::string after = Render(SolutionType::kOdps, changed);
  EXPECT_NE(FingerprintOf(before), FingerprintOf(after));
}

TEST(GenerateTaskContent, ColumnsAreOrderedByOrdinal) {
  std::vector<SourceSchema> schemas = GoldenSchemas();
  std::vector<ColumnSchema>& columns = schemas[0].tables[1].columns;
  std::reverse(columns.begin(), columns.end());
  EXPECT_EQ(Render(SolutionType::kHolo, schemas), Render(SolutionType::kHolo));
}

TEST(GenerateTaskContent, UsesTheGivenGeneratorVersion) {
  GeneratorOptions options;
  options.generator_version = "test/9";
  Result<std::string> content = GenerateTaskContent(GoldenScript(SolutionType::kKafka), GoldenSchemas(), options);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(OJson::parse(content.value())["extend"]["generatorVersion"], "test/9");
}

struct FingerprintCase {
  const char* name;
  std::function<void(TableSchema&)> mutate;
};

class FingerprintTest : public ::testing::TestWithParam<FingerprintCase> {};

TEST_P(FingerprintTest, EveryFieldCounts) {
  std::vector<SourceSchema> base = {{"mysql_pub", {GoldenSchemas()[0].tables[1]}}};
  std::vector<SourceSchema> changed = base;
  GetParam().mutate(changed[0].tables[0]);
  EXPECT_NE(SchemaFingerprint(base), SchemaFingerprint(changed));
}

INSTANTIATE_TEST_SUITE_P(
    Table, FingerprintTest,
    ::testing::Values(
        FingerprintCase{"Database", [](TableSchema& t) { t.database = "shop2"; }},
        FingerprintCase{"Name", [](TableSchema& t) { t.name = "orders2"; }},
        FingerprintCase{"PrimaryKeyOrder", [](TableSchema& t) { std::swap(t.primary_key[0], t.primary_key[1]); }},
        FingerprintCase{"ColumnName", [](TableSchema& t) { t.columns[0].name = "id"; }},
        FingerprintCase{"Ordinal", [](TableSchema& t) { t.columns[4].ordinal = 9; }},
        FingerprintCase{"DataType", [](TableSchema& t) { t.columns[0].data_type = "int"; }},
        FingerprintCase{"ColumnType", [](TableSchema& t) { t.columns[0].column_type = "bigint unsigned"; }},
        FingerprintCase{"Nullable", [](TableSchema& t) { t.columns[2].nullable = false; }},
        FingerprintCase{"CharLength", [](TableSchema& t) { t.columns[3].char_max_length = 201; }},
        FingerprintCase{"Precision", [](TableSchema& t) { t.columns[2].numeric_precision = 13; }},
        FingerprintCase{"Scale", [](TableSchema& t) { t.columns[2].numeric_scale = std::nullopt; }},
        FingerprintCase{"DatetimePrecision", [](TableSchema& t) { t.columns[4].datetime_precision = 6; }},
        FingerprintCase{"ColumnComment", [](TableSchema& t) { t.columns[0].comment = "x"; }},
        FingerprintCase{"FieldBoundaries", [](TableSchema& t) {
                          t.columns[0].name = "order_idb";
                          t.columns[0].data_type = "igint";
                        }}),
    [](const ::testing::TestParamInfo<FingerprintCase>& info) { return info.param.name; });

// Each table is hashed on its own: a column moved from one table to the
// next changes the fingerprint, though the columns in order are the same.
TEST(SchemaFingerprint, TableBoundariesCount) {
  TableSchema first = GoldenSchemas()[0].tables[1];
  TableSchema second = first;
  second.name = "orders_copy";
  std::vector<SourceSchema> base = {{"mysql_pub", {first, second}}};
  std::vector<SourceSchema> moved = base;
  moved[0].tables[1].columns.insert(moved[0].tables[1].columns.begin(),
                                    moved[0].tables[0].columns.back());
  moved[0].tables[0].columns.pop_back();
  EXPECT_NE(SchemaFingerprint(base), SchemaFingerprint(moved));
  EXPECT_EQ(SchemaFingerprint(base), SchemaFingerprint(base));
}

TEST(SchemaFingerprint, IgnoresInputOrder) {
  std::vector<SourceSchema> schemas = GoldenSchemas();
  std::string before = SchemaFingerprint(schemas);
  std::reverse(schemas.begin(), schemas.end());
  std::reverse(schemas[1].tables.begin(), schemas[1].tables.end());
  std::reverse(schemas[1].tables[0].columns.begin(), schemas[1].tables[0].columns.end());
  EXPECT_EQ(SchemaFingerprint(schemas), before);
  EXPECT_EQ(before.find_first_not_of("0123456789abcdef"), std::string::npos);
}

// ---- naming ----

struct NameCase {
  const char* name;
  SolutionType solution;
  std::optional<std::string> rule;
  std::string want_dst_table;
  std::string want_schema_name;
  std::string want_table_name;
};

class NameTest : public ::testing::TestWithParam<NameCase> {};

RealtimeScript OneTableScript(SolutionType solution, std::string database, std::vector<std::string> tables) {
  RealtimeScript script;
  script.resource_group = "rg";
  script.solution = solution;
  script.reader_step_type = "mysql";
  script.writer_step_type = std::string(WriterStepType(solution));
  script.writer_datasource = "dst";
  script.sources = {{"mysql_pub", "mysql", {{std::move(database), std::move(tables)}}}};
  return script;
}

std::vector<SourceSchema> Schemas(std::vector<TableSchema> tables) { return {{"mysql_pub", std::move(tables)}}; }

TableSchema Simple(std::string database, std::string name, std::vector<std::string> primary_key = {"id"}) {
  return Table(std::move(database), std::move(name), {Col("id", 1, "int", "int")}, std::move(primary_key));
}

TEST_P(NameTest, NamesTheTarget) {
  const NameCase& c = GetParam();
  RealtimeScript script = OneTableScript(c.solution, "shop", {"orders"});
  script.table_name_rule = c.rule;
  Result<std::string> content = GenerateTaskContent(script, Schemas({Simple("shop", "orders")}), {});
  ASSERT_TRUE(content.ok()) << content.error().message();
  OJson rule = OJson::parse(content.value())["steps"][1]["parameter"]["tableMappingRule"]["datasource"][0]
                                            ["tableRule"][0];
  EXPECT_EQ(rule["dstTable"], c.want_dst_table);
  EXPECT_EQ(rule["dstCreateTableInfo"]["schemaName"], c.want_schema_name);
  EXPECT_EQ(rule["dstCreateTableInfo"]["tableName"], c.want_table_name);
}

INSTANTIATE_TEST_SUITE_P(
    Table, NameTest,
    ::testing::Values(
        NameCase{"HoloDefault", SolutionType::kHolo, std::nullopt, "shop.orders", "shop", "orders"},
        NameCase{"HoloRuleWithSchema", SolutionType::kHolo, "ods.${srcDatabaseName}_${srcTableName}",
                 "ods.shop_orders", "ods", "shop_orders"},
        NameCase{"HoloRuleWithoutSchema", SolutionType::kHolo, "${srcTableName}_rt", "public.orders_rt", "public",
                 "orders_rt"},
        NameCase{"HoloDotInsidePlaceholderValueIsNotASeparator", SolutionType::kHolo,
                 "${srcDatasourceName}_x.${srcTableName}", "mysql_pub_x.orders", "mysql_pub_x", "orders"},
        NameCase{"OdpsDefault", SolutionType::kOdps, std::nullopt, "orders", "", "orders"},
        NameCase{"OdpsRule", SolutionType::kOdps, "ods_${srcDatabaseName}_${srcTableName}", "ods_shop_orders", "",
                 "ods_shop_orders"},
        NameCase{"KafkaDefault", SolutionType::kKafka, std::nullopt, "orders", "", "orders"},
        NameCase{"KafkaRule", SolutionType::kKafka, "cdc.${srcDatabaseName}.${srcTableName}", "cdc.shop.orders", "",
                 "cdc.shop.orders"}),
    [](const ::testing::TestParamInfo<NameCase>& info) { return info.param.name; });

TEST(GenerateTaskContent, KafkaTopicsDifferingOnlyInCaseDoNotCollide) {
  RealtimeScript script = OneTableScript(SolutionType::kKafka, "shop", {"Orders", "orders"});
  Result<std::string> content =
      GenerateTaskContent(script, Schemas({Simple("shop", "Orders"), Simple("shop", "orders")}), {});
  EXPECT_TRUE(content.ok()) << content.error().message();
}

// ---- every failure cause ----

struct FailureCase {
  const char* name;
  RealtimeScript script;
  std::vector<SourceSchema> schemas;
  ErrorCode want_code;
  std::string want_message;
};

class FailureTest : public ::testing::TestWithParam<FailureCase> {};

TEST_P(FailureTest, NamesSourceDatabaseTableAndCause) {
  const FailureCase& c = GetParam();
  Result<std::string> got = GenerateTaskContent(c.script, c.schemas, GeneratorOptions{});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), c.want_code) << ToString(got.error().code());
  EXPECT_EQ(got.error().message(), c.want_message);
}

RealtimeScript WithRule(RealtimeScript script, std::string rule) {
  script.table_name_rule = std::move(rule);
  return script;
}

RealtimeScript TwoDatabases(SolutionType solution) {
  RealtimeScript script = OneTableScript(solution, "shop", {"orders"});
  script.sources[0].selections.push_back({"crm", {"orders"}});
  return script;
}

std::vector<FailureCase> FailureCases() {
  TableSchema xml = Table("shop", "orders", {Col("id", 1, "int", "int"), Col("payload", 2, "xml", "xml")}, {"id"});
  TableSchema no_columns = Simple("shop", "orders");
  no_columns.columns.clear();
  std::vector<FailureCase> cases = {
      {"NoSchemaForDataSource", OneTableScript(SolutionType::kOdps, "shop", {"orders"}), {}, ErrorCode::kNotFound,
       "data source \"mysql_pub\": no discovered schema for it"},
      {"TableNotFound", OneTableScript(SolutionType::kOdps, "shop", {"nope"}), Schemas({Simple("shop", "orders")}),
       ErrorCode::kNotFound, "data source \"mysql_pub\", database \"shop\", table \"nope\": table not found"},
      {"TableNotFoundInDefaultDatabase", OneTableScript(SolutionType::kOdps, "", {"nope"}),
       Schemas({Simple("shop", "orders")}), ErrorCode::kNotFound,
       "data source \"mysql_pub\", the default database, table \"nope\": table not found"},
      {"TableInAnotherDatabase", OneTableScript(SolutionType::kOdps, "crm", {"orders"}),
       Schemas({Simple("shop", "orders")}), ErrorCode::kNotFound,
       "data source \"mysql_pub\", database \"crm\", table \"orders\": table not found"},
      {"HoloNeedsAPrimaryKey", OneTableScript(SolutionType::kHolo, "shop", {"orders"}),
       Schemas({Simple("shop", "orders", {})}), ErrorCode::kFailedPrecondition,
       "data source \"mysql_pub\", database \"shop\", table \"orders\": no primary key; Hologres real-time sync "
       "needs one"},
      {"UnsupportedType", OneTableScript(SolutionType::kHolo, "shop", {"orders"}), Schemas({xml}),
       ErrorCode::kFailedPrecondition,
       "data source \"mysql_pub\", database \"shop\", table \"orders\": unsupported type xml of column "
       "\"payload\""},
      {"NoColumns", OneTableScript(SolutionType::kKafka, "shop", {"orders"}), Schemas({no_columns}),
       ErrorCode::kFailedPrecondition,
       "data source \"mysql_pub\", database \"shop\", table \"orders\": no columns were discovered"},
      {"PrimaryKeyColumnMissing", OneTableScript(SolutionType::kOdps, "shop", {"orders"}),
       Schemas({Simple("shop", "orders", {"id", "nope"})}), ErrorCode::kInvalidArgument,
       "data source \"mysql_pub\", database \"shop\", table \"orders\": primary key column \"nope\" is not a "
       "column of the table"},
      {"CollisionAcrossDatabases", TwoDatabases(SolutionType::kOdps),
       Schemas({Simple("shop", "orders"), Simple("crm", "orders")}), ErrorCode::kFailedPrecondition,
       "data source \"mysql_pub\", database \"shop\", table \"orders\" and data source \"mysql_pub\", database "
       "\"crm\", table \"orders\" both map to MaxCompute table \"orders\"; deselect one or set "
       "setting.tableNameRule so that the names differ"},
      {"CollisionIgnoresCase", OneTableScript(SolutionType::kOdps, "shop", {"Orders", "orders"}),
       Schemas({Simple("shop", "Orders"), Simple("shop", "orders")}), ErrorCode::kFailedPrecondition,
       "data source \"mysql_pub\", database \"shop\", table \"Orders\" and data source \"mysql_pub\", database "
       "\"shop\", table \"orders\" both map to MaxCompute table \"orders\"; deselect one or set "
       "setting.tableNameRule so that the names differ"},
      {"CollisionByNameRule", WithRule(TwoDatabases(SolutionType::kHolo), "ods.${srcTableName}"),
       Schemas({Simple("shop", "orders"), Simple("crm", "orders")}), ErrorCode::kFailedPrecondition,
       "data source \"mysql_pub\", database \"shop\", table \"orders\" and data source \"mysql_pub\", database "
       "\"crm\", table \"orders\" both map to Hologres table \"ods.orders\"; deselect one or set "
       "setting.tableNameRule so that the names differ"},
      {"InvalidMaxComputeName", OneTableScript(SolutionType::kOdps, "shop", {"order-items"}),
       Schemas({Simple("shop", "order-items")}), ErrorCode::kInvalidArgument,
       "data source \"mysql_pub\", database \"shop\", table \"order-items\": target \"order-items\" is not a "
       "valid MaxCompute table name (1 to 128 letters, digits or underscores); set setting.tableNameRule"},
      {"InvalidHologresName", OneTableScript(SolutionType::kHolo, std::string(64, 'd'), {"t"}),
       Schemas({Simple(std::string(64, 'd'), "t")}), ErrorCode::kInvalidArgument,
       "data source \"mysql_pub\", database \"" + std::string(64, 'd') + "\", table \"t\": target \"" +
           std::string(64, 'd') +
           ".t\" is not a valid Hologres schema and table name (each 1 to 63 bytes); set setting.tableNameRule"},
      {"InvalidKafkaTopic", OneTableScript(SolutionType::kKafka, "shop", {"a b"}), Schemas({Simple("shop", "a b")}),
       ErrorCode::kInvalidArgument,
       "data source \"mysql_pub\", database \"shop\", table \"a b\": target \"a b\" is not a valid Kafka topic "
       "name (1 to 249 letters, digits, '.', '_' or '-'); set setting.tableNameRule"},
      {"AmbiguousDefaultDatabase", OneTableScript(SolutionType::kOdps, "", {"orders"}),
       Schemas({Simple("shop", "orders"), Simple("crm", "orders")}), ErrorCode::kInvalidArgument,
       "data source \"mysql_pub\", the default database, table \"orders\": the discovered schema has it in "
       "several databases (\"shop\", \"crm\"); name the database in selectedTables"},
      {"EveryFailureIsListedWithTheFirstCode", OneTableScript(SolutionType::kHolo, "shop", {"gone", "orders"}),
       Schemas({Simple("shop", "orders", {})}), ErrorCode::kNotFound,
       "data source \"mysql_pub\", database \"shop\", table \"gone\": table not found; data source \"mysql_pub\", "
       "database \"shop\", table \"orders\": no primary key; Hologres real-time sync needs one"},
  };
  // An override the solution cannot write.
  RealtimeScript bad_override = OneTableScript(SolutionType::kOdps, "shop", {"orders"});
  bad_override.type_overrides = {{"int", "int4"}};
  cases.push_back({"OverrideTargetOfAnotherSolution", bad_override, Schemas({Simple("shop", "orders")}),
                   ErrorCode::kInvalidArgument,
                   "data source \"mysql_pub\", database \"shop\", table \"orders\": type override \"int\" -> \"int4\" "
                   "names no type of oneclick_to_odps; expected one of BOOLEAN, TINYINT, SMALLINT, INT, BIGINT, "
                   "FLOAT, DOUBLE, DECIMAL(p,s), STRING, VARCHAR(n), CHAR(n), BINARY, DATE, DATETIME, TIMESTAMP, "
                   "JSON"});
  return cases;
}

INSTANTIATE_TEST_SUITE_P(Table, FailureTest, ::testing::ValuesIn(FailureCases()),
                         [](const ::testing::TestParamInfo<FailureCase>& info) { return info.param.name; });

TEST(GenerateTaskContent, CountsFailuresBeyondTen) {
  std::vector<std::string> tables;
  for (int i = 0; i < 13; ++i) tables.push_back("t" + std::to_string(i));
  Result<std::string> got =
      GenerateTaskContent(OneTableScript(SolutionType::kOdps, "shop", tables), Schemas({}), GeneratorOptions{});
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kNotFound);
  const std::string& message = got.error().message();
  EXPECT_NE(message.find("table \"t9\": table not found; and 3 more problems"), std::string::npos) << message;
  EXPECT_EQ(message.find("\"t10\""), std::string::npos) << message;
}

TEST(GenerateTaskContent, InvalidUtf8InSourceNamesDoesNotThrow) {
  TableSchema table = Simple("shop", "orders");
  table.columns[0].comment = "latin1 \xE9t\xE9";
  Result<std::string> got =
      GenerateTaskContent(OneTableScript(SolutionType::kOdps, "shop", {"orders"}), Schemas({table}), {});
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(Json::accept(got.value()));
}

}  // namespace
}  // namespace disync::di

namespace disync::di {
namespace {

// What the runner does: each selection's tables (the tables of its database,
// as a connector would return them) added on its own thread, in any order;
// with `tables_per_part`, each part's tables, those named in its range.
std::string BuildBySelection(SolutionType solution, bool reverse, size_t tables_per_part = 0) {
  const RealtimeScript script = GoldenScript(solution);
  const std::vector<SourceSchema> schemas = GoldenSchemas();
  TaskContentBuilder builder(script, GeneratorOptions{}, tables_per_part);
  struct Part {
    size_t source, selection, part;
  };
  std::vector<Part> order;
  for (size_t s = 0; s < script.sources.size(); ++s) {
    for (size_t k = 0; k < script.sources[s].selections.size(); ++k) {
      const size_t parts =
          SplitSelection(script.sources[s].selections[k].tables.size(), tables_per_part).size();
      for (size_t p = 0; p < parts; ++p) order.push_back({s, k, p});
    }
  }
  if (reverse) std::reverse(order.begin(), order.end());
  std::vector<std::thread> threads;
  for (const Part& part : order) {
    const size_t s = part.source;
    const TableSelection& selection = script.sources[s].selections[part.selection];
    const auto [first, last] = SplitSelection(selection.tables.size(), tables_per_part)[part.part];
    const std::set<std::string> named(selection.tables.begin() + static_cast<ptrdiff_t>(first),
                                      selection.tables.begin() + static_cast<ptrdiff_t>(last));
    std::vector<TableSchema> tables;
    for (const SourceSchema& schema : schemas) {
      if (schema.datasource != script.sources[s].datasource) continue;
      for (const TableSchema& table : schema.tables) {
        if ((selection.database.empty() || table.database == selection.database) &&
            (tables_per_part == 0 || named.contains(table.name))) {
          tables.push_back(table);
        }
      }
    }
    threads.emplace_back([&builder, part, tables = std::move(tables)]() mutable {
      builder.AddPart(part.source, part.selection, part.part, std::move(tables));
    });
  }
  for (std::thread& t : threads) t.join();
  Result<TextPieces> content = builder.Finish();
  EXPECT_TRUE(content.ok()) << content.error().message();
  if (!content.ok()) return std::string();
  // The selections' rules are pieces of their own, not copied into one.
  EXPECT_GT(content->count(), 1u);
  return content->Join();
}

TEST(TaskContentBuilder, BuildsTheSameBytesSelectionBySelection) {
  for (SolutionType solution : {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka}) {
    const std::string whole = Render(solution);
    ASSERT_FALSE(whole.empty());
    EXPECT_EQ(BuildBySelection(solution, false), whole) << ToString(solution);
    EXPECT_EQ(BuildBySelection(solution, true), whole) << ToString(solution);
  }
}

TEST(TaskContentBuilder, BuildsTheSameBytesPartByPart) {
  for (SolutionType solution : {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka}) {
    const std::string whole = Render(solution);
    ASSERT_FALSE(whole.empty());
    for (size_t tables_per_part : {1, 2}) {
      EXPECT_EQ(BuildBySelection(solution, false, tables_per_part), whole)
          << ToString(solution) << ", " << tables_per_part << " per part";
      EXPECT_EQ(BuildBySelection(solution, true, tables_per_part), whole)
          << ToString(solution) << ", " << tables_per_part << " per part";
    }
  }
}

TEST(SplitSelection, PartsOfAtMostTheGivenSizeDifferingByOneAtMost) {
  using Ranges = std::vector<std::pair<size_t, size_t>>;
  EXPECT_EQ(SplitSelection(10, 0), (Ranges{{0, 10}}));
  EXPECT_EQ(SplitSelection(0, 1000), (Ranges{{0, 0}}));
  EXPECT_EQ(SplitSelection(1000, 1000), (Ranges{{0, 1000}}));
  EXPECT_EQ(SplitSelection(1001, 1000), (Ranges{{0, 500}, {500, 1001}}));
  EXPECT_EQ(SplitSelection(10000, 1000).size(), 10u);
  EXPECT_EQ(SplitSelection(7, 3), (Ranges{{0, 2}, {2, 4}, {4, 7}}));
}

TEST(TaskContentBuilder, ReportsTheFailuresOfEveryPartInScriptOrder) {
  RealtimeScript script = OneTableScript(SolutionType::kHolo, "shop", {"gone1", "orders", "gone2"});
  TaskContentBuilder builder(script, GeneratorOptions{}, 1);
  builder.AddPart(0, 0, 2, {});
  builder.AddPart(0, 0, 1, {Simple("shop", "orders")});
  builder.AddPart(0, 0, 0, {});
  Result<TextPieces> content = builder.Finish();
  ASSERT_FALSE(content.ok());
  const std::string& message = content.error().message();
  const size_t gone1 = message.find("table \"gone1\": table not found");
  const size_t gone2 = message.find("table \"gone2\": table not found");
  ASSERT_NE(gone1, std::string::npos) << message;
  ASSERT_NE(gone2, std::string::npos) << message;
  EXPECT_LT(gone1, gone2);
}

TEST(TaskContentBuilder, ReportsTheFailuresOfEverySelectionInScriptOrder) {
  RealtimeScript script = OneTableScript(SolutionType::kHolo, "shop", {"orders", "gone"});
  script.sources[0].selections.push_back({"crm", {"missing"}});
  TaskContentBuilder builder(script, GeneratorOptions{});
  builder.AddPart(0, 1, 0, {});
  builder.AddPart(0, 0, 0, {Simple("shop", "orders")});
  Result<TextPieces> content = builder.Finish();
  ASSERT_FALSE(content.ok());
  EXPECT_EQ(content.error().code(), ErrorCode::kNotFound);
  const std::string& message = content.error().message();
  const size_t gone = message.find("table \"gone\": table not found");
  const size_t missing = message.find("table \"missing\": table not found");
  ASSERT_NE(gone, std::string::npos) << message;
  ASSERT_NE(missing, std::string::npos) << message;
  EXPECT_LT(gone, missing);
}

TEST(TaskContentBuilderDeathTest, FinishingWithASelectionMissingAborts) {
  RealtimeScript script = OneTableScript(SolutionType::kHolo, "shop", {"orders"});
  TaskContentBuilder builder(script, GeneratorOptions{});
  EXPECT_DEATH((void)builder.Finish(), "");
}

TEST(TaskContentBuilderDeathTest, FinishingWithAPartMissingAborts) {
  RealtimeScript script = OneTableScript(SolutionType::kHolo, "shop", {"orders", "items"});
  TaskContentBuilder builder(script, GeneratorOptions{}, 1);
  builder.AddPart(0, 0, 0, {Simple("shop", "orders")});
  EXPECT_DEATH((void)builder.Finish(), "");
}

TEST(TaskContentBuilderDeathTest, AddingASelectionTwiceAborts) {
  RealtimeScript script = OneTableScript(SolutionType::kHolo, "shop", {"orders"});
  TaskContentBuilder builder(script, GeneratorOptions{});
  builder.AddPart(0, 0, 0, {Simple("shop", "orders")});
  EXPECT_DEATH(builder.AddPart(0, 0, 0, {Simple("shop", "orders")}), "");
}

}  // namespace
}  // namespace disync::di
