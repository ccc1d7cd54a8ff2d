#include "di/realtime_script.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "di/json_reader.h"
#include "unit/di/fake_script_references.h"

namespace disync::di {
namespace {

using Json = nlohmann::json;

constexpr const char* kResourceGroup = "S_res_group_280749521950784_1623033752022";

// The TaskParam example of the seed page (GenerateDISyncTaskConfigForCreating),
// byte for byte.
constexpr const char* kSeedSample =
    R"j({ "type": "realtime", "version": "1.0", "setting": { "resourceGroup": "S_res_group_280749521950784_1623033752022", "scheduleResgroupId": 30003913, "name": "openapi_realtime_solution_0813_1739", "taskType": "oneclick_to_odps" }, "steps": [ { "stepType": "mysql", "parameter": { "connection": [ { "datasourceType": "mysql", "datasource": "mysql_pub", "table": [ "xyx" ] } ] }, "name": "Reader", "category": "reader" }, { "stepType": "odps", "parameter": { "datasource": "odps_first" }, "name": "Writer", "category": "writer" } ] })j";

// scripts.md section 2.2.
constexpr const char* kOdpsSample = R"j({
  "type": "realtime",
  "version": "1.0",
  "setting": {
    "resourceGroup": "S_res_group_280749521950784_1623033752022",
    "taskType": "oneclick_to_odps"
  },
  "steps": [
    {
      "stepType": "mysql",
      "parameter": {
        "connection": [
          {
            "datasourceType": "mysql",
            "datasource": "mysql_pub1",
            "selectedTables": [
              { "dbName": "mysql_db",
                "schema": [ { "tableInfos": [ { "table": "molin_di_test_in_pk_v4" } ] } ] }
            ]
          }
        ]
      },
      "name": "Reader",
      "category": "reader"
    },
    {
      "stepType": "odps",
      "parameter": { "datasource": "odps_source" },
      "name": "Writer",
      "category": "writer"
    }
  ]
})j";

// scripts.md section 2.3.
constexpr const char* kKafkaSample = R"j({
  "type": "realtime",
  "version": "1.0",
  "setting": {
    "resourceGroup": "S_res_group_280749521950784_1623033752022",
    "taskType": "oneclick_to_kafka"
  },
  "steps": [
    {
      "stepType": "mysql",
      "parameter": {
        "connection": [
          {
            "datasourceType": "mysql",
            "datasource": "pkset_test",
            "selectedTables": [
              { "dbName": "mysql_db",
                "schema": [ { "tableInfos": [ { "table": "molin_di_test_in_pk_v4" } ] } ] }
            ]
          }
        ]
      },
      "name": "Reader",
      "category": "reader"
    },
    {
      "stepType": "kafka",
      "parameter": { "datasource": "azn_kafka" },
      "name": "Writer",
      "category": "writer"
    }
  ]
})j";

// scripts.md section 2.4.
constexpr const char* kHoloSample = R"j({
  "type": "realtime",
  "version": "1.0",
  "setting": {
    "resourceGroup": "S_res_group_280749521950784_1623033752022",
    "taskType": "oneclick_to_holo"
  },
  "steps": [
    {
      "stepType": "mysql",
      "parameter": {
        "connection": [
          {
            "datasourceType": "mysql",
            "datasource": "mysql_pub",
            "selectedTables": [
              { "dbName": "mysql_db",
                "schema": [ { "tableInfos": [ { "table": "molin_di_test_in2_pk_v3" } ] } ] }
            ]
          }
        ]
      },
      "name": "Reader",
      "category": "reader"
    },
    {
      "stepType": "holo",
      "parameter": { "datasource": "holo" },
      "name": "Writer",
      "category": "writer"
    }
  ]
})j";

RealtimeScript Script(SolutionType solution, std::string reader_datasource, std::vector<TableSelection> selections,
                      std::string writer_datasource) {
  RealtimeScript script;
  script.resource_group = kResourceGroup;
  script.solution = solution;
  script.reader_step_type = "mysql";
  script.sources = {{std::move(reader_datasource), "mysql", std::move(selections)}};
  script.writer_step_type = std::string(WriterStepType(solution));
  script.writer_datasource = std::move(writer_datasource);
  return script;
}

// ---- accepted scripts ----

struct AcceptCase {
  const char* name;
  std::string task_param;
  RealtimeScript want;
};

class AcceptTest : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(AcceptTest, ParsesIntoTheExpectedScript) {
  const AcceptCase& c = GetParam();
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems{{"/stale", "stale", "stale"}};
  Result<RealtimeScript> got = ParseRealtimeScript(c.task_param, refs, &problems);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_TRUE(problems.empty());
  EXPECT_EQ(got.value(), c.want);
}

