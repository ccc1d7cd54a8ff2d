// disync-bench-footprint: what an idle disyncd costs the machine, against
// what nginx, a static file server, costs it, measured in the same run.
//
//   start-up: from spawning the process to the first 200 of /healthz
//             (disyncd: a fresh data directory, so it creates its store and
//             root key; nginx: one worker, polled until it accepts and has
//             written its pid file), the median of --runs starts;
//   idle RSS: resident memory after start-up and one signed request
//             (disyncd), or of master and worker together (nginx);
//   stop:     disyncd's clean stop on SIGTERM.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <curl/curl.h>
#include <fmt/format.h>

#include "bench/disyncd_process.h"
#include "bench/nginx.h"
#include "bench/report.h"
#include "tools/cli/client.h"

namespace disync::bench {
namespace {

using Clock = std::chrono::steady_clock;

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double Ms(std::chrono::nanoseconds d) { return std::chrono::duration<double, std::milli>(d).count(); }

int Main(int argc, char** argv) {
  CLI::App app{"disync-bench-footprint: start-up time and idle memory, vs nginx"};
  std::string disyncd_binary = "build/bin/disyncd";
  std::string nginx_binary = kDefaultNginxBinary;
  int runs = 5;
  app.add_option("--disyncd", disyncd_binary, "disyncd binary")->capture_default_str();
  app.add_option("--nginx", nginx_binary, "nginx binary")->capture_default_str();
  app.add_option("--runs", runs, "Starts of each; the median counts")
      ->check(CLI::Range(1, 100))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  auto fail = [](const Error& e) {
    std::cerr << "footprint: " << e.message() << "\n";
    return 1;
  };

  std::vector<double> disyncd_start_ms, disyncd_rss_mb, disyncd_stop_ms, nginx_start_ms,
      nginx_rss_mb;
  for (int i = 0; i < runs; ++i) {
    auto disyncd = DisyncdProcess::Start({disyncd_binary, {}, {}});
    if (!disyncd.ok()) return fail(disyncd.error());
    disyncd_start_ms.push_back(Ms((*disyncd)->startup_time()));
    cli::ClientOptions options;
    options.endpoint = (*disyncd)->endpoint();
    options.credentials = (*disyncd)->root();
    auto client = cli::ApiClient::Create(options);
    if (!client.ok()) return fail(client.error());
    auto listed = (*client)->Call({"ListProjects", {}, cli::HttpMethod::kPost});
    if (!listed.ok()) return fail(listed.error());
    if (!listed->ok()) return fail(Error::Internal("ListProjects: " + listed->Code()));
    auto memory = (*disyncd)->Memory();
    if (!memory.ok()) return fail(memory.error());
    disyncd_rss_mb.push_back(static_cast<double>(memory->rss_kib) / 1024.0);
    auto stopped = (*disyncd)->Stop();
    if (!stopped.ok()) return fail(stopped.error());
    disyncd_stop_ms.push_back(Ms(*stopped));

    const auto started = Clock::now();
    auto nginx = Nginx::Start(nginx_binary, "{}", "application/json", 1);
    if (!nginx.ok()) return fail(nginx.error());
    nginx_start_ms.push_back(Ms(Clock::now() - started));
    auto rss = ReadTreeRssKib((*nginx)->pid());
    if (!rss.ok()) return fail(rss.error());
    nginx_rss_mb.push_back(static_cast<double>(*rss) / 1024.0);
  }

  Report report;
  const double start = Median(disyncd_start_ms), nginx_start = Median(nginx_start_ms);
  report.Add({"footprint", fmt::format("start-up to first /healthz 200 (median of {})", runs),
              fmt::format("{:.1f} ms", start), fmt::format("nginx {:.1f} ms", nginx_start),
              fmt::format("{:.2f}", start / nginx_start),
              fmt::format("fresh data directory; clean stop on SIGTERM {:.1f} ms",
                          Median(disyncd_stop_ms))});
  const double rss = Median(disyncd_rss_mb), nginx_rss = Median(nginx_rss_mb);
  report.Add({"footprint", "idle RSS after one request", fmt::format("{:.1f} MB", rss),
              fmt::format("nginx {:.1f} MB (master + 1 worker)", nginx_rss),
              fmt::format("{:.2f}", rss / nginx_rss), "disyncd with its default threads"});
  report.Print(std::cout);
  curl_global_cleanup();
  return 0;
}

}  // namespace
}  // namespace disync::bench

int main(int argc, char** argv) { return disync::bench::Main(argc, argv); }
