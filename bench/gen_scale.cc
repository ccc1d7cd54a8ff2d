// disync-bench-gen-scale: how long disyncd takes to plan a sync of a large
// MySQL catalog, against how long MariaDB takes to hand over that catalog's
// metadata at all.
//
// For each size N (--tables 1000,10000): creates (once; kept for later runs)
// N tables of 20 columns of mixed types spread over several databases of the
// test MariaDB (DISYNC_TEST_MYSQL_*), then measures in one run
//   (a) baseline: one SELECT of those tables' columns from
//       information_schema.COLUMNS through libmariadb, every row fetched;
//   (b) disync: GenerateDISyncTaskConfigForCreating of a oneclick_to_holo
//       script selecting all N tables, then QueryDISyncTaskConfigProcessResult
//       every 10 ms until success, the answer with the TaskContent received
//       (this client's parsing of it is reported apart).
// Prints wall times, the ratio b/a, the TaskContent's size, disyncd's CPU and
// peak RSS during (b), and, when MariaDB runs on this machine, its CPU during
// (a) and (b), as rows of the benchmark table (bench/README.md).
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/disyncd_process.h"
#include "bench/mysql_client.h"
#include "bench/report.h"
#include "bench/task_param.h"
#include "tools/cli/client.h"

namespace disync::bench {
namespace {

using Clock = std::chrono::steady_clock;
using Json = nlohmann::json;

constexpr int kColumns = 20;
constexpr char kMetaDatabase[] = "disync_bench_meta";

// The 19 columns after the key: the common MySQL types and a comment. Every
// tenth table of each database has a JSON column in place of c09 (on MariaDB
// a LONGTEXT with a CHECK constraint, which costs discovery a table open
// each: see bench/README.md). Catalogs of version 2 had all of them in the
// first database.
constexpr int kJsonEvery = 10;
constexpr int kJsonColumn = 8;
constexpr const char* kColumnTypes[kColumns - 1] = {
    "INT NOT NULL",        "VARCHAR(64)",       "DECIMAL(12,2)",   "DATETIME(3)",
    "TEXT",                "DOUBLE",            "TINYINT(1)",      "DATE",
    "VARCHAR(32)",         "CHAR(8)",           "BIGINT UNSIGNED", "TIMESTAMP NULL",
    "BLOB",                "SMALLINT UNSIGNED", "ENUM('a','b')",   "FLOAT",
    "VARCHAR(255) COMMENT 'free text'", "TIME", "BIT(1)"};

struct Catalog {
  int tables = 0;
  std::vector<std::string> databases;
  std::vector<std::vector<std::string>> tables_of;  // per database
};

int DefaultDatabases(int tables) { return std::clamp(tables / 1000, 2, 100); }

// The databases of N tables spread the default way are named
// disync_bench_v3_n<N>_<i>; over another number D of them,
// disync_bench_v3_n<N>_of<D>_<i>, so that neither catalog replaces the
// other's databases.
Catalog Plan(int tables, int databases) {
  Catalog c;
  c.tables = tables;
  c.tables_of.resize(static_cast<size_t>(databases));
  const std::string prefix = databases == DefaultDatabases(tables)
                                 ? fmt::format("disync_bench_v3_n{}", tables)
                                 : fmt::format("disync_bench_v3_n{}_of{}", tables, databases);
  for (int d = 0; d < databases; ++d) c.databases.push_back(fmt::format("{}_{}", prefix, d));
  for (int t = 0; t < tables; ++t) {
    c.tables_of[static_cast<size_t>(t % databases)].push_back(fmt::format("t{:06}", t));
  }
  return c;
}

std::string CreateTableSql(const std::string& database, const std::string& table, bool with_json) {
  std::string sql = fmt::format("CREATE TABLE `{}`.`{}` (id BIGINT NOT NULL PRIMARY KEY", database,
                                table);
  for (int i = 0; i < kColumns - 1; ++i) {
    sql += fmt::format(", c{:02} {}", i + 1,
                       with_json && i == kJsonColumn ? "JSON" : kColumnTypes[i]);
  }
  sql += ") ENGINE=InnoDB";
  return sql;
}

// Creates the catalog unless a previous run completed it (a row in
// disync_bench_meta.catalogs). Two connections work in parallel.
Result<void> EnsureCatalog(const MysqlServer& server, const Catalog& catalog) {
  DISYNC_ASSIGN_OR_RETURN(MysqlPtr m, ConnectMysql(server, Statements::kMany));
  DISYNC_RETURN_IF_ERROR(ExecMysql(m.get(), fmt::format(
      "CREATE DATABASE IF NOT EXISTS {0}; CREATE TABLE IF NOT EXISTS {0}.catalogs "
      "(first_database VARCHAR(64) PRIMARY KEY, databases_ INT NOT NULL)", kMetaDatabase)));
  DISYNC_ASSIGN_OR_RETURN(long long done,
                          QueryMysqlNumber(m.get(), fmt::format("SELECT COUNT(*) FROM {}.catalogs WHERE "
                                                          "first_database = '{}' AND databases_ = {}",
                                                          kMetaDatabase, catalog.databases.front(),
                                                          catalog.databases.size())));
  if (done > 0) return {};

  const auto started = Clock::now();
  std::cerr << "gen_scale: creating " << catalog.tables << " tables in "
            << catalog.databases.size() << " databases (kept for later runs)..." << std::endl;
  constexpr int kBuilders = 2;
  std::vector<Result<void>> results(kBuilders, Result<void>());
  std::vector<std::thread> builders;
  for (int b = 0; b < kBuilders; ++b) {
    builders.emplace_back([&, b] {
      auto conn = ConnectMysql(server, Statements::kMany);
      if (!conn.ok()) {
        results[static_cast<size_t>(b)] = conn.error();
        return;
      }
      for (size_t d = static_cast<size_t>(b); d < catalog.databases.size(); d += kBuilders) {
        const std::string& db = catalog.databases[d];
        auto r = ExecMysql(conn->get(), fmt::format("DROP DATABASE IF EXISTS `{0}`; CREATE DATABASE `{0}`",
                                               db));
        std::string batch;
        int in_batch = 0;
        for (size_t t = 0; t < catalog.tables_of[d].size(); ++t) {
          if (!r.ok()) break;
          batch += CreateTableSql(db, catalog.tables_of[d][t], t % kJsonEvery == 0) + ";";
          if (++in_batch == 50) {
            r = ExecMysql(conn->get(), batch);
            batch.clear();
            in_batch = 0;
          }
        }
        if (r.ok() && !batch.empty()) r = ExecMysql(conn->get(), batch);
        if (!r.ok()) {
          results[static_cast<size_t>(b)] = r;
          return;
        }
      }
    });
  }
  for (auto& t : builders) t.join();
  for (auto& r : results) DISYNC_RETURN_IF_ERROR(r);
  DISYNC_RETURN_IF_ERROR(ExecMysql(m.get(), fmt::format("REPLACE INTO {}.catalogs VALUES ('{}', {})",
                                                   kMetaDatabase, catalog.databases.front(),
                                                   catalog.databases.size())));
  std::cerr << "gen_scale: created in "
            << std::chrono::duration<double>(Clock::now() - started).count() << " s" << std::endl;
  return {};
}

// The process of the MariaDB server when it runs on this machine (a
// loopback address and a pid file this user can read, as the test servers
// have), so that its CPU can be told beside disyncd's; nullopt otherwise.
std::optional<pid_t> LocalServerPid(const MysqlServer& server) {
  if (server.host != "127.0.0.1" && server.host != "localhost" && server.host != "::1") {
    return std::nullopt;
  }
  auto m = ConnectMysql(server);
  if (!m.ok()) return std::nullopt;
  auto file = QueryMysqlText(m->get(), "SELECT @@pid_file");
  if (!file.ok()) return std::nullopt;
  std::ifstream in(*file);
  long pid = 0;
  if (!(in >> pid) || pid <= 0 || !ReadCpuSeconds(static_cast<pid_t>(pid)).ok()) {
    return std::nullopt;
  }
  return static_cast<pid_t>(pid);
}

// The CPU the server has used so far, when it can be read.
std::optional<double> ServerCpuSeconds(std::optional<pid_t> pid) {
  if (!pid) return std::nullopt;
  auto seconds = ReadCpuSeconds(*pid);
  return seconds.ok() ? std::optional<double>(*seconds) : std::nullopt;
}

// `after` - `before` when both were read.
std::optional<double> CpuBetween(std::optional<double> before, std::optional<double> after) {
  return before && after ? std::optional<double>(*after - *before) : std::nullopt;
}

struct BaselineResult {
  double seconds = 0;
  long long rows = 0;
  std::optional<double> server_cpu_seconds;  // MariaDB's, when it is local
};

// (a): connect, read every column row of the catalog, disconnect.
Result<BaselineResult> RunBaseline(const MysqlServer& server, const Catalog& catalog,
                                   std::optional<pid_t> server_pid) {
  std::string in;
  for (const std::string& db : catalog.databases) in += (in.empty() ? "'" : ", '") + db + "'";
  const std::string sql =
      "SELECT TABLE_SCHEMA, TABLE_NAME, COLUMN_NAME, ORDINAL_POSITION, DATA_TYPE, COLUMN_TYPE, "
      "IS_NULLABLE, CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, "
      "DATETIME_PRECISION, COLUMN_KEY, COLUMN_COMMENT FROM information_schema.COLUMNS "
      "WHERE TABLE_SCHEMA IN (" + in + ")";
  const std::optional<double> server_cpu_before = ServerCpuSeconds(server_pid);
  const auto started = Clock::now();
  DISYNC_ASSIGN_OR_RETURN(MysqlPtr m, ConnectMysql(server));
  if (mysql_real_query(m.get(), sql.data(), sql.size()) != 0) {
    return Error::Unavailable(std::string("MariaDB: ") + mysql_error(m.get()));
  }
  MYSQL_RES* res = mysql_use_result(m.get());
  if (res == nullptr) return Error::Unavailable(std::string("MariaDB: ") + mysql_error(m.get()));
  BaselineResult result;
  size_t bytes = 0;
  while (MYSQL_ROW row = mysql_fetch_row(res)) {
    ++result.rows;
    bytes += row[2] != nullptr ? std::char_traits<char>::length(row[2]) : 0;
  }
  mysql_free_result(res);
  m.reset();
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  result.server_cpu_seconds = CpuBetween(server_cpu_before, ServerCpuSeconds(server_pid));
  if (bytes == 0) return Error::Internal("the baseline read no columns");
  return result;
}

struct DisyncResult {
  double seconds = 0;
  // disyncd's own split of the generation (its "generation finished" line).
  double discovery_seconds = 0, render_seconds = 0, store_seconds = 0;
  double client_parse_seconds = 0;
  double answer_seconds = 0;  // the successful Query call, asked to received
  size_t answer_bytes = 0;
  size_t task_content_bytes = 0;
  size_t tables_rendered = 0;
  long peak_rss_kib = 0;
  long rss_before_kib = 0;
  double cpu_seconds = 0;  // disyncd's, all threads, from Generate to the answer
  std::optional<double> server_cpu_seconds;  // MariaDB's in that time, when it is local
};

// (b): Generate, then Query every 10 ms until success.
Result<DisyncResult> RunDisync(DisyncdProcess& disyncd, cli::ApiClient& client,
                               const std::string& project, const std::string& task_param,
                               std::optional<pid_t> server_pid) {
  DisyncResult result;
  DISYNC_ASSIGN_OR_RETURN(MemoryUse before, disyncd.Memory());
  result.rss_before_kib = before.rss_kib;
  DISYNC_RETURN_IF_ERROR(ResetPeakMemory(disyncd.pid()));
  DISYNC_ASSIGN_OR_RETURN(const double cpu_before, disyncd.CpuSeconds());
  const std::optional<double> server_cpu_before = ServerCpuSeconds(server_pid);

  const auto started = Clock::now();
  DISYNC_ASSIGN_OR_RETURN(
      cli::ApiResponse generated,
      CallOk(client, "GenerateDISyncTaskConfigForCreating",
             {{"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"TaskParam", task_param}}));
  const Json& data = generated.body["Data"];
  if (!data.contains("ProcessId")) return Error::Internal("no ProcessId: " + generated.body.dump());
  const std::string process_id = std::to_string(data["ProcessId"].get<int64_t>());
  for (;;) {
    const auto asked = Clock::now();
    DISYNC_ASSIGN_OR_RETURN(
        cli::ApiResponse answer,
        CallOk(client, "QueryDISyncTaskConfigProcessResult",
               {{"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"AsyncProcessId", process_id}}));
    const Json& d = answer.body["Data"];
    const std::string status = d.value("Status", "");
    const std::string message = d.value("Message", "");
    if (status == "success") {
      // disyncd's part ends when its answer has arrived; this client's
      // parsing of it (nlohmann, slower than a browser's or Node's
      // JSON.parse) is reported apart.
      result.seconds = std::chrono::duration<double>(answer.received - started).count();
      result.answer_seconds = std::chrono::duration<double>(answer.received - asked).count();
      result.client_parse_seconds =
          std::chrono::duration<double>(Clock::now() - answer.received).count();
      result.answer_bytes = answer.body_bytes;
      const std::string& content = d["TaskContent"].get_ref<const std::string&>();
      result.task_content_bytes = content.size();
      for (size_t at = content.find("\"srcTable\":"); at != std::string::npos;
           at = content.find("\"srcTable\":", at + 1)) {
        ++result.tables_rendered;
      }
      break;
    }
    if (status != "running") return Error::Unavailable("generation ended " + status + ": " + message);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the polling interval
  }
  DISYNC_ASSIGN_OR_RETURN(const double cpu_after, disyncd.CpuSeconds());
  result.cpu_seconds = cpu_after - cpu_before;
  result.server_cpu_seconds = CpuBetween(server_cpu_before, ServerCpuSeconds(server_pid));
  DISYNC_ASSIGN_OR_RETURN(MemoryUse after, disyncd.Memory());
  result.peak_rss_kib = after.peak_rss_kib;
  const std::string log = disyncd.Log();
  const size_t line = log.rfind("generation finished process_id=" + process_id + " ");
  if (line == std::string::npos) return Error::Internal("no 'generation finished' line in the log");
  auto field = [&](const std::string& name) {
    const size_t at = log.find(" " + name + "=", line);
    return at == std::string::npos ? 0.0 : std::atof(log.c_str() + at + name.size() + 2) / 1000.0;
  };
  result.discovery_seconds = field("discovery_ms");
  result.render_seconds = field("render_ms");
  result.store_seconds = field("store_ms");
  return result;
}

int Main(int argc, char** argv) {
  CLI::App app{"disync-bench-gen-scale: plan a sync of N MySQL tables vs reading their metadata"};
  std::string disyncd_binary = "build/bin/disyncd";
  std::vector<int> sizes = {1000, 10000};
  int databases = 0;
  int repeat = 1;
  app.add_option("--disyncd", disyncd_binary, "disyncd binary")->capture_default_str();
  app.add_option("--tables", sizes, "Numbers of tables, e.g. 1000,10000,100000")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--databases", databases, "Databases to spread them over (default N/1000, 2..100)");
  std::vector<std::string> disyncd_args;
  app.add_option("--disyncd-arg", disyncd_args,
                 "An extra disyncd argument (repeat it), e.g. --disyncd-arg=--discovery-connections=4");
  app.add_option("--repeat", repeat, "Runs of (a) and (b) per size; the fastest counts")
      ->check(CLI::Range(1, 20));
  CLI11_PARSE(app, argc, argv);

  auto server = MysqlServerFromEnv();
  if (!server) return NoMysqlExitCode("gen_scale");
  curl_global_init(CURL_GLOBAL_DEFAULT);

  auto fail = [](const Error& e) {
    std::cerr << "gen_scale: " << e.message() << "\n";
    return 1;
  };
  std::vector<std::string> args = {"--max-body-bytes", std::to_string(64 << 20)};
  args.insert(args.end(), disyncd_args.begin(), disyncd_args.end());
  cli::ClientOptions client_options;
  client_options.timeout = std::chrono::minutes(30);
  client_options.max_response_bytes = size_t{16} << 30;
  auto bench = StartBenchDisyncd(disyncd_binary, std::move(args), client_options);
  if (!bench.ok()) return fail(bench.error());
  DisyncdProcess& disyncd = *bench->process;
  cli::ApiClient& client = *bench->client;
  const std::string& project = bench->project;

  // The script names each database; the data source's URL names the one that
  // always exists.
  if (auto created = CreateBenchDataSources(client, project, *server, kMetaDatabase);
      !created.ok()) {
    return fail(created.error());
  }

  const std::optional<pid_t> server_pid = LocalServerPid(*server);
  Report report;
  for (int n : sizes) {
    const Catalog catalog = Plan(n, databases > 0 ? databases : DefaultDatabases(n));
    if (auto r = EnsureCatalog(*server, catalog); !r.ok()) return fail(r.error());
    const std::string task_param = OneclickToHoloTaskParam(fmt::format("bench_{}", catalog.tables),
                                                           catalog.databases, catalog.tables_of);

    // A first baseline read warms MariaDB's caches for both contenders.
    if (auto warm = RunBaseline(*server, catalog, server_pid); !warm.ok()) {
      return fail(warm.error());
    }
    BaselineResult best_a;
    DisyncResult best_b;
    // Each b/a of a baseline and the disync run right after it: how far the
    // machine moved the ratio within this run.
    std::string pair_ratios;
    for (int i = 0; i < repeat; ++i) {
      auto a = RunBaseline(*server, catalog, server_pid);
      if (!a.ok()) return fail(a.error());
      if (a->rows != static_cast<long long>(n) * kColumns) {
        return fail(Error::Internal(fmt::format("baseline read {} rows, expected {}", a->rows,
                                                n * kColumns)));
      }
      if (i == 0 || a->seconds < best_a.seconds) best_a = *a;
      auto b = RunDisync(disyncd, client, project, task_param, server_pid);
      if (!b.ok()) return fail(b.error());
      if (b->tables_rendered != static_cast<size_t>(n)) {
        return fail(Error::Internal(fmt::format("TaskContent holds {} tables, expected {}",
                                                b->tables_rendered, n)));
      }
      if (i == 0 || b->seconds < best_b.seconds) best_b = *b;
      pair_ratios += fmt::format("{}{:.2f}", i == 0 ? "" : " ", b->seconds / a->seconds);
    }
    report.Add(
        {"gen_scale",
         fmt::format("{} tables x {} cols, {} dbs", n, kColumns, catalog.databases.size()),
         fmt::format("{:.3f} s (discovery {:.3f}, render {:.3f}, store {:.3f}, answer {:.3f})",
                     best_b.seconds, best_b.discovery_seconds, best_b.render_seconds,
                     best_b.store_seconds, best_b.answer_seconds),
         fmt::format("{:.3f} s (information_schema)", best_a.seconds),
         fmt::format("{:.2f}", best_b.seconds / best_a.seconds),
         fmt::format("TaskContent {:.1f} MB (answer {:.1f} MB, parsed by this client in "
                     "{:.3f} s more); disyncd CPU {:.2f} s{}; peak RSS {:.0f} MB (before "
                     "{:.0f} MB); TaskParam {:.2f} MB; b/a of each pair: {}",
                     static_cast<double>(best_b.task_content_bytes) / 1e6,
                     static_cast<double>(best_b.answer_bytes) / 1e6, best_b.client_parse_seconds,
                     best_b.cpu_seconds,
                     best_b.server_cpu_seconds && best_a.server_cpu_seconds
                         ? fmt::format(", MariaDB CPU {:.2f} s (baseline {:.2f} s)",
                                       *best_b.server_cpu_seconds, *best_a.server_cpu_seconds)
                         : "",
                     static_cast<double>(best_b.peak_rss_kib) / 1024.0,
                     static_cast<double>(best_b.rss_before_kib) / 1024.0,
                     static_cast<double>(task_param.size()) / 1e6, pair_ratios)});
  }
  auto stopped = disyncd.Stop();
  if (!stopped.ok()) return fail(stopped.error());
  report.Print(std::cout);
  curl_global_cleanup();
  return 0;
}

}  // namespace
}  // namespace disync::bench

int main(int argc, char** argv) { return disync::bench::Main(argc, argv); }