RealtimeScript SeedWant() {
  RealtimeScript want = Script(SolutionType::kOdps, "mysql_pub", {{"", {"xyx"}}}, "odps_first");
  want.schedule_resgroup_id = 30003913;
  want.name = "openapi_realtime_solution_0813_1739";
  return want;
}

RealtimeScript ExtensionsWant() {
  RealtimeScript want = Script(SolutionType::kHolo, "mysql_pub", {{"shop", {"orders", "items"}}, {"crm", {"users"}}},
                               "holo");
  want.sources.push_back({"mysql_crm", "mysql", {{"", {"accounts", "contacts"}}}});
  want.table_name_rule = "ods.${srcDatabaseName}_${srcTableName}";
  want.type_overrides = {{"tinyint(1)", "bool"}, {"bigint unsigned", "numeric(20,0)"}};
  return want;
}

INSTANTIATE_TEST_SUITE_P(
    Table, AcceptTest,
    ::testing::Values(
        AcceptCase{"SeedSample", kSeedSample, SeedWant()},
        AcceptCase{"OdpsSample", kOdpsSample,
                   Script(SolutionType::kOdps, "mysql_pub1", {{"mysql_db", {"molin_di_test_in_pk_v4"}}},
                          "odps_source")},
        AcceptCase{"KafkaSample", kKafkaSample,
                   Script(SolutionType::kKafka, "pkset_test", {{"mysql_db", {"molin_di_test_in_pk_v4"}}},
                          "azn_kafka")},
        AcceptCase{"HoloSample", kHoloSample,
                   Script(SolutionType::kHolo, "mysql_pub", {{"mysql_db", {"molin_di_test_in2_pk_v3"}}}, "holo")},
        AcceptCase{"CapitalisedTables",
                   R"j({"type":"realtime","version":"1.0",
                       "setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","taskType":"oneclick_to_odps"},
                       "steps":[{"stepType":"mysql","name":"Reader","category":"reader",
                                 "parameter":{"connection":[{"datasource":"mysql_pub","Tables":["a","b"]}]}},
                                {"stepType":"odps","name":"Writer","category":"writer","parameter":{"datasource":"odps_first"}}]})j",
                   Script(SolutionType::kOdps, "mysql_pub", {{"", {"a", "b"}}}, "odps_first")},
        AcceptCase{"CapitalisedSelectedTables",
                   R"j({"type":"realtime","version":"1.0",
                       "setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","taskType":"oneclick_to_odps"},
                       "steps":[{"stepType":"mysql","name":"Reader","category":"reader",
                                 "parameter":{"connection":[{"datasource":"mysql_pub",
                                   "SelectedTables":[{"dbName":"d","schema":[{"tableInfos":[{"table":"t"}]}]}]}]}},
                                {"stepType":"odps","name":"Writer","category":"writer","parameter":{"datasource":"odps_first"}}]})j",
                   Script(SolutionType::kOdps, "mysql_pub", {{"d", {"t"}}}, "odps_first")},
        AcceptCase{"SelectedTablesWinsOverTable",
                   R"j({"type":"realtime","version":"1.0",
                       "setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","taskType":"oneclick_to_odps"},
                       "steps":[{"stepType":"mysql","name":"Reader","category":"reader",
                                 "parameter":{"connection":[{"datasource":"mysql_pub","table":["ignored"],
                                   "selectedTables":[{"dbName":"d","schema":[{"tableInfos":[{"table":"t"}]}]}]}]}},
                                {"stepType":"odps","name":"Writer","category":"writer","parameter":{"datasource":"odps_first"}}]})j",
                   Script(SolutionType::kOdps, "mysql_pub", {{"d", {"t"}}}, "odps_first")},
        AcceptCase{"WriterFirstAndExtensions",
                   R"j({"type":"realtime","version":"1.0",
                       "setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","taskType":"oneclick_to_holo",
                                  "tableNameRule":"ods.${srcDatabaseName}_${srcTableName}",
                                  "typeOverrides":[{"source":"TINYINT(1)","target":"BOOL"},
                                                   {"source":"bigint  unsigned","target":"NUMERIC(20, 0)"}],
                                  "futureSetting":{"x":1}},
                       "steps":[{"stepType":"holo","name":"Writer","category":"writer","parameter":{"datasource":"holo"}},
                                {"stepType":"mysql","name":"Reader","category":"reader",
                                 "parameter":{"connection":[
                                   {"datasource":"mysql_pub","selectedTables":[
                                     {"dbName":"shop","schema":[{"tableInfos":[{"table":"orders"}]},{"tableInfos":[{"table":"items","enable":true}]}]},
                                     {"dbName":"crm","schema":[{"tableInfos":[{"table":"users"}]}]}]},
                                   {"datasource":"mysql_crm","table":["accounts","contacts"]}]}}]})j",
                   ExtensionsWant()},
        AcceptCase{"NonAsciiNames",
                   R"j({"type":"realtime","version":"1.0",
                       "setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","taskType":"oneclick_to_odps"},
                       "steps":[{"stepType":"mysql","name":"Reader","category":"reader",
                                 "parameter":{"connection":[{"datasource":"mysql_pub","table":["订单","ä b"]}]}},
                                {"stepType":"odps","name":"Writer","category":"writer","parameter":{"datasource":"odps_first"}}]})j",
                   Script(SolutionType::kOdps, "mysql_pub", {{"", {"订单", "ä b"}}}, "odps_first")}),
    [](const ::testing::TestParamInfo<AcceptCase>& info) { return info.param.name; });

