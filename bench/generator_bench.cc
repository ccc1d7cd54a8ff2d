// disync-bench-generator: the TaskContent generator alone (di/generator.h),
// without a source database or the server: N tables of 20 columns of mixed
// MySQL types, rendered for Hologres. The baseline, measured in the same run,
// is nlohmann::json parsing the very TaskContent rendered (the same bytes
// through the same JSON library); the ratio is render time / parse time.
//
// Also the script's parse (di::ParseRealtimeScript: JSON, schema and
// semantic checks) of the TaskParam gen_scale sends for N tables, against
// nlohmann::json parsing the same text: disyncd parses a script when it
// accepts it, before discovery (and its worker again if the workspace
// changed meanwhile, jobs/accepted_scripts.h).
//
// Used to profile the generator (callgrind counts its instructions
// repeatably: bench/README.md). Prints two rows of the benchmark table per
// size.
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/report.h"
#include "bench/task_param.h"
#include "di/generator.h"
#include "di/realtime_script.h"

namespace disync::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct TypeSample {
  const char* data_type;
  const char* column_type;
};

// The column types of gen_scale's tables, as information_schema reports them.
constexpr TypeSample kTypes[] = {
    {"int", "int(11)"},         {"varchar", "varchar(64)"},   {"decimal", "decimal(12,2)"},
    {"datetime", "datetime(3)"}, {"text", "text"},             {"double", "double"},
    {"tinyint", "tinyint(1)"},  {"date", "date"},             {"varchar", "varchar(32)"},
    {"char", "char(8)"},        {"bigint", "bigint(20) unsigned"}, {"timestamp", "timestamp"},
    {"blob", "blob"},           {"smallint", "smallint(5) unsigned"}, {"enum", "enum('a','b')"},
    {"float", "float"},         {"varchar", "varchar(255)"},  {"time", "time"},
    {"bit", "bit(1)"}};

