// disync-bench-api-load: how many QueryDISyncTaskConfigProcessResult requests
// disyncd serves, against how many requests this machine serves at all.
//
// Starts a disyncd, lets it generate the TaskContent of one 20-column table
// of the test MariaDB (DISYNC_TEST_MYSQL_*), then, for each connection count
// (--connections 1,4,16,64), drives it with correctly signed ACS3 GET
// requests (a fresh nonce and timestamp each) for that process, measuring
// req/s and p50/p99 latency (load_engine.h). In the same run the same load,
// the same requests, goes to nginx serving a static JSON body of the size of
// disyncd's answer: the ceiling of this machine. The ratio is disyncd's req/s
// over nginx's. Each server's time is split into rounds (--rounds), taken in
// turns with the other's, and each server's best round counts: a slow spell
// of the machine then has to outlast every round of one server to move the
// ratio, as gen_scale's best of interleaved runs does.
#include <chrono>
#include <iostream>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "bench/disyncd_process.h"
#include "bench/load_engine.h"
#include "bench/mysql_client.h"
#include "bench/nginx.h"
#include "bench/report.h"
#include "bench/task_param.h"
#include "common/random.h"
#include "tools/cli/client.h"
#include "tools/cli/signing.h"

namespace disync::bench {
namespace {

using Json = nlohmann::json;

constexpr char kDatabase[] = "disync_bench_api";

// Creates the source table and the data sources, generates, and returns the
// finished process's id.
Result<std::string> PrepareProcess(const MysqlServer& server, cli::ApiClient& client,
                                   const std::string& project) {
  DISYNC_ASSIGN_OR_RETURN(MysqlPtr m, ConnectMysql(server, Statements::kMany));
  DISYNC_RETURN_IF_ERROR(ExecMysql(
      m.get(), fmt::format("CREATE DATABASE IF NOT EXISTS {0}; CREATE TABLE IF NOT EXISTS {0}.orders ("
                           "id BIGINT NOT NULL PRIMARY KEY, customer INT NOT NULL, "
                           "name VARCHAR(64), amount DECIMAL(12,2), created DATETIME(3), note TEXT, "
                           "score DOUBLE, flag TINYINT(1), day DATE, code CHAR(8), "
                           "big BIGINT UNSIGNED, changed TIMESTAMP NULL, payload BLOB, "
                           "small SMALLINT UNSIGNED, kind ENUM('a','b'), ratio FLOAT, "
                           "remark VARCHAR(255) COMMENT 'free text', at TIME, bit1 BIT(1), "
                           "doc JSON)",
                           kDatabase)));
  DISYNC_RETURN_IF_ERROR(CreateBenchDataSources(client, project, server, kDatabase));
  const std::string script = OneclickToHoloTaskParam("bench_load", {kDatabase}, {{"orders"}});
  DISYNC_ASSIGN_OR_RETURN(
      cli::ApiResponse generated,
      CallOk(client, "GenerateDISyncTaskConfigForCreating",
             {{"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"TaskParam", script}}));
  const std::string id = std::to_string(generated.body["Data"]["ProcessId"].get<int64_t>());
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  for (;;) {
    DISYNC_ASSIGN_OR_RETURN(
        cli::ApiResponse answer,
        CallOk(client, "QueryDISyncTaskConfigProcessResult",
               {{"ProjectId", project}, {"TaskType", "DI_REALTIME"}, {"AsyncProcessId", id}}));
    const std::string status = answer.body["Data"].value("Status", "");
    if (status == "success") return id;
    if (status != "running") {
      return Error::Unavailable("generation ended " + status + ": " + answer.body.dump());
    }
    if (std::chrono::steady_clock::now() > until) return Error::Unavailable("no result in 60 s");
    std::this_thread::sleep_for(std::chrono::milliseconds(10));  // the polling interval
  }
}

std::string Describe(const LoadStats& s) {
  return fmt::format("{:.0f} req/s, p50 {:.2f} ms, p99 {:.2f} ms", s.requests_per_second, s.p50_ms,
                     s.p99_ms);
}

int Main(int argc, char** argv) {
  CLI::App app{"disync-bench-api-load: signed Query requests per second vs nginx"};
  std::string disyncd_binary = "build/bin/disyncd";
  std::string nginx_binary = kDefaultNginxBinary;
  std::vector<int> connections = {1, 4, 16, 64};
  double seconds = 3;
  double warmup_seconds = 0.5;
  int rounds = 3;
  std::vector<std::string> disyncd_args;
  app.add_option("--disyncd", disyncd_binary, "disyncd binary")->capture_default_str();
  app.add_option("--nginx", nginx_binary, "nginx binary")->capture_default_str();
  app.add_option("--connections", connections, "Connection counts")
      ->delimiter(',')
      ->capture_default_str();
  app.add_option("--seconds", seconds, "Measured seconds per connection count and server")
      ->capture_default_str();
  app.add_option("--warmup-seconds", warmup_seconds, "Unmeasured seconds before each round")
      ->capture_default_str();
  app.add_option("--rounds", rounds,
                 "Rounds the measured seconds are split into, servers in turns; the best counts")
      ->check(CLI::Range(1, 20))
      ->capture_default_str();
  app.add_option("--disyncd-arg", disyncd_args, "An extra disyncd argument (repeat it)");
  CLI11_PARSE(app, argc, argv);

  auto fail = [](const Error& e) {
    std::cerr << "api_load: " << e.message() << "\n";
    return 1;
  };
  auto server = MysqlServerFromEnv();
  if (!server) return NoMysqlExitCode("api_load");
  curl_global_init(CURL_GLOBAL_DEFAULT);

  auto bench = StartBenchDisyncd(disyncd_binary, disyncd_args);
  if (!bench.ok()) return fail(bench.error());
  DisyncdProcess& disyncd = *bench->process;
  cli::ApiClient& client = *bench->client;
  const std::string& project = bench->project;
  auto process = PrepareProcess(*server, client, project);
  if (!process.ok()) return fail(process.error());

  const cli::ApiCall query{"QueryDISyncTaskConfigProcessResult",
                           {{"ProjectId", project},
                            {"TaskType", "DI_REALTIME"},
                            {"AsyncProcessId", *process}},
                           cli::HttpMethod::kGet};
  // The body nginx serves: disyncd's answer to this very request.
  auto sample = CallOk(client, query.action, query.params);
  if (!sample.ok()) return fail(sample.error());
  auto nginx = Nginx::Start(nginx_binary, sample->body.dump(), "application/json", 1);
  if (!nginx.ok()) return fail(nginx.error());

  const cli::Credentials credentials = disyncd.root();
  auto factory_for = [&](std::string host) -> RequestFactory {
    return [&, host] {
      auto signed_request =
          cli::SignRequest(query, host, credentials, cli::SignatureVersion::kAcs3,
                           std::chrono::system_clock::now(), RandomHex(16));
      LoadRequest request;
      if (!signed_request.ok()) return request;  // an empty method: the engine reports it
      request.method = signed_request->method;
      request.target = signed_request->target;
      for (const auto& [name, value] : signed_request->headers) request.headers.emplace_back(name, value);
      request.body = signed_request->body;
      return request;
    };
  };

  Report report;
  for (int n : connections) {
    LoadOptions load;
    load.host = "127.0.0.1";
    load.connections = n;
    load.warmup = std::chrono::milliseconds(static_cast<int64_t>(warmup_seconds * 1000));
    load.duration = std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000 / rounds));

    // Each server's best round, and the errors of all its rounds.
    std::optional<LoadStats> ours, ceiling;
    uint64_t our_errors = 0, ceiling_errors = 0;
    for (int round = 0; round < rounds; ++round) {
      load.port = static_cast<uint16_t>(disyncd.port());
      auto our_round = RunLoad(load, factory_for(disyncd.host()));
      if (!our_round.ok()) return fail(our_round.error());
      if (our_round->errors > 0 || our_round->requests == 0) {
        return fail(Error::Internal(fmt::format("disyncd: {} errors, {} requests; first: {}",
                                                our_round->errors, our_round->requests,
                                                our_round->first_error)));
      }
      our_errors += our_round->errors;
      if (!ours || our_round->requests_per_second > ours->requests_per_second) ours = *our_round;
      load.port = (*nginx)->port();
      auto nginx_round = RunLoad(load, factory_for(fmt::format("127.0.0.1:{}", (*nginx)->port())));
      if (!nginx_round.ok()) return fail(nginx_round.error());
      ceiling_errors += nginx_round->errors;
      if (!ceiling || nginx_round->requests_per_second > ceiling->requests_per_second) {
        ceiling = *nginx_round;
      }
    }
    report.Add({"api_load", fmt::format("Query, {} connection{}", n, n == 1 ? "" : "s"),
                Describe(*ours), "nginx " + Describe(*ceiling),
                fmt::format("{:.2f}", ours->requests_per_second / ceiling->requests_per_second),
                fmt::format("body {} B (nginx {} B); errors {}/{}; best of {} rounds",
                            ours->response_body_bytes, ceiling->response_body_bytes, our_errors,
                            ceiling_errors, rounds)});
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