// ---- one problem per check ----

struct CheckCase {
  const char* name;
  std::function<void(Json&)> mutate;  // applied to the Hologres sample
  std::vector<std::pair<std::string, std::string>> want;  // (pointer, code), sorted
};

class CheckTest : public ::testing::TestWithParam<CheckCase> {};

std::vector<std::pair<std::string, std::string>> PointersAndCodes(const std::vector<Problem>& problems) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const Problem& p : problems) out.emplace_back(p.pointer, p.code);
  return out;
}

std::string Describe(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += "  " + p.pointer + " [" + p.code + "] " + p.message + "\n";
  return out;
}

TEST_P(CheckTest, ReportsExactlyItsProblem) {
  const CheckCase& c = GetParam();
  Json doc = Json::parse(kHoloSample);
  c.mutate(doc);
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(doc.dump(), refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kDiInvalidParameter);
  EXPECT_EQ(PointersAndCodes(problems), c.want) << Describe(problems);
  for (const Problem& p : problems) EXPECT_FALSE(p.message.empty());
}

Json& Connection(Json& doc) { return doc["steps"][0]["parameter"]["connection"][0]; }
Json& Writer(Json& doc) { return doc["steps"][1]; }
const char* kConn = "/steps/0/parameter/connection/0";

std::string At(std::string_view suffix) { return std::string(kConn) + std::string(suffix); }

