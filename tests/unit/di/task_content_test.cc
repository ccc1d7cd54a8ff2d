#include "di/task_content.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "unit/di/fake_script_references.h"

namespace disync::di {
namespace {

using Json = nlohmann::json;
using Codes = std::vector<std::pair<std::string, std::string>>;

// scripts.md section 1.2: MySQL -> MaxCompute, the CreateDISyncTask example.
constexpr const char* kBatchSample = R"j({
  "type": "job",
  "version": "2.0",
  "steps": [
    {
      "stepType": "mysql",
      "parameter": {
        "envType": 1,
        "datasource": "mysql_pub",
        "column": ["id", "name", "create_time", "age", "score", "t_01"],
        "connection": [ { "datasource": "mysql_pub", "table": ["u_pk"] } ],
        "where": "",
        "splitPk": "id",
        "encoding": "UTF-8"
      },
      "name": "Reader",
      "category": "reader"
    },
    {
      "stepType": "odps",
      "parameter": {
        "partition": "pt=${bizdate}",
        "truncate": true,
        "datasource": "odps_source",
        "envType": 1,
        "column": ["id", "name", "create_time", "age", "score", "t_01"],
        "emptyAsNull": false,
        "tableComment": "null",
        "table": "u_pk"
      },
      "name": "Writer",
      "category": "writer"
    }
  ],
  "setting": {
    "executeMode": null,
    "errorLimit": { "record": "" },
    "speed": { "concurrent": 2, "throttle": false }
  },
  "order": { "hops": [ { "from": "Reader", "to": "Writer" } ] }
})j";

// scripts.md section 3.1: the documented generated TaskContent.
constexpr const char* kDocumentedContent =
    R"j({"extend":{"mode":"migration_holo","resourceGroup":"280749","name":"h"},"type":"job","steps":[{"stepType":"mysql","parameter":{"connection":[{"datasourceType":"mysql","datasource":"mm","selectedTables":[{"schema":[{"tableInfos":[{"enable":true,"table":"m_v1","tableName":"m_v1"}]}],"dbName":"m"}]}]},"name":"reader","category":"reader"},{"stepType":"holo","parameter":{"datasource":"h","tableMappingRule":{"datasource":[{"tableRule":[{"srcTable":"m_v1","mergeIntoCycleType":"DEFAULT","hourDeltaEnable":false,"dstTable":"m.m_v1","dayDeltaEnable":false,"primaryKeyInfo":{"column":["id"],"type":"pk"},"dstCreateTableInfo":{"indexType":"m_v1","dataColumn":[{"columnSize":0,"name":"id","index":0,"comment":"","newDigit":0,"type":"int8","digit":0,"primaryKey":true}],"schemaName":"m","tableName":"m_v1"},"srcDbName":"m"}],"srcDatasourceName":"mm"}],"totalTableMapping":1},"writeMode":"replay"},"name":"writer","category":"writer"}],"version":"2.0","order":{"hops":[{"from":"reader","to":"writer"}]}})j";

FakeScriptReferences Refs() {
  FakeScriptReferences refs = FakeScriptReferences::Samples();
  refs.datasources["mm"] = "mysql";
  refs.datasources["h"] = "holo";
  refs.datasources["mysql_src"] = "mysql";
  refs.datasources["holo_dst"] = "holo";
  refs.datasources["kafka_dst"] = "kafka";
  return refs;
}

