#include "di/task_update.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

#include "di/generator.h"
#include "di/task_content.h"
#include "unit/di/fake_script_references.h"

namespace disync::di {
namespace {

using Json = nlohmann::json;
using Codes = std::vector<std::pair<std::string, std::string>>;

ColumnSchema Col(std::string name, int32_t ordinal, std::string type) {
  ColumnSchema column;
  column.name = std::move(name);
  column.ordinal = ordinal;
  column.data_type = type;
  column.column_type = type;
  return column;
}

TableSchema Table(std::string database, std::string name) {
  TableSchema table;
  table.database = std::move(database);
  table.name = std::move(name);
  table.columns = {Col("id", 1, "bigint"), Col("note", 2, "text")};
  table.columns[0].nullable = false;
  table.primary_key = {"id"};
  return table;
}

// The source data sources as discovered: mysql_pub (database shop; with
// `with_crm`, database crm has a table "orders" too) and mysql_crm.
enum class Crm { kWithout, kWith };
std::vector<SourceSchema> Sources(Crm crm = Crm::kWithout) {
  SourceSchema pub{"mysql_pub", {Table("shop", "orders"), Table("shop", "items"), Table("shop", "users")}};
  if (crm == Crm::kWith) pub.tables.push_back(Table("crm", "orders"));
  return {pub, SourceSchema{"mysql_crm", {Table("crm_main", "accounts")}}};
}

std::string Script(const std::string& tables_json, const std::string& extra_setting = "") {
  return R"({"type":"realtime","version":"1.0","setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","name":"t1","taskType":"oneclick_to_holo")" +
         extra_setting +
         R"(},"steps":[{"stepType":"mysql","name":"Reader","category":"reader","parameter":{"connection":[{"datasourceType":"mysql","datasource":"mysql_pub",)" +
         tables_json +
         R"(}]}},{"stepType":"holo","name":"Writer","category":"writer","parameter":{"datasource":"holo"}}]})";
}

// What Generate + Query would give for a creation script.
std::string Generate(const std::string& script_text, Crm crm = Crm::kWithout) {
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  Result<RealtimeScript> script = ParseRealtimeScript(script_text, refs);
  EXPECT_TRUE(script.ok()) << script.error().message();
  if (!script.ok()) return "";
  Result<std::string> content = GenerateTaskContent(*script, Sources(crm), GeneratorOptions{});
  EXPECT_TRUE(content.ok()) << content.error().message();
  return content.ok() ? *content : "";
}

// What the worker does for an update process, with Sources() as the
// discovered schema.
Result<std::string> Update(const std::string& content, const std::string& update, Crm crm = Crm::kWithout) {
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  DISYNC_ASSIGN_OR_RETURN(TaskUpdatePlan plan, PlanTaskUpdate(content, update, refs));
  std::string added;
  if (!plan.added.sources.empty()) {
    DISYNC_ASSIGN_OR_RETURN(added, GenerateTaskContent(plan.added, Sources(crm), GeneratorOptions{}));
  }
  DISYNC_ASSIGN_OR_RETURN(std::string updated, ApplyTaskUpdate(content, plan, added));
  DISYNC_RETURN_IF_ERROR(ValidateTaskContent(TaskType::kRealtime, updated, refs));
  return updated;
}

std::string TableUpdate(const std::string& tables) {
  return R"({"steps":[{"parameter":{"connection":[{"table":)" + tables +
         R"(}]},"name":"Reader","category":"reader"}]})";
}

Json& Infos(Json& d) {
  return d["steps"][0]["parameter"]["connection"][0]["selectedTables"][0]["schema"][0]["tableInfos"];
}
Json& Rules(Json& d, int group = 0) {
  return d["steps"][1]["parameter"]["tableMappingRule"]["datasource"][group]["tableRule"];
}
Json& Total(Json& d) { return d["steps"][1]["parameter"]["tableMappingRule"]["totalTableMapping"]; }
Json& Fingerprint(Json& d) { return d["extend"]["schemaFingerprint"]; }

TEST(TaskUpdate, AddingATableAddsExactlyItsTableInfoAndRule) {
  const std::string before = Generate(Script(R"("table":["orders"])"));
  Result<std::string> after = Update(before, TableUpdate(R"(["orders","items"])"));
  ASSERT_TRUE(after.ok()) << after.error().message();

  // The rule and table info a fresh generation renders for the new table.
  Json fresh = Json::parse(Generate(Script(R"("table":["orders","items"])")));
  Json got = Json::parse(*after);
  Json want = Json::parse(before);
  Infos(want).push_back(Infos(fresh)[1]);
  Rules(want).push_back(Rules(fresh)[1]);
  Total(want) = 2;
  EXPECT_NE(Fingerprint(got), Fingerprint(want));
  Fingerprint(want) = Fingerprint(got);
  EXPECT_EQ(got, want) << Json::diff(want, got).dump(1);
  EXPECT_EQ(Rules(got)[1]["srcTable"], "items");
}

TEST(TaskUpdate, RemovingATableRemovesExactlyItsTableInfoAndRule) {
  const std::string before = Generate(Script(R"("table":["orders","items","users"])"));
  Result<std::string> after = Update(before, TableUpdate(R"(["orders","users"])"));
  ASSERT_TRUE(after.ok()) << after.error().message();
  Json got = Json::parse(*after);
  Json want = Json::parse(before);
  Infos(want).erase(1);
  Rules(want).erase(1);
  Total(want) = 2;
  EXPECT_NE(Fingerprint(got), Fingerprint(want));
  Fingerprint(want) = Fingerprint(got);
  EXPECT_EQ(got, want) << Json::diff(want, got).dump(1);
}

TEST(TaskUpdate, TheSameTableListChangesNothing) {
  const std::string before = Generate(Script(R"("table":["orders","items"])"));
  Result<std::string> after = Update(before, TableUpdate(R"(["items","orders"])"));
  ASSERT_TRUE(after.ok()) << after.error().message();
  EXPECT_EQ(*after, before);
}

TEST(TaskUpdate, KeptRulesKeepTheirBytesEvenWhenTheSourceChanged) {
  // A kept table is not rediscovered: its rule stays as it was generated.
  const std::string before = Generate(Script(R"("table":["orders"])", R"(,"tableNameRule":"ods.${srcTableName}")"));
  Result<std::string> after = Update(before, TableUpdate(R"(["orders","users"])"));
  ASSERT_TRUE(after.ok()) << after.error().message();
  Json got = Json::parse(*after);
  EXPECT_EQ(Rules(got)[0]["dstTable"], "ods.orders");
  // Without a rule in the update, an added table gets the default name.
  EXPECT_EQ(Rules(got)[1]["dstTable"], "shop.users");
  Result<std::string> ruled = Update(before, R"({"setting":{"tableNameRule":"ods.${srcTableName}"},)" +
                                                 TableUpdate(R"(["orders","users"])").substr(1));
  ASSERT_TRUE(ruled.ok()) << ruled.error().message();
  Json ruled_json = Json::parse(*ruled);
  EXPECT_EQ(Rules(ruled_json)[1]["dstTable"], "ods.users");
}

TEST(TaskUpdate, ANamedConnectionAddsADataSource) {
  const std::string before = Generate(Script(R"("table":["orders"])"));
  Result<std::string> after = Update(
      before,
      R"({"steps":[{"category":"reader","parameter":{"connection":[{"datasource":"mysql_crm","selectedTables":[{"dbName":"crm_main","schema":[{"tableInfos":[{"table":"accounts"}]}]}]}]}}]})");
  ASSERT_TRUE(after.ok()) << after.error().message();
  Json got = Json::parse(*after);
  Json want = Json::parse(before);
  Json& connections = want["steps"][0]["parameter"]["connection"];
  ASSERT_EQ(got["steps"][0]["parameter"]["connection"].size(), 2u);
  connections.push_back(got["steps"][0]["parameter"]["connection"][1]);
  want["steps"][1]["parameter"]["tableMappingRule"]["datasource"].push_back(
      got["steps"][1]["parameter"]["tableMappingRule"]["datasource"][1]);
  Total(want) = 2;
  Fingerprint(want) = Fingerprint(got);
  EXPECT_EQ(got, want) << Json::diff(want, got).dump(1);
  EXPECT_EQ(Rules(got, 1)[0]["srcTable"], "accounts");
  EXPECT_EQ(got["steps"][0]["parameter"]["connection"][1]["datasource"], "mysql_crm");
}

TEST(TaskUpdate, ATableOfAnotherDatabaseGetsItsOwnSelection) {
  const std::string before = Generate(Script(R"("table":["items"])"));
  Result<std::string> after = Update(
      before,
      R"({"steps":[{"category":"reader","parameter":{"connection":[{"selectedTables":[{"dbName":"shop","schema":[{"tableInfos":[{"table":"items"}]}]},{"dbName":"crm","schema":[{"tableInfos":[{"table":"orders"}]}]}]}]}}]})",
      Crm::kWith);
  ASSERT_TRUE(after.ok()) << after.error().message();
  Json got = Json::parse(*after);
  Json& selected = got["steps"][0]["parameter"]["connection"][0]["selectedTables"];
  ASSERT_EQ(selected.size(), 2u);
  EXPECT_EQ(selected[1]["dbName"], "crm");
  EXPECT_EQ(Rules(got)[1]["dstTable"], "crm.orders");
  EXPECT_EQ(Total(got), 2);
}

TEST(TaskUpdate, AnAddedTableThatTakesAKeptTargetFailsTheCheck) {
  const std::string before = Generate(Script(R"("table":["orders"])", R"(,"tableNameRule":"ods.t_${srcTableName}")"));
  std::string update = R"({"setting":{"tableNameRule":"ods.t_orders"},)" + TableUpdate(R"(["orders","items"])").substr(1);
  Result<std::string> after = Update(before, update);
  ASSERT_FALSE(after.ok());
  EXPECT_EQ(after.error().code(), ErrorCode::kDiInvalidParameter);
  EXPECT_NE(after.error().message().find("tableRule/1/dstTable"), std::string::npos) << after.error().message();
}

// ---- update scripts with problems ----

struct PlanCase {
  const char* name;
  std::string update;
  Codes want;
};

class PlanRejectTest : public ::testing::TestWithParam<PlanCase> {};

TEST_P(PlanRejectTest, ReportsExactlyItsProblems) {
  const PlanCase& c = GetParam();
  // Two databases hold a table "orders": a `table` name is ambiguous then.
  const std::string content = Generate(Script(
      R"("selectedTables":[{"dbName":"shop","schema":[{"tableInfos":[{"table":"orders"}]}]},{"dbName":"crm","schema":[{"tableInfos":[{"table":"orders"}]}]}])"),
      Crm::kWith);
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<TaskUpdatePlan> plan = PlanTaskUpdate(content, c.update, refs, &problems);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code(), ErrorCode::kDiInvalidParameter);
  Codes got;
  for (const Problem& p : problems) got.emplace_back(p.pointer, p.code);
  EXPECT_EQ(got, c.want) << plan.error().message();
  EXPECT_EQ(plan.error().message().rfind("TaskParam is invalid: ", 0), 0u) << plan.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, PlanRejectTest,
    ::testing::Values(
        PlanCase{"NotJson", "{", {{"", "invalid_json"}}},
        PlanCase{"NoSteps", "{}", {{"/steps", "required"}}},
        PlanCase{"NoReader", R"({"steps":[{"category":"writer","parameter":{}}]})", {{"/steps", "required"}}},
        PlanCase{"AmbiguousTable", TableUpdate(R"(["orders"])"),
                 {{"/steps/0/parameter/connection/0/table/0", "ambiguous"}}},
        PlanCase{"DuplicateTable", TableUpdate(R"(["items","items"])"),
                 {{"/steps/0/parameter/connection/0/table/1", "duplicate"}}},
        PlanCase{"EmptyList", TableUpdate("[]"), {{"/steps/0/parameter/connection/0/table", "empty"}}},
        PlanCase{"BadTableName", TableUpdate(R"(["bad "])"),
                 {{"/steps/0/parameter/connection/0/table/0", "invalid_identifier"}}},
        PlanCase{"NoTables", R"({"steps":[{"category":"reader","parameter":{"connection":[{}]}}]})",
                 {{"/steps/0/parameter/connection/0/table", "required"}}},
        PlanCase{"SecondConnectionWithoutAName",
                 R"({"steps":[{"category":"reader","parameter":{"connection":[{"table":["items"]},{"table":["x"]}]}}]})",
                 {{"/steps/0/parameter/connection/1/datasource", "required"}}},
        PlanCase{"UnknownDataSource",
                 R"({"steps":[{"category":"reader","parameter":{"connection":[{"datasource":"ghost","table":["x"]}]}}]})",
                 {{"/steps/0/parameter/connection/0/datasource", "unknown_datasource"}}},
        PlanCase{"DataSourceOfAnotherType",
                 R"({"steps":[{"category":"reader","parameter":{"connection":[{"datasource":"holo","table":["x"]}]}}]})",
                 {{"/steps/0/parameter/connection/0/datasource", "datasource_type"}}},
        PlanCase{"ADataSourceTwice",
                 R"({"steps":[{"category":"reader","parameter":{"connection":[{"table":["items"]},{"datasource":"mysql_pub","table":["users"]}]}}]})",
                 {{"/steps/0/parameter/connection/1", "duplicate"}}},
        PlanCase{"AnotherWriter",
                 R"({"steps":[{"category":"reader","parameter":{"connection":[{"table":["items"]}]}},{"category":"writer","stepType":"odps","parameter":{"datasource":"odps_first"}}]})",
                 {{"/steps/1/parameter/datasource", "immutable"}, {"/steps/1/stepType", "immutable"}}},
        PlanCase{"AnotherTaskType",
                 R"({"setting":{"taskType":"oneclick_to_odps"},"steps":[{"category":"reader","parameter":{"connection":[{"table":["items"]}]}}]})",
                 {{"/setting/taskType", "immutable"}}},
        PlanCase{"BadNameRule",
                 R"({"setting":{"tableNameRule":"${nope}"},"steps":[{"category":"reader","parameter":{"connection":[{"table":["items"]}]}}]})",
                 {{"/setting/tableNameRule", "invalid_template"}}},
        PlanCase{"BadTypeOverride",
                 R"({"setting":{"typeOverrides":[{"source":"int","target":"BOOLEAN"}]},"steps":[{"category":"reader","parameter":{"connection":[{"table":["items"]}]}}]})",
                 {{"/setting/typeOverrides/0/target", "unsupported_type"}}}),
    [](const ::testing::TestParamInfo<PlanCase>& info) { return info.param.name; });

TEST(TaskUpdate, ACurrentContentThatIsNotGeneratedIsRefused) {
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  Result<TaskUpdatePlan> plan = PlanTaskUpdate(R"({"type":"job"})", TableUpdate(R"(["a"])"), refs);
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code(), ErrorCode::kDiInvalidParameter);
  EXPECT_EQ(plan.error().message().rfind("the task's TaskContent is invalid: ", 0), 0u) << plan.error().message();
}

TEST(TaskUpdate, APlanNamesWhatItAddsAndRemoves) {
  const std::string content = Generate(Script(R"("table":["orders","items"])"));
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  Result<TaskUpdatePlan> plan = PlanTaskUpdate(content, TableUpdate(R"(["items","users"])"), refs);
  ASSERT_TRUE(plan.ok()) << plan.error().message();
  EXPECT_EQ(plan->removed, (std::vector<SourceTable>{{"mysql_pub", "shop", "orders"}}));
  ASSERT_EQ(plan->added.sources.size(), 1u);
  EXPECT_EQ(plan->added.sources[0].datasource, "mysql_pub");
  EXPECT_EQ(plan->added.sources[0].selections, (std::vector<TableSelection>{{"", {"users"}}}));
  EXPECT_EQ(plan->added.solution, SolutionType::kHolo);
  EXPECT_EQ(plan->added.writer_datasource, "holo");
  EXPECT_EQ(plan->added.name, "t1");
}

}  // namespace
}  // namespace disync::di