INSTANTIATE_TEST_SUITE_P(
    Table, CheckTest,
    ::testing::Values(
        CheckCase{"MissingResourceGroup", [](Json& d) { d["setting"].erase("resourceGroup"); },
                  {{"/setting/resourceGroup", "required"}}},
        CheckCase{"MissingSetting", [](Json& d) { d.erase("setting"); }, {{"/setting", "required"}}},
        CheckCase{"MissingDatasource", [](Json& d) { Connection(d).erase("datasource"); },
                  {{At("/datasource"), "required"}}},
        CheckCase{"MissingStepName", [](Json& d) { Writer(d).erase("name"); }, {{"/steps/1/name", "required"}}},
        CheckCase{"MissingWriterDatasource", [](Json& d) { Writer(d)["parameter"].erase("datasource"); },
                  {{"/steps/1/parameter/datasource", "required"}}},
        CheckCase{"MissingConnection", [](Json& d) { d["steps"][0]["parameter"].erase("connection"); },
                  {{"/steps/0/parameter/connection", "required"}}},
        CheckCase{"MissingTables",
                  [](Json& d) { Connection(d).erase("selectedTables"); }, {{At("/table"), "required"}}},
        CheckCase{"MissingReaderStep", [](Json& d) { d["steps"].erase(0); }, {{"/steps", "required"}}},
        CheckCase{"ScheduleGroupNotInteger", [](Json& d) { d["setting"]["scheduleResgroupId"] = "12"; },
                  {{"/setting/scheduleResgroupId", "type"}}},
        CheckCase{"ScheduleGroupFraction", [](Json& d) { d["setting"]["scheduleResgroupId"] = 1.5; },
                  {{"/setting/scheduleResgroupId", "type"}}},
        CheckCase{"ScheduleGroupZero", [](Json& d) { d["setting"]["scheduleResgroupId"] = 0; },
                  {{"/setting/scheduleResgroupId", "range"}}},
        CheckCase{"ScheduleGroupTooLarge",
                  [](Json& d) { d["setting"]["scheduleResgroupId"] = uint64_t{18446744073709551615u}; },
                  {{"/setting/scheduleResgroupId", "range"}}},
        CheckCase{"StepsNotArray", [](Json& d) { d["steps"] = Json::object(); }, {{"/steps", "type"}}},
        CheckCase{"TableNotString", [](Json& d) { Connection(d) = {{"datasource", "mysql_pub"}, {"table", {1}}}; },
                  {{At("/table/0"), "type"}}},
        CheckCase{"WrongType", [](Json& d) { d["type"] = "batch"; }, {{"/type", "enum"}}},
        CheckCase{"WrongVersion", [](Json& d) { d["version"] = "2.0"; }, {{"/version", "enum"}}},
        CheckCase{"WrongTaskType", [](Json& d) { d["setting"]["taskType"] = "oneclick_to_oss"; },
                  {{"/setting/taskType", "enum"}}},
        CheckCase{"WrongCategory", [](Json& d) { Writer(d)["category"] = "sink"; },
                  {{"/steps", "required"}, {"/steps/1/category", "enum"}}},
        CheckCase{"WrongDatasourceType", [](Json& d) { Connection(d)["datasourceType"] = "postgresql"; },
                  {{At("/datasourceType"), "enum"}}},
        CheckCase{"ReaderNotMysql", [](Json& d) { d["steps"][0]["stepType"] = "postgresql"; },
                  {{"/steps/0/stepType", "enum"}}},
        CheckCase{"WriterUnknown", [](Json& d) { Writer(d)["stepType"] = "datahub"; },
                  {{"/steps/1/stepType", "enum"}}},
        CheckCase{"TaskTypeMismatch", [](Json& d) { d["setting"]["taskType"] = "oneclick_to_odps"; },
                  {{"/setting/taskType", "task_type_mismatch"}}},
        CheckCase{"UnknownReaderDatasource", [](Json& d) { Connection(d)["datasource"] = "nope"; },
                  {{At("/datasource"), "unknown_datasource"}}},
        CheckCase{"UnknownWriterDatasource", [](Json& d) { Writer(d)["parameter"]["datasource"] = "nope"; },
                  {{"/steps/1/parameter/datasource", "unknown_datasource"}}},
        CheckCase{"ReaderDatasourceNotMysql", [](Json& d) { Connection(d)["datasource"] = "odps_source"; },
                  {{At("/datasource"), "datasource_type"}}},
        CheckCase{"WriterDatasourceOfOtherType", [](Json& d) { Writer(d)["parameter"]["datasource"] = "odps_first"; },
                  {{"/steps/1/parameter/datasource", "datasource_type"}}},
        CheckCase{"UnknownResourceGroup", [](Json& d) { d["setting"]["resourceGroup"] = "S_res_group_1_2"; },
                  {{"/setting/resourceGroup", "unknown_resource_group"}}},
        CheckCase{"EmptyResourceGroup", [](Json& d) { d["setting"]["resourceGroup"] = ""; },
                  {{"/setting/resourceGroup", "empty"}}},
        CheckCase{"EmptyConnectionList", [](Json& d) { d["steps"][0]["parameter"]["connection"] = Json::array(); },
                  {{"/steps/0/parameter/connection", "empty"}}},
        CheckCase{"EmptyTableList",
                  [](Json& d) { Connection(d) = {{"datasource", "mysql_pub"}, {"table", Json::array()}}; },
                  {{At("/table"), "empty"}}},
        CheckCase{"EmptySelectedTables", [](Json& d) { Connection(d)["selectedTables"] = Json::array(); },
                  {{At("/selectedTables"), "empty"}}},
        CheckCase{"EmptySchemaList", [](Json& d) { Connection(d)["selectedTables"][0]["schema"] = Json::array(); },
                  {{At("/selectedTables/0/schema"), "empty"}}},
        CheckCase{"EmptyTableInfos",
                  [](Json& d) { Connection(d)["selectedTables"][0]["schema"][0]["tableInfos"] = Json::array(); },
                  {{At("/selectedTables/0/schema/0/tableInfos"), "empty"}}},
        CheckCase{"DuplicateTable",
                  [](Json& d) { Connection(d) = {{"datasource", "mysql_pub"}, {"table", {"a", "b", "a"}}}; },
                  {{At("/table/2"), "duplicate"}}},
        CheckCase{"DuplicateTableAcrossSchemaEntries",
                  [](Json& d) {
                    Connection(d)["selectedTables"].push_back(Connection(d)["selectedTables"][0]);
                  },
                  {{At("/selectedTables/1/schema/0/tableInfos/0/table"), "duplicate"}}},
        CheckCase{"SameTableInAnotherDatabaseIsFine",
                  [](Json& d) {
                    Json other = Connection(d)["selectedTables"][0];
                    other["dbName"] = "other_db";
                    Connection(d)["selectedTables"].push_back(other);
                    d["setting"].erase("taskType");
                  },
                  {{"/setting/taskType", "required"}}},
        CheckCase{"DuplicateDatasource",
                  [](Json& d) {
                    Json second = {{"datasource", "mysql_pub"}, {"table", {"x"}}};
                    d["steps"][0]["parameter"]["connection"].push_back(second);
                  },
                  {{"/steps/0/parameter/connection/1/datasource", "duplicate"}}},
        CheckCase{"BothSpellings",
                  [](Json& d) { Connection(d) = {{"datasource", "mysql_pub"}, {"table", {"a"}}, {"Tables", {"b"}}}; },
                  {{At("/Tables"), "duplicate"}}},
        CheckCase{"SecondWriter", [](Json& d) { d["steps"].push_back(d["steps"][1]); },
                  {{"/steps/2", "duplicate"}}},
        CheckCase{"TrailingSpaceInTable",
                  [](Json& d) { Connection(d) = {{"datasource", "mysql_pub"}, {"table", {"orders "}}}; },
                  {{At("/table/0"), "invalid_identifier"}}},
        CheckCase{"TableNameTooLong",
                  [](Json& d) {
                    Connection(d) = {{"datasource", "mysql_pub"}, {"table", {std::string(65, 'x'), std::string(64, 'y')}}};
                  },
                  {{At("/table/0"), "invalid_identifier"}}},
        CheckCase{"NulInTable",
                  [](Json& d) { Connection(d) = {{"datasource", "mysql_pub"}, {"table", {std::string("a\0b", 3)}}}; },
                  {{At("/table/0"), "invalid_identifier"}}},
        CheckCase{"SupplementaryCharacterInTable",
                  [](Json& d) { Connection(d) = {{"datasource", "mysql_pub"}, {"table", {"t\xF0\x9F\x98\x80"}}}; },
                  {{At("/table/0"), "invalid_identifier"}}},
        CheckCase{"EmptyDatabaseName", [](Json& d) { Connection(d)["selectedTables"][0]["dbName"] = ""; },
                  {{At("/selectedTables/0/dbName"), "invalid_identifier"}}},
        CheckCase{"NameTooLong", [](Json& d) { d["setting"]["name"] = std::string(129, 'n'); },
                  {{"/setting/name", "too_long"}}},
        CheckCase{"KeyInWrongCase", [](Json& d) { d["setting"]["ResourceGroup"] = "x"; },
                  {{"/setting/ResourceGroup", "key_case"}}},
        CheckCase{"UnknownPlaceholder", [](Json& d) { d["setting"]["tableNameRule"] = "${srcTable}"; },
                  {{"/setting/tableNameRule", "invalid_template"}}},
        CheckCase{"UnterminatedPlaceholder", [](Json& d) { d["setting"]["tableNameRule"] = "x_${srcTableName"; },
                  {{"/setting/tableNameRule", "invalid_template"}}},
        CheckCase{"UnknownOverrideSource",
                  [](Json& d) { d["setting"]["typeOverrides"] = {{{"source", "tinyint2"}, {"target", "int4"}}}; },
                  {{"/setting/typeOverrides/0/source", "unsupported_type"}}},
        CheckCase{"OverrideTargetOfAnotherSolution",
                  [](Json& d) { d["setting"]["typeOverrides"] = {{{"source", "tinyint(1)"}, {"target", "BOOLEAN"}}}; },
                  {{"/setting/typeOverrides/0/target", "unsupported_type"}}},
        CheckCase{"DuplicateOverride",
                  [](Json& d) {
                    d["setting"]["typeOverrides"] = {{{"source", "tinyint(1)"}, {"target", "bool"}},
                                                     {{"source", "TINYINT(1)"}, {"target", "int2"}}};
                  },
                  {{"/setting/typeOverrides/1/source", "duplicate"}}},
        CheckCase{"OverrideMissingTarget",
                  [](Json& d) { d["setting"]["typeOverrides"] = {{{"source", "tinyint(1)"}}}; },
                  {{"/setting/typeOverrides/0/target", "required"}}}),
    [](const ::testing::TestParamInfo<CheckCase>& info) { return info.param.name; });