std::string ReadGolden(const std::string& name) {
  std::ifstream in(std::string(DISYNC_TEST_DATA_DIR) + "/golden/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

Codes PointersAndCodes(const std::vector<Problem>& problems) {
  Codes out;
  for (const Problem& p : problems) out.emplace_back(p.pointer, p.code);
  return out;
}

std::string Describe(const std::vector<Problem>& problems) {
  std::string out;
  for (const Problem& p : problems) out += "  " + p.pointer + " [" + p.code + "] " + p.message + "\n";
  return out;
}

TEST(TaskType, ParsesAndPrintsTheThreeTypes) {
  for (TaskType type : {TaskType::kOffline, TaskType::kRealtime, TaskType::kSolution}) {
    EXPECT_EQ(ParseTaskType(ToString(type)), type);
  }
  EXPECT_EQ(ToString(TaskType::kOffline), "DI_OFFLINE");
  EXPECT_EQ(ParseTaskType("di_offline"), std::nullopt);
  EXPECT_EQ(ParseTaskType(""), std::nullopt);
}

// ---- generated contents that pass ----

struct GoldenCase {
  const char* file;
  std::vector<std::string> sources;
  std::vector<std::string> destinations;
  std::string name;
  SolutionType solution;
  int64_t tables;
};

class GoldenContentTest : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenContentTest, PassesAsRealtimeAndAsSolution) {
  const GoldenCase& c = GetParam();
  FakeScriptReferences refs = Refs();
  std::string content = ReadGolden(c.file);
  for (TaskType type : {TaskType::kRealtime, TaskType::kSolution}) {
    std::vector<Problem> problems;
    Result<TaskContentInfo> info = ValidateTaskContent(type, content, refs, &problems);
    ASSERT_TRUE(info.ok()) << info.error().message();
    EXPECT_TRUE(problems.empty()) << Describe(problems);
    EXPECT_EQ(info->sources, c.sources);
    EXPECT_EQ(info->destinations, c.destinations);
    EXPECT_EQ(info->name, c.name);
    EXPECT_EQ(info->solution, c.solution);
    EXPECT_EQ(info->table_count, c.tables);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Golden, GoldenContentTest,
    ::testing::Values(
        GoldenCase{"oneclick_to_holo.json", {"mysql_pub", "mysql_crm"}, {"holo"}, "golden_holo",
                   SolutionType::kHolo, 4},
        GoldenCase{"oneclick_to_odps.json", {"mysql_pub", "mysql_crm"}, {"odps_first"}, "golden_odps",
                   SolutionType::kOdps, 5},
        GoldenCase{"oneclick_to_kafka.json", {"mysql_pub", "mysql_crm"}, {"azn_kafka"}, "golden_kafka",
                   SolutionType::kKafka, 5}),
    [](const ::testing::TestParamInfo<GoldenCase>& info) {
      std::string name = info.param.file;
      return name.substr(0, name.find('.'));
    });

TEST(TaskContent, TheDocumentedGeneratedContentPasses) {
  FakeScriptReferences refs = Refs();
  Result<TaskContentInfo> info = ValidateTaskContent(TaskType::kRealtime, kDocumentedContent, refs);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->sources, std::vector<std::string>{"mm"});
  EXPECT_EQ(info->destinations, std::vector<std::string>{"h"});
  EXPECT_EQ(info->resource_group, "280749");
  EXPECT_EQ(info->table_count, 1);
}

// ---- batch scripts that pass ----

struct AcceptCase {
  const char* name;
  std::function<void(Json&)> mutate;  // applied to the scripts.md 1.2 sample
  std::vector<std::string> sources;
  std::vector<std::string> destinations;
};

class BatchAcceptTest : public ::testing::TestWithParam<AcceptCase> {};

TEST_P(BatchAcceptTest, Passes) {
  const AcceptCase& c = GetParam();
  Json doc = Json::parse(kBatchSample);
  c.mutate(doc);
  FakeScriptReferences refs = Refs();
  std::vector<Problem> problems;
  Result<TaskContentInfo> info = ValidateTaskContent(TaskType::kOffline, doc.dump(), refs, &problems);
  ASSERT_TRUE(info.ok()) << info.error().message();
  EXPECT_EQ(info->sources, c.sources);
  EXPECT_EQ(info->destinations, c.destinations);
  EXPECT_EQ(info->solution, std::nullopt);
}

INSTANTIATE_TEST_SUITE_P(
    Table, BatchAcceptTest,
    ::testing::Values(
        AcceptCase{"Sample", [](Json&) {}, {"mysql_pub"}, {"odps_source"}},
        AcceptCase{"LegacyVersion", [](Json& d) { d["version"] = "1.0"; }, {"mysql_pub"}, {"odps_source"}},
        AcceptCase{"NoSettingNoOrder",
                   [](Json& d) {
                     d.erase("setting");
                     d.erase("order");
                   },
                   {"mysql_pub"},
                   {"odps_source"}},
        AcceptCase{"QuerySqlInsteadOfTables",
                   [](Json& d) {
                     Json& connection = d["steps"][0]["parameter"]["connection"][0];
                     connection.erase("table");
                     connection["querySql"] = {"select a, b from t1 join t2 on t1.id = t2.id"};
                   },
                   {"mysql_pub"},
                   {"odps_source"}},
        AcceptCase{"TwoWritersAndAStreamWriter",
                   [](Json& d) {
                     Json writer = d["steps"][1];
                     writer["name"] = "Writer2";
                     writer["parameter"]["datasource"] = "odps_first";
                     d["steps"].push_back(writer);
                     d["steps"].push_back({{"stepType", "stream"}, {"parameter", Json::object()},
                                           {"name", "Print"}, {"category", "writer"}});
                   },
                   {"mysql_pub"},
                   {"odps_source", "odps_first"}},
        AcceptCase{"CapitalisedKafkaWriter",
                   [](Json& d) {
                     d["steps"][1] = {{"stepType", "Kafka"},
                                      {"parameter", {{"datasource", "azn_kafka"}, {"topic", "t"}}},
                                      {"name", "Writer"},
                                      {"category", "writer"}};
                   },
                   {"mysql_pub"},
                   {"azn_kafka"}},
        AcceptCase{"ErrorLimitAsNumber", [](Json& d) { d["setting"]["errorLimit"]["record"] = 0; },
                   {"mysql_pub"}, {"odps_source"}}),
    [](const ::testing::TestParamInfo<AcceptCase>& info) { return info.param.name; });

// ---- batch scripts with problems: exactly those problems ----

struct RejectCase {
  const char* name;
  std::function<void(Json&)> mutate;
  Codes want;  // (pointer, code), sorted
};

class BatchRejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(BatchRejectTest, ReportsExactlyItsProblems) {
  const RejectCase& c = GetParam();
  Json doc = Json::parse(kBatchSample);
  c.mutate(doc);
  FakeScriptReferences refs = Refs();
  std::vector<Problem> problems;
  Result<TaskContentInfo> got = ValidateTaskContent(TaskType::kOffline, doc.dump(), refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kDiInvalidParameter);
  EXPECT_EQ(PointersAndCodes(problems), c.want) << Describe(problems);
  for (const Problem& p : problems) {
    EXPECT_FALSE(p.message.empty());
    EXPECT_NE(got.error().message().find(p.pointer.empty() ? "(root)" : p.pointer + ": "),
              std::string::npos);
  }
}

Json& Reader(Json& d) { return d["steps"][0]; }
Json& BatchWriter(Json& d) { return d["steps"][1]; }
Json& ReaderConnection(Json& d) { return d["steps"][0]["parameter"]["connection"][0]; }

INSTANTIATE_TEST_SUITE_P(
    Table, BatchRejectTest,
    ::testing::Values(
        RejectCase{"RootNotAnObject", [](Json& d) { d = Json::array(); }, {{"", "type"}}},
        RejectCase{"WrongType", [](Json& d) { d["type"] = "realtime"; }, {{"/type", "enum"}}},
        RejectCase{"MissingType", [](Json& d) { d.erase("type"); }, {{"/type", "required"}}},
        RejectCase{"UnknownVersion", [](Json& d) { d["version"] = "3.0"; }, {{"/version", "enum"}}},
        RejectCase{"MissingVersion", [](Json& d) { d.erase("version"); }, {{"/version", "required"}}},
        RejectCase{"StepsNotAnArray", [](Json& d) { d["steps"] = Json::object(); },
                   {{"/order/hops/0/from", "unknown_step"}, {"/order/hops/0/to", "unknown_step"},
                    {"/steps", "type"}}},
        RejectCase{"NoSteps", [](Json& d) { d["steps"] = Json::array(); },
                   {{"/order/hops/0/from", "unknown_step"}, {"/order/hops/0/to", "unknown_step"},
                    {"/steps", "empty"}}},
        RejectCase{"NoReader", [](Json& d) { Reader(d)["category"] = "writer"; }, {{"/steps", "required"}}},
        RejectCase{"TwoReaders",
                   [](Json& d) {
                     Json second = Reader(d);
                     second["name"] = "Reader2";
                     d["steps"].push_back(second);
                   },
                   {{"/steps/2", "duplicate"}}},
        RejectCase{"NoWriter", [](Json& d) { d["steps"].erase(1); },
                   {{"/order/hops/0/to", "unknown_step"}, {"/steps", "required"}}},
        RejectCase{"UnknownStepType", [](Json& d) { BatchWriter(d)["stepType"] = "nosql"; },
                   {{"/steps/1/stepType", "enum"}}},
        RejectCase{"BadCategory", [](Json& d) { BatchWriter(d)["category"] = "sink"; },
                   {{"/steps/1/category", "enum"}}},
        RejectCase{"MissingStepName", [](Json& d) { BatchWriter(d).erase("name"); },
                   {{"/order/hops/0/to", "unknown_step"}, {"/steps/1/name", "required"}}},
        RejectCase{"DuplicateStepName", [](Json& d) { BatchWriter(d)["name"] = "Reader"; },
                   {{"/order/hops/0/to", "unknown_step"}, {"/steps/1/name", "duplicate"}}},
        RejectCase{"MissingParameter", [](Json& d) { BatchWriter(d).erase("parameter"); },
                   {{"/steps/1/parameter", "required"}}},
        RejectCase{"ParameterNotAnObject", [](Json& d) { Reader(d)["parameter"] = Json::array(); },
                   {{"/steps/0/parameter", "type"}}},
        RejectCase{"StepNotAnObject", [](Json& d) { d["steps"][1] = "Writer"; },
                   {{"/order/hops/0/to", "unknown_step"}, {"/steps/1", "type"}}},
        RejectCase{"UnknownWriterDatasource",
                   [](Json& d) { BatchWriter(d)["parameter"]["datasource"] = "ghost"; },
                   {{"/steps/1/parameter/datasource", "unknown_datasource"}}},
        RejectCase{"WriterDatasourceOfAnotherType",
                   [](Json& d) { BatchWriter(d)["parameter"]["datasource"] = "mysql_pub"; },
                   {{"/steps/1/parameter/datasource", "datasource_type"}}},
        RejectCase{"UnknownConnectionDatasource",
                   [](Json& d) { ReaderConnection(d)["datasource"] = "ghost"; },
                   {{"/steps/0/parameter/connection/0/datasource", "unknown_datasource"}}},
        RejectCase{"ConnectionDatasourceOfAnotherType",
                   [](Json& d) { ReaderConnection(d)["datasource"] = "holo"; },
                   {{"/steps/0/parameter/connection/0/datasource", "datasource_type"}}},
        RejectCase{"EmptyDatasource", [](Json& d) { Reader(d)["parameter"]["datasource"] = ""; },
                   {{"/steps/0/parameter/datasource", "empty"}}},
        RejectCase{"NoDatasourceAnywhere",
                   [](Json& d) {
                     Reader(d)["parameter"].erase("datasource");
                     ReaderConnection(d).erase("datasource");
                   },
                   {{"/steps/0/parameter/datasource", "required"}}},
        RejectCase{"ConnectionNotAnArray",
                   [](Json& d) { Reader(d)["parameter"]["connection"] = Json::object(); },
                   {{"/steps/0/parameter/connection", "type"}}},
        RejectCase{"NoTables", [](Json& d) { ReaderConnection(d).erase("table"); },
                   {{"/steps/0/parameter/connection/0/table", "required"}}},
        RejectCase{"NoConnection", [](Json& d) { Reader(d)["parameter"].erase("connection"); },
                   {{"/steps/0/parameter/connection", "required"}}},
        RejectCase{"EmptyTableList", [](Json& d) { ReaderConnection(d)["table"] = Json::array(); },
                   {{"/steps/0/parameter/connection/0/table", "empty"}}},
        RejectCase{"DuplicateTable", [](Json& d) { ReaderConnection(d)["table"] = {"u_pk", "u_pk"}; },
                   {{"/steps/0/parameter/connection/0/table/1", "duplicate"}}},
        RejectCase{"TableNotAString", [](Json& d) { ReaderConnection(d)["table"] = {1}; },
                   {{"/steps/0/parameter/connection/0/table/0", "type"}}},
        RejectCase{"NoWriterTable", [](Json& d) { BatchWriter(d)["parameter"].erase("table"); },
                   {{"/steps/1/parameter/table", "required"}}},
        RejectCase{"EmptyWriterTable", [](Json& d) { BatchWriter(d)["parameter"]["table"] = ""; },
                   {{"/steps/1/parameter/table", "empty"}}},
        RejectCase{"ZeroConcurrency", [](Json& d) { d["setting"]["speed"]["concurrent"] = 0; },
                   {{"/setting/speed/concurrent", "range"}}},
        RejectCase{"NegativeConcurrency", [](Json& d) { d["setting"]["speed"]["concurrent"] = -2; },
                   {{"/setting/speed/concurrent", "range"}}},
        RejectCase{"FractionalConcurrency", [](Json& d) { d["setting"]["speed"]["concurrent"] = 1.5; },
                   {{"/setting/speed/concurrent", "type"}}},
        RejectCase{"ConcurrencyAsString", [](Json& d) { d["setting"]["speed"]["concurrent"] = "2"; },
                   {{"/setting/speed/concurrent", "type"}}},
        RejectCase{"ErrorLimitRecordBoolean", [](Json& d) { d["setting"]["errorLimit"]["record"] = true; },
                   {{"/setting/errorLimit/record", "type"}}},
        RejectCase{"SettingNotAnObject", [](Json& d) { d["setting"] = "fast"; }, {{"/setting", "type"}}},
        RejectCase{"HopFromAnUnknownStep", [](Json& d) { d["order"]["hops"][0]["from"] = "Nope"; },
                   {{"/order/hops/0/from", "unknown_step"}}},
        RejectCase{"HopWithoutTo", [](Json& d) { d["order"]["hops"][0].erase("to"); },
                   {{"/order/hops/0/to", "required"}}}),
    [](const ::testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

TEST(TaskContent, ABadBatchScriptListsEveryProblemWithItsPointer) {
  Json doc = Json::parse(kBatchSample);
  doc["version"] = "9";
  ReaderConnection(doc)["datasource"] = "ghost";
  ReaderConnection(doc)["table"] = {"u_pk", "u_pk"};
  BatchWriter(doc)["parameter"]["datasource"] = "mysql_pub";
  doc["setting"]["speed"]["concurrent"] = 0;
  doc["order"]["hops"][0]["to"] = "Sink";
  FakeScriptReferences refs = Refs();
  std::vector<Problem> problems;
  Result<TaskContentInfo> got = ValidateTaskContent(TaskType::kOffline, doc.dump(), refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems),
            (Codes{{"/order/hops/0/to", "unknown_step"},
                   {"/setting/speed/concurrent", "range"},
                   {"/steps/0/parameter/connection/0/datasource", "unknown_datasource"},
                   {"/steps/0/parameter/connection/0/table/1", "duplicate"},
                   {"/steps/1/parameter/datasource", "datasource_type"},
                   {"/version", "enum"}}))
      << Describe(problems);
  EXPECT_EQ(got.error().message(),
            "TaskContent is invalid: /order/hops/0/to: no step is named \"Sink\"; expected the name "
            "of one of the steps; /setting/speed/concurrent: is 0; expected a positive integer (the "
            "number of channels); /steps/0/parameter/connection/0/datasource: no data source named "
            "\"ghost\" in the workspace; expected a data source of type \"mysql\"; "
            "/steps/0/parameter/connection/0/table/1: table \"u_pk\" is already listed at "
            "/steps/0/parameter/connection/0/table/0; /steps/1/parameter/datasource: data source "
            "\"mysql_pub\" has type \"mysql\"; the odps writer needs a data source of type \"odps\"; "
            "/version: expected \"2.0\" (or the legacy \"1.0\"), got \"9\"");
}

TEST(TaskContent, TextThatIsNotJsonIsOneProblem) {
  FakeScriptReferences refs = Refs();
  std::vector<Problem> problems;
  Result<TaskContentInfo> got = ValidateTaskContent(TaskType::kOffline, "{\"type\":", refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems), (Codes{{"", "invalid_json"}}));
  got = ValidateTaskContent(TaskType::kRealtime, "  ", refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems), (Codes{{"", "empty"}}));
}

