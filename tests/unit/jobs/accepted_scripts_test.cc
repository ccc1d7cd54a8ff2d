#include "jobs/accepted_scripts.h"

#include <map>
#include <set>
#include <string>

#include <gtest/gtest.h>

namespace disync::jobs {
namespace {

// A workspace the test edits between acceptance and run.
class FakeWorkspace final : public di::ScriptReferences {
 public:
  std::optional<std::string> DataSourceType(const std::string& name) const override {
    ++questions;
    auto it = data_sources.find(name);
    if (it == data_sources.end()) return std::nullopt;
    return it->second;
  }
  bool ResourceGroupExists(const std::string& identifier) const override {
    ++questions;
    return resource_groups.contains(identifier);
  }

  std::map<std::string, std::string> data_sources = {{"mysql_src", "mysql"}, {"holo_dst", "holo"}};
  std::set<std::string> resource_groups = {"S_res_group_1"};
  mutable int questions = 0;
};

constexpr char kTaskParam[] = R"({
  "type": "realtime", "version": "1.0",
  "setting": {"resourceGroup": "S_res_group_1", "taskType": "oneclick_to_holo", "name": "orders_sync"},
  "steps": [
    {"stepType": "mysql", "name": "Reader", "category": "reader",
     "parameter": {"connection": [{"datasource": "mysql_src",
       "selectedTables": [{"dbName": "shop", "schema": [{"tableInfos": [{"table": "orders"}]}]}]}]}},
    {"stepType": "holo", "name": "Writer", "category": "writer",
     "parameter": {"datasource": "holo_dst"}}]})";

// The script of kTaskParam as the API accepts it, with the answers it got.
std::pair<di::RealtimeScript, ReferenceAnswers> Accept(const FakeWorkspace& workspace) {
  RecordingReferences recording(workspace);
  auto script = di::ParseRealtimeScript(kTaskParam, recording);
  EXPECT_TRUE(script.ok()) << script.error().message();
  return {script.ok() ? std::move(script).value() : di::RealtimeScript{}, recording.TakeAnswers()};
}

TEST(RecordingReferences, PassesEachAnswerOnAndKeepsIt) {
  FakeWorkspace workspace;
  RecordingReferences recording(workspace);
  EXPECT_EQ(recording.DataSourceType("mysql_src"), "mysql");
  EXPECT_EQ(recording.DataSourceType("gone"), std::nullopt);
  EXPECT_TRUE(recording.ResourceGroupExists("S_res_group_1"));
  const ReferenceAnswers answers = recording.TakeAnswers();
  using DataSourceAnswer = std::pair<std::string, std::optional<std::string>>;
  EXPECT_EQ(answers.data_source_types,
            (std::vector<DataSourceAnswer>{{"mysql_src", "mysql"}, {"gone", std::nullopt}}));
  EXPECT_EQ(answers.resource_groups,
            (std::vector<std::pair<std::string, bool>>{{"S_res_group_1", true}}));
}

TEST(AcceptedScripts, HandsTheScriptOverOnceWhileTheWorkspaceAnswersTheSame) {
  FakeWorkspace workspace;
  auto [script, answers] = Accept(workspace);
  AcceptedScripts accepted;
  accepted.Put(ProcessId(7), script, answers);

  workspace.questions = 0;
  std::optional<di::RealtimeScript> taken = accepted.TakeIfStillValid(ProcessId(7), workspace);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(taken->name, "orders_sync");
  ASSERT_EQ(taken->sources.size(), 1u);
  ASSERT_EQ(taken->sources[0].selections.size(), 1u);
  EXPECT_EQ(taken->sources[0].selections[0].tables, std::vector<std::string>{"orders"});
  EXPECT_EQ(workspace.questions, 3);  // the two data sources and the resource group, again
  EXPECT_FALSE(accepted.TakeIfStillValid(ProcessId(7), workspace).has_value());
  EXPECT_FALSE(accepted.TakeIfStillValid(ProcessId(8), workspace).has_value());
}

TEST(AcceptedScripts, AChangedWorkspaceSendsTheWorkerBackToTheTaskParam) {
  struct Change {
    const char* what;
    void (*apply)(FakeWorkspace&);
  };
  const Change changes[] = {
      {"source deleted", [](FakeWorkspace& w) { w.data_sources.erase("mysql_src"); }},
      {"target retyped", [](FakeWorkspace& w) { w.data_sources["holo_dst"] = "odps"; }},
      {"resource group deleted", [](FakeWorkspace& w) { w.resource_groups.clear(); }},
  };
  for (const Change& change : changes) {
    SCOPED_TRACE(change.what);
    FakeWorkspace workspace;
    auto [script, answers] = Accept(workspace);
    AcceptedScripts accepted;
    accepted.Put(ProcessId(1), script, answers);
    change.apply(workspace);
    EXPECT_FALSE(accepted.TakeIfStillValid(ProcessId(1), workspace).has_value());
    EXPECT_EQ(accepted.SizeForTest(), 0u);  // dropped, not kept for a later try
    // What the worker then does: the parse names the problem.
    auto reparsed = di::ParseRealtimeScript(kTaskParam, workspace);
    EXPECT_FALSE(reparsed.ok());
  }
}

TEST(AcceptedScripts, TheOldestScriptsMakeRoom) {
  FakeWorkspace workspace;
  auto [script, answers] = Accept(workspace);
  AcceptedScripts accepted;
  const int64_t count = static_cast<int64_t>(AcceptedScripts::kMaxScripts) + 2;
  for (int64_t id = 1; id <= count; ++id) accepted.Put(ProcessId(id), script, answers);
  EXPECT_EQ(accepted.SizeForTest(), AcceptedScripts::kMaxScripts);
  EXPECT_FALSE(accepted.TakeIfStillValid(ProcessId(1), workspace).has_value());
  EXPECT_FALSE(accepted.TakeIfStillValid(ProcessId(2), workspace).has_value());
  for (int64_t id = 3; id <= count; ++id) {
    EXPECT_TRUE(accepted.TakeIfStillValid(ProcessId(id), workspace).has_value()) << id;
  }
  EXPECT_EQ(accepted.SizeForTest(), 0u);
}

TEST(AcceptedScripts, KeepsNoMoreTablesThanItsBudget) {
  FakeWorkspace workspace;
  auto [script, answers] = Accept(workspace);
  // A script of a third of the budget in tables.
  std::vector<std::string>& tables = script.sources[0].selections[0].tables;
  while (tables.size() < AcceptedScripts::kMaxTables / 3) {
    tables.push_back("t" + std::to_string(tables.size()));
  }
  AcceptedScripts accepted;
  for (int64_t id = 1; id <= 4; ++id) accepted.Put(ProcessId(id), script, answers);
  EXPECT_EQ(accepted.SizeForTest(), 3u);  // the oldest made room for the fourth
  EXPECT_FALSE(accepted.TakeIfStillValid(ProcessId(1), workspace).has_value());
  EXPECT_TRUE(accepted.TakeIfStillValid(ProcessId(4), workspace).has_value());

  // One larger than the whole budget is not kept, and pushes nothing out.
  while (tables.size() <= AcceptedScripts::kMaxTables) {
    tables.push_back("t" + std::to_string(tables.size()));
  }
  accepted.Put(ProcessId(5), script, answers);
  EXPECT_EQ(accepted.SizeForTest(), 2u);
  EXPECT_FALSE(accepted.TakeIfStillValid(ProcessId(5), workspace).has_value());
  EXPECT_TRUE(accepted.TakeIfStillValid(ProcessId(2), workspace).has_value());
}

}  // namespace
}  // namespace disync::jobs