// ---- one script, every problem ----

TEST(ParseRealtimeScript, ListsEveryProblemOfABadScript) {
  const std::string task_param = R"j({
    "type": "realtime",
    "version": "1.1",
    "setting": {
      "resourceGroup": "S_res_group_unknown",
      "taskType": "oneclick_to_odps",
      "Name": "dup",
      "scheduleResgroupId": "30003913",
      "tableNameRule": "${srcSchema}",
      "typeOverrides": [ { "source": "tinyint(1)", "target": "bool" }, { "source": "xml" } ]
    },
    "steps": [
      {
        "stepType": "mysql",
        "name": "Reader",
        "category": "reader",
        "parameter": {
          "connection": [
            { "datasource": "mysql_missing", "table": ["a", "a", "b "] },
            { "datasource": "odps_first", "selectedTables": [ { "dbName": 7, "schema": [] } ] },
            { "datasourceType": "mysql" }
          ]
        }
      },
      { "stepType": "holo", "category": "writer", "parameter": { "datasource": "azn_kafka" } }
    ]
  })j";
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(task_param, refs, &problems);
  ASSERT_FALSE(got.ok());
  std::vector<std::pair<std::string, std::string>> want = {
      {"/setting/Name", "key_case"},
      {"/setting/resourceGroup", "unknown_resource_group"},
      {"/setting/scheduleResgroupId", "type"},
      {"/setting/tableNameRule", "invalid_template"},
      {"/setting/taskType", "task_type_mismatch"},
      {"/setting/typeOverrides/0/target", "unsupported_type"},
      {"/setting/typeOverrides/1/source", "unsupported_type"},
      {"/setting/typeOverrides/1/target", "required"},
      {"/steps/0/parameter/connection/0/datasource", "unknown_datasource"},
      {"/steps/0/parameter/connection/0/table/1", "duplicate"},
      {"/steps/0/parameter/connection/0/table/2", "invalid_identifier"},
      {"/steps/0/parameter/connection/1/datasource", "datasource_type"},
      {"/steps/0/parameter/connection/1/selectedTables/0/dbName", "type"},
      {"/steps/0/parameter/connection/1/selectedTables/0/schema", "empty"},
      {"/steps/0/parameter/connection/2/datasource", "required"},
      {"/steps/0/parameter/connection/2/table", "required"},
      {"/steps/1/name", "required"},
      {"/steps/1/parameter/datasource", "datasource_type"},
      {"/version", "enum"},
  };
  EXPECT_EQ(PointersAndCodes(problems), want) << Describe(problems);
  // The message lists every problem, in the same order.
  std::string message = got.error().message();
  EXPECT_EQ(message.rfind("TaskParam is invalid: ", 0), 0u) << message;
  size_t at = 0;
  for (const Problem& p : problems) {
    size_t found = message.find(p.pointer + ": " + p.message, at);
    EXPECT_NE(found, std::string::npos) << p.pointer;
    at = found;
  }
}