TableSchema MakeTable(const std::string& database, const std::string& name) {
  TableSchema table;
  table.database = database;
  table.name = name;
  table.primary_key = {"id"};
  ColumnSchema id;
  id.name = "id";
  id.ordinal = 1;
  id.data_type = "bigint";
  id.column_type = "bigint(20)";
  id.nullable = false;
  id.numeric_precision = 19;
  id.numeric_scale = 0;
  table.columns.push_back(id);
  int ordinal = 2;
  for (const TypeSample& type : kTypes) {
    ColumnSchema column;
    column.name = fmt::format("c{:02}", ordinal - 1);
    column.ordinal = ordinal++;
    column.data_type = type.data_type;
    column.column_type = type.column_type;
    if (column.data_type == "varchar" || column.data_type == "char") column.char_max_length = 64;
    if (column.data_type == "decimal") {
      column.numeric_precision = 12;
      column.numeric_scale = 2;
    }
    if (column.data_type == "varchar" && column.column_type == "varchar(255)") {
      column.comment = "free text";
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

struct Input {
  di::RealtimeScript script;
  std::vector<di::SourceSchema> schemas;
};

Input MakeInput(int tables, int databases) {
  Input input;
  input.script.resource_group = "S_res_group_bench";
  input.script.name = "bench";
  input.script.solution = di::SolutionType::kHolo;
  input.script.reader_step_type = "mysql";
  input.script.writer_step_type = std::string(di::WriterStepType(di::SolutionType::kHolo));
  input.script.writer_datasource = kBenchTargetDatasource;
  di::SourceConnection source{kBenchSourceDatasource, "mysql", {}};
  input.schemas.push_back({kBenchSourceDatasource, {}});
  for (int d = 0; d < databases; ++d) source.selections.push_back({fmt::format("db_{}", d), {}});
  for (int t = 0; t < tables; ++t) {
    auto& selection = source.selections[static_cast<size_t>(t % databases)];
    std::string name = fmt::format("t{:06}", t);
    input.schemas.back().tables.push_back(MakeTable(selection.database, name));
    selection.tables.push_back(std::move(name));
  }
  input.script.sources.push_back(std::move(source));
  return input;
}

// The references of the benchmarks' workspace (bench/task_param.h).
class BenchReferences : public di::ScriptReferences {
 public:
  std::optional<std::string> DataSourceType(const std::string& name) const override {
    if (name == kBenchSourceDatasource) return "mysql";
    if (name == kBenchTargetDatasource) return "holo";
    return std::nullopt;
  }
  bool ResourceGroupExists(const std::string& identifier) const override {
    return identifier == kBenchResourceGroup;
  }
};

std::string TaskParamOf(const Input& input, int tables) {
  std::vector<std::string> databases;
  std::vector<std::vector<std::string>> tables_of;
  for (const di::TableSelection& selection : input.script.sources.front().selections) {
    databases.push_back(selection.database);
    tables_of.push_back(selection.tables);
  }
  return OneclickToHoloTaskParam(fmt::format("bench_{}", tables), databases, tables_of);
}

template <typename Fn>
double BestSeconds(int repeat, Fn&& fn) {
  double best = 0;
  for (int i = 0; i < repeat; ++i) {
    const auto started = Clock::now();
    fn();
    const double s = std::chrono::duration<double>(Clock::now() - started).count();
    if (i == 0 || s < best) best = s;
  }
  return best;
}

int Main(int argc, char** argv) {
  CLI::App app{"disync-bench-generator: render TaskContents of N tables; baseline: parse them"};
  std::vector<int> sizes = {1000, 10000};
  int repeat = 3;
  app.add_option("--tables", sizes, "Numbers of tables")->delimiter(',')->capture_default_str();
  app.add_option("--repeat", repeat, "Runs per size; the fastest counts")->check(CLI::Range(1, 100));
  CLI11_PARSE(app, argc, argv);

  Report report;
  for (int n : sizes) {
    const Input input = MakeInput(n, std::max(1, n / 1000));
    std::string content;
    const double render = BestSeconds(repeat, [&] {
      auto rendered = di::GenerateTaskContent(input.script, input.schemas, di::GeneratorOptions{});
      if (!rendered.ok()) {
        std::cerr << "generator: " << rendered.error().message() << "\n";
        std::exit(1);
      }
      content = std::move(rendered).value();
    });
    size_t keys = 0;
    const double parse = BestSeconds(repeat, [&] {
      keys = nlohmann::ordered_json::parse(content).size();
    });
    if (keys == 0) return 1;
    report.Add({"generator", fmt::format("{} tables x 20 cols, render for holo", n),
                fmt::format("{:.3f} s ({:.0f} MB/s)", render,
                            static_cast<double>(content.size()) / 1e6 / render),
                fmt::format("{:.3f} s (nlohmann parse of it)", parse),
                fmt::format("{:.2f}", render / parse),
                fmt::format("TaskContent {:.1f} MB", static_cast<double>(content.size()) / 1e6)});

    const std::string task_param = TaskParamOf(input, n);
    const BenchReferences references;
    size_t tables_parsed = 0;
    const double check = BestSeconds(repeat, [&] {
      auto script = di::ParseRealtimeScript(task_param, references);
      if (!script.ok()) {
        std::cerr << "script: " << script.error().message() << "\n";
        std::exit(1);
      }
      tables_parsed = 0;
      for (const di::TableSelection& s : script->sources.front().selections) {
        tables_parsed += s.tables.size();
      }
    });
    if (tables_parsed != static_cast<size_t>(n)) return 1;
    const double json =
        BestSeconds(repeat, [&] { keys = nlohmann::json::parse(task_param).size(); });
    report.Add({"generator", fmt::format("{} tables, parse and check the script", n),
                fmt::format("{:.4f} s", check),
                fmt::format("{:.4f} s (nlohmann parse of it)", json),
                fmt::format("{:.2f}", check / json),
                fmt::format("TaskParam {:.2f} MB", static_cast<double>(task_param.size()) / 1e6)});
  }
  report.Print(std::cout);
  return 0;
}

}  // namespace
}  // namespace disync::bench

int main(int argc, char** argv) { return disync::bench::Main(argc, argv); }