TEST(TaskContent, ABatchScriptIsNotAGeneratedContent) {
  FakeScriptReferences refs = Refs();
  std::vector<Problem> problems;
  Result<TaskContentInfo> got = ValidateTaskContent(TaskType::kRealtime, kBatchSample, refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(PointersAndCodes(problems),
            (Codes{{"/extend", "required"},
                   {"/steps/0/parameter/connection/0/selectedTables", "required"},
                   {"/steps/1/parameter/tableMappingRule", "required"}}))
      << Describe(problems);
}

// ---- generated contents edited into incoherence ----

class GeneratedRejectTest : public ::testing::TestWithParam<RejectCase> {};

TEST_P(GeneratedRejectTest, ReportsExactlyItsProblems) {
  const RejectCase& c = GetParam();
  Json doc = Json::parse(ReadGolden("oneclick_to_holo.json"));
  c.mutate(doc);
  FakeScriptReferences refs = Refs();
  std::vector<Problem> problems;
  Result<TaskContentInfo> got = ValidateTaskContent(TaskType::kSolution, doc.dump(), refs, &problems);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kDiInvalidParameter);
  EXPECT_EQ(PointersAndCodes(problems), c.want) << Describe(problems);
  for (const Problem& p : problems) EXPECT_FALSE(p.message.empty());
}