TEST(ParseRealtimeScript, MessagesSayWhatWasExpected) {
  Json doc = Json::parse(kHoloSample);
  Connection(doc).erase("datasource");
  doc["setting"]["taskType"] = "oneclick_to_oss";
  doc["setting"]["scheduleResgroupId"] = "1";
  Writer(doc)["parameter"]["datasource"] = "odps_first";
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(doc.dump(), refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message(),
            "TaskParam is invalid: "
            "/setting/scheduleResgroupId: expected an integer: the id of a scheduling resource group, got a string; "
            "/setting/taskType: expected one of \"oneclick_to_odps\", \"oneclick_to_holo\", \"oneclick_to_kafka\", "
            "got \"oneclick_to_oss\"; "
            "/steps/0/parameter/connection/0/datasource: missing; expected a string: the name of a MySQL data "
            "source; "
            "/steps/1/parameter/datasource: data source \"odps_first\" has type \"odps\"; the holo writer needs a "
            "data source of type \"holo\"");
}

// ---- limits and malformed input ----

struct RefuseCase {
  const char* name;
  std::string task_param;
  std::string pointer;
  std::string code;
  std::string message_part;
};

class RefuseTest : public ::testing::TestWithParam<RefuseCase> {};

TEST_P(RefuseTest, RefusesWithOneProblem) {
  const RefuseCase& c = GetParam();
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(c.task_param, refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kDiInvalidParameter);
  ASSERT_EQ(problems.size(), 1u) << Describe(problems);
  EXPECT_EQ(problems[0].pointer, c.pointer);
  EXPECT_EQ(problems[0].code, c.code);
  EXPECT_NE(problems[0].message.find(c.message_part), std::string::npos) << problems[0].message;
  // Messages stay printable so that they can travel in a JSON error body.
  EXPECT_NO_THROW((void)Json(got.error().message()).dump());
}

std::string Nested(char open, char close, size_t depth) {
  return std::string(depth, open) + std::string(depth, close);
}

std::string NestedObjects(size_t depth) {
  std::string text;
  for (size_t i = 0; i < depth; ++i) text += "{\"a\":";
  text += "1";
  text += std::string(depth, '}');
  return text;
}

std::string Pointer(const char* token, size_t times) {
  std::string out;
  for (size_t i = 0; i < times; ++i) out += std::string("/") + token;
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Table, RefuseTest,
    ::testing::Values(
        RefuseCase{"TooLarge", std::string(kMaxTaskParamBytes + 1, ' '), "", "too_large", "4194305 bytes"},
        RefuseCase{"Empty", "", "", "empty", "TaskParam is empty"},
        RefuseCase{"Blank", " \n\t ", "", "empty", "TaskParam is empty"},
        RefuseCase{"DeepArrays", Nested('[', ']', 100000), Pointer("0", 64), "too_deep", "deeper than 64"},
        RefuseCase{"DeepObjects", NestedObjects(100000), Pointer("a", 64), "too_deep", "deeper than 64"},
        RefuseCase{"UnclosedDeepArrays", std::string(100000, '['), Pointer("0", 64), "too_deep", "64"},
        RefuseCase{"Truncated", R"j({"type": "realtime", )j", "", "invalid_json", "byte offset 21"},
        RefuseCase{"TrailingGarbage", R"j({"type": "realtime"} x)j", "", "invalid_json", "byte offset 21"},
        RefuseCase{"SingleQuotes", "{'type': 1}", "", "invalid_json", "byte offset 1"},
        RefuseCase{"InvalidUtf8InString", "{\"type\": \"real\xFFtime\"}", "", "invalid_json", "byte offset"},
        RefuseCase{"InvalidUtf8InKey", "{\"ty\xC3pe\": 1}", "", "invalid_json", "byte offset"},
        RefuseCase{"OverlongUtf8", "{\"type\": \"\xC0\xAF\"}", "", "invalid_json", "\\xC0"},
        RefuseCase{"NotAnObject", "[1, 2]", "", "type", "got an array"},
        RefuseCase{"Null", "null", "", "type", "got null"}),
    [](const ::testing::TestParamInfo<RefuseCase>& info) { return info.param.name; });

TEST(ParseRealtimeScript, AcceptsExactlyTheSizeLimit) {
  std::string text = kHoloSample;
  text.resize(kMaxTaskParamBytes, ' ');
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  Result<RealtimeScript> got = ParseRealtimeScript(text, refs);
  EXPECT_TRUE(got.ok()) << got.error().message();
}

TEST(ParseRealtimeScript, AcceptsSixtyFourLevels) {
  // An extension value under the root: 1 + 63 levels pass, 1 + 64 do not.
  Json doc = Json::parse(kHoloSample);
  std::string text = doc.dump();
  text.insert(text.size() - 1, ",\"ext\":" + Nested('[', ']', 63));
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(text, refs, &problems);
  EXPECT_TRUE(got.ok()) << Describe(problems);
  text = doc.dump();
  text.insert(text.size() - 1, ",\"ext\":" + Nested('[', ']', 64));
  got = ParseRealtimeScript(text, refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems),
            (std::vector<std::pair<std::string, std::string>>{{"/ext" + Pointer("0", 63), "too_deep"}}));
}

TEST(ParseRealtimeScript, RepeatedKeyIsADuplicateAtTheSecondOne) {
  std::string text = kHoloSample;
  text.insert(1, "\"type\": \"realtime\",");
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(text, refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems),
            (std::vector<std::pair<std::string, std::string>>{{"/type", "duplicate"}}));
}

TEST(ParseRealtimeScript, RepeatedKeyInsideArraysIsPointedAt) {
  // The index of an element is counted among those before it.
  Json doc = Json::parse(kHoloSample);
  std::string text = doc.dump();
  text.insert(text.size() - 1, R"(,"ext":[1,{"b":[true,{"a":1,"a":2}]},{"a":3,"a":4}])");
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(text, refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems),
            (std::vector<std::pair<std::string, std::string>>{{"/ext/1/b/1/a", "duplicate"},
                                                              {"/ext/2/a", "duplicate"}}));
}

TEST(ReadJson, RepeatedKeyKeepsTheLastValueAndTheDocumentIsWhole) {
  std::vector<Problem> problems;
  std::optional<Json> doc =
      ReadJson(R"({"a":[1,{"k":"x","k":"y"},[]],"n":-2,"u":18446744073709551615,"f":0.5,)"
               R"("t":true,"z":null,"a2":{},"a":{"k":[false]}})",
               "TaskParam", JsonLimits{}, &problems);
  ASSERT_TRUE(doc.has_value());
  EXPECT_EQ(*doc, Json::parse(R"({"a":{"k":[false]},"n":-2,"u":18446744073709551615,"f":0.5,)"
                              R"("t":true,"z":null,"a2":{}})"));
  EXPECT_TRUE((*doc)["u"].is_number_unsigned());
  EXPECT_EQ(PointersAndCodes(problems), (std::vector<std::pair<std::string, std::string>>{
                                            {"/a/1/k", "duplicate"}, {"/a", "duplicate"}}));
}

TEST(ParseRealtimeScript, TooDeepAfterSiblingsIsPointedAt) {
  Json doc = Json::parse(kHoloSample);
  std::string text = doc.dump();
  text.insert(text.size() - 1, ",\"ext\":[0,{\"k\":1}," + Nested('[', ']', 63) + "]");
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(text, refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems), (std::vector<std::pair<std::string, std::string>>{
                                            {"/ext/2" + Pointer("0", 62), "too_deep"}}));
}