// The golden holo content: connection 0 mysql_pub (shop: all_types, orders;
// crm: customers), connection 1 mysql_crm (crm_main: accounts); rules in
// that order under datasource 0 and 1.
Json& Connection(Json& d, int i) { return d["steps"][0]["parameter"]["connection"][i]; }
Json& ShopInfos(Json& d) { return Connection(d, 0)["selectedTables"][0]["schema"][0]["tableInfos"]; }
Json& Writer(Json& d) { return d["steps"][1]; }
Json& Mapping(Json& d) { return d["steps"][1]["parameter"]["tableMappingRule"]; }
Json& Rules(Json& d, int group) { return Mapping(d)["datasource"][group]["tableRule"]; }
const std::string kRules0 = "/steps/1/parameter/tableMappingRule/datasource/0/tableRule";

INSTANTIATE_TEST_SUITE_P(
    Table, GeneratedRejectTest,
    ::testing::Values(
        RejectCase{"WrongType", [](Json& d) { d["type"] = "realtime"; }, {{"/type", "enum"}}},
        RejectCase{"WrongVersion", [](Json& d) { d["version"] = "1.0"; }, {{"/version", "enum"}}},
        RejectCase{"MissingExtend", [](Json& d) { d.erase("extend"); }, {{"/extend", "required"}}},
        RejectCase{"MissingMode", [](Json& d) { d["extend"].erase("mode"); }, {{"/extend/mode", "required"}}},
        RejectCase{"UnknownMode", [](Json& d) { d["extend"]["mode"] = "wizard"; }, {{"/extend/mode", "enum"}}},
        RejectCase{"ModeDisagreesWithTheWriter", [](Json& d) { d["extend"]["mode"] = "migration_odps"; },
                   {{"/extend/mode", "mode_mismatch"}}},
        RejectCase{"ReaderNotMysql", [](Json& d) { d["steps"][0]["stepType"] = "postgresql"; },
                   {{"/steps/0/stepType", "enum"}}},
        RejectCase{"UnknownWriter", [](Json& d) { Writer(d)["stepType"] = "hive"; },
                   {{"/steps/1/stepType", "enum"}}},
        RejectCase{"TwoWriters",
                   [](Json& d) {
                     Json second = Writer(d);
                     second["name"] = "writer2";
                     d["steps"].push_back(second);
                   },
                   {{"/steps/2", "duplicate"}}},
        RejectCase{"SourceOfAnotherType", [](Json& d) { Connection(d, 1)["datasource"] = "odps_first"; },
                   {{"/steps/0/parameter/connection/1/datasource", "datasource_type"},
                    {"/steps/1/parameter/tableMappingRule/datasource/1/srcDatasourceName", "not_selected"}}},
        RejectCase{"SourceListedTwice", [](Json& d) { Connection(d, 1)["datasource"] = "mysql_pub"; },
                   {{"/steps/0/parameter/connection/1/datasource", "duplicate"},
                    {"/steps/1/parameter/tableMappingRule/datasource/1/srcDatasourceName", "not_selected"}}},
        RejectCase{"UnknownDestination", [](Json& d) { Writer(d)["parameter"]["datasource"] = "ghost"; },
                   {{"/steps/1/parameter/datasource", "unknown_datasource"}}},
        RejectCase{"DestinationOfAnotherType",
                   [](Json& d) { Writer(d)["parameter"]["datasource"] = "odps_first"; },
                   {{"/steps/1/parameter/datasource", "datasource_type"}}},
        RejectCase{"RuleForATableTheReaderDropped", [](Json& d) { ShopInfos(d).erase(1); },
                   {{kRules0 + "/1/srcTable", "not_selected"}}},
        RejectCase{"RuleForADisabledTable", [](Json& d) { ShopInfos(d)[1]["enable"] = false; },
                   {{kRules0 + "/1/srcTable", "not_selected"}}},
        RejectCase{"RuleInAnotherDatabase", [](Json& d) { Rules(d, 0)[0]["srcDbName"] = "crm"; },
                   {{kRules0 + "/0/srcTable", "not_selected"}}},
        RejectCase{"TotalDisagreesWithTheRules", [](Json& d) { Mapping(d)["totalTableMapping"] = 3; },
                   {{"/steps/1/parameter/tableMappingRule/totalTableMapping", "count_mismatch"}}},
        RejectCase{"MissingTotal", [](Json& d) { Mapping(d).erase("totalTableMapping"); },
                   {{"/steps/1/parameter/tableMappingRule/totalTableMapping", "required"}}},
        RejectCase{"TwoRulesOneTarget", [](Json& d) { Rules(d, 0)[1]["dstTable"] = "SHOP.All_Types"; },
                   {{kRules0 + "/1/dstTable", "duplicate"}}},
        RejectCase{"TwoRulesOneTable",
                   [](Json& d) {
                     Json copy = Rules(d, 0)[0];
                     copy["dstTable"] = "shop.all_types_copy";
                     Rules(d, 0).push_back(copy);
                     Mapping(d)["totalTableMapping"] = 5;
                   },
                   {{kRules0 + "/3/srcTable", "duplicate"}}},
        RejectCase{"TableSelectedTwice", [](Json& d) { ShopInfos(d).push_back(ShopInfos(d)[0]); },
                   {{"/steps/0/parameter/connection/0/selectedTables/0/schema/0/tableInfos/2/table",
                     "duplicate"}}},
        RejectCase{"NoSelectedTables", [](Json& d) { Connection(d, 0)["selectedTables"] = Json::array(); },
                   {{"/steps/0/parameter/connection/0/selectedTables", "empty"},
                    {kRules0 + "/0/srcTable", "not_selected"},
                    {kRules0 + "/1/srcTable", "not_selected"},
                    {kRules0 + "/2/srcTable", "not_selected"}}},
        RejectCase{"BadDatabaseName", [](Json& d) { Connection(d, 0)["selectedTables"][1]["dbName"] = ""; },
                   {{"/steps/0/parameter/connection/0/selectedTables/1/dbName", "empty"},
                    {kRules0 + "/2/srcTable", "not_selected"}}},
        RejectCase{"RuleWithoutTarget", [](Json& d) { Rules(d, 1)[0].erase("dstTable"); },
                   {{"/steps/1/parameter/tableMappingRule/datasource/1/tableRule/0/dstTable", "required"}}}),
    [](const ::testing::TestParamInfo<RejectCase>& info) { return info.param.name; });

}  // namespace
}  // namespace disync::di