TEST(ParseRealtimeScript, KeysInWrongCaseAreNamed) {
  // Wrong casing is not silently ignored: the correct key is missing and the
  // wrong one is pointed at with the spelling that was meant.
  std::string text = R"j({"Type":"realtime","version":"1.0",
    "Setting":{"resourceGroup":"S_res_group_280749521950784_1623033752022","taskType":"oneclick_to_odps"},
    "steps":[{"StepType":"mysql","name":"Reader","category":"reader",
              "parameter":{"Connection":[{"datasource":"mysql_pub","table":["t"]}]}},
             {"stepType":"odps","name":"Writer","category":"writer","parameter":{"DataSource":"odps_first"}}]})j";
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  std::vector<Problem> problems;
  Result<RealtimeScript> got = ParseRealtimeScript(text, refs, &problems);
  ASSERT_FALSE(got.ok());
  std::vector<std::pair<std::string, std::string>> want = {
      {"/Setting", "key_case"},
      {"/Type", "key_case"},
      {"/setting", "required"},
      {"/steps/0/StepType", "key_case"},
      {"/steps/0/parameter/Connection", "key_case"},
      {"/steps/0/parameter/connection", "required"},
      {"/steps/0/stepType", "required"},
      {"/steps/1/parameter/DataSource", "key_case"},
      {"/steps/1/parameter/datasource", "required"},
      {"/type", "required"},
  };
  EXPECT_EQ(PointersAndCodes(problems), want) << Describe(problems);
  for (const Problem& p : problems) {
    if (p.pointer == "/Setting") {
      EXPECT_NE(p.message.find("\"setting\""), std::string::npos) << p.message;
    }
  }
}

TEST(ParseRealtimeScript, NullProblemListIsAllowed) {
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  Result<RealtimeScript> got = ParseRealtimeScript("{}", refs);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().message(),
            "TaskParam is invalid: /setting: missing; expected an object with resourceGroup and taskType; "
            "/steps: missing; expected an array with one reader step and one writer step; "
            "/type: missing; expected the string \"realtime\"; "
            "/version: missing; expected the string \"1.0\"");
}

// ---- small pure functions ----

TEST(SolutionType, RoundTripsThroughItsName) {
  for (SolutionType solution : {SolutionType::kOdps, SolutionType::kHolo, SolutionType::kKafka}) {
    EXPECT_EQ(ParseSolutionType(ToString(solution)), solution);
  }
  EXPECT_EQ(ToString(SolutionType::kHolo), "oneclick_to_holo");
  EXPECT_EQ(WriterStepType(SolutionType::kKafka), "kafka");
  EXPECT_EQ(ParseSolutionType("ONECLICK_TO_ODPS"), std::nullopt);
  EXPECT_EQ(ParseSolutionType(""), std::nullopt);
}

struct IdentifierCase {
  const char* name;
  std::string identifier;
  bool valid;
};

class MysqlIdentifierTest : public ::testing::TestWithParam<IdentifierCase> {};

TEST_P(MysqlIdentifierTest, Classifies) {
  const IdentifierCase& c = GetParam();
  EXPECT_EQ(!MysqlIdentifierProblem(c.identifier).has_value(), c.valid);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MysqlIdentifierTest,
    ::testing::Values(IdentifierCase{"Plain", "orders", true}, IdentifierCase{"OnlyDigits", "2024", true},
                      IdentifierCase{"Spaces", "order items", true}, IdentifierCase{"Dash", "order-items", true},
                      IdentifierCase{"LeadingSpace", " orders", true},
                      IdentifierCase{"SixtyFour", std::string(64, 'a'), true},
                      IdentifierCase{"SixtyFourCjk", std::string(64 * 3 / 3, 'a').replace(0, 1, "订"), true},
                      IdentifierCase{"Empty", "", false}, IdentifierCase{"SixtyFive", std::string(65, 'a'), false},
                      IdentifierCase{"TrailingSpace", "orders ", false},
                      IdentifierCase{"Nul", std::string("a\0", 2), false},
                      IdentifierCase{"Emoji", "\xF0\x9F\x98\x80", false},
                      IdentifierCase{"BrokenUtf8", "\xE8\xAE", false}),
    [](const ::testing::TestParamInfo<IdentifierCase>& info) { return info.param.name; });

struct RuleCase {
  const char* name;
  std::string rule;
  bool valid;
};

class TableNameRuleTest : public ::testing::TestWithParam<RuleCase> {};

TEST_P(TableNameRuleTest, Classifies) {
  const RuleCase& c = GetParam();
  EXPECT_EQ(!TableNameRuleProblem(c.rule).has_value(), c.valid);
}

INSTANTIATE_TEST_SUITE_P(
    Table, TableNameRuleTest,
    ::testing::Values(RuleCase{"Literal", "fixed", true}, RuleCase{"Table", "${srcTableName}", true},
                      RuleCase{"All", "${srcDatasourceName}_${srcDatabaseName}.${srcTableName}", true},
                      RuleCase{"DollarAlone", "a$b", true}, RuleCase{"Unknown", "${table}", false},
                      RuleCase{"Unterminated", "${srcTableName", false}, RuleCase{"EmptyName", "${}", false},
                      RuleCase{"WrongCase", "${srctablename}", false}),
    [](const ::testing::TestParamInfo<RuleCase>& info) { return info.param.name; });

}  // namespace
}  // namespace disync::di
