#include "bench/disyncd_process.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <thread>

#include "bench/child_process.h"
#include "common/random.h"

namespace disync::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartDeadline = std::chrono::seconds(30);
constexpr auto kStopDeadline = std::chrono::seconds(60);
constexpr auto kPollInterval = std::chrono::milliseconds(2);

size_t Discard(char*, size_t size, size_t count, void*) { return size * count; }

// GET /healthz: true on 200.
bool Healthy(const std::string& endpoint) {
  struct Deleter {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
  };
  std::unique_ptr<CURL, Deleter> curl(curl_easy_init());
  if (!curl) return false;
  const std::string url = endpoint + "/healthz";
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 2000L);
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  if (curl_easy_perform(curl.get()) != CURLE_OK) return false;
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  return status == 200;
}

long StatusField(const std::string& status, const std::string& field) {
  const size_t at = status.find(field + ":");
  if (at == std::string::npos) return -1;
  return std::strtol(status.c_str() + at + field.size() + 1, nullptr, 10);
}

}  // namespace

Result<std::string> RunCommand(const std::vector<std::string>& argv) {
  char dir_template[] = "/tmp/disync-bench-cmd.XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return Error::Internal(std::string("mkdtemp: ") + std::strerror(errno));
  const std::string out = std::string(dir) + "/out", err = std::string(dir) + "/err";
  auto pid = SpawnChild({argv, out, err, {}, ProcessGroup::kInherit});
  std::optional<int> status = pid.ok() ? WaitChild(*pid, std::chrono::minutes(10)) : std::nullopt;
  std::string stdout_text = ReadFileText(out), stderr_text = ReadFileText(err);
  std::filesystem::remove_all(dir);
  if (!pid.ok()) return pid.error();
  if (!status) {
    kill(*pid, SIGKILL);
    waitpid(*pid, nullptr, 0);
    return Error::Unavailable(argv[0] + " did not finish within 10 minutes");
  }
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return Error::Unavailable(argv[0] + " failed: " + TailOf(stderr_text));
  }
  return stdout_text;
}

Result<MemoryUse> ReadMemoryUse(pid_t pid) {
  const std::string status = ReadFileText("/proc/" + std::to_string(pid) + "/status");
  MemoryUse use{StatusField(status, "VmRSS"), StatusField(status, "VmHWM")};
  if (use.rss_kib < 0 || use.peak_rss_kib < 0) {
    return Error::Unavailable("no memory figures in /proc/" + std::to_string(pid) + "/status");
  }
  return use;
}

Result<long> ReadTreeRssKib(pid_t pid) {
  DISYNC_ASSIGN_OR_RETURN(MemoryUse root, ReadMemoryUse(pid));
  long total = root.rss_kib;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    const std::string status = ReadFileText(entry.path().string() + "/status");
    if (StatusField(status, "PPid") != pid) continue;
    const long rss = StatusField(status, "VmRSS");
    if (rss > 0) total += rss;
  }
  return total;
}

Result<double> ReadCpuSeconds(pid_t pid) {
  const std::string stat = ReadFileText("/proc/" + std::to_string(pid) + "/stat");
  // The command name (field 2) may hold spaces; the fields after it start
  // past its closing parenthesis: state is field 3, utime 14, stime 15.
  const size_t close = stat.rfind(')');
  if (close == std::string::npos)
    return Error::Unavailable("no /proc/" + std::to_string(pid) + "/stat");
  std::istringstream fields(stat.substr(close + 1));
  std::string field;
  long long utime = -1, stime = -1;
  for (int n = 3; n <= 15 && fields >> field; ++n) {
    if (n == 14) utime = std::atoll(field.c_str());
    if (n == 15) stime = std::atoll(field.c_str());
  }
  if (utime < 0 || stime < 0) {
    return Error::Unavailable("no CPU times in /proc/" + std::to_string(pid) + "/stat");
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

Result<void> ResetPeakMemory(pid_t pid) {
  std::ofstream out("/proc/" + std::to_string(pid) + "/clear_refs");
  out << "5";
  out.flush();
  if (!out) return Error::Unavailable("cannot write /proc/" + std::to_string(pid) + "/clear_refs");
  return {};
}

std::optional<MysqlServer> MysqlServerFromEnv() {
  const char* host = std::getenv("DISYNC_TEST_MYSQL_HOST");
  const char* port = std::getenv("DISYNC_TEST_MYSQL_PORT");
  const char* user = std::getenv("DISYNC_TEST_MYSQL_USER");
  const char* password = std::getenv("DISYNC_TEST_MYSQL_PASSWORD");
  if (host == nullptr || port == nullptr || user == nullptr || password == nullptr) {
    return std::nullopt;
  }
  return MysqlServer{host, static_cast<unsigned>(std::strtoul(port, nullptr, 10)), user,
                     password};
}

int NoMysqlExitCode(const char* program) {
  std::cerr << program
            << ": set DISYNC_TEST_MYSQL_HOST/PORT/USER/PASSWORD (scripts/test-services.sh)\n";
  return std::getenv("CI") != nullptr ? 1 : 77;
}

Result<BenchDisyncd> StartBenchDisyncd(const std::string& binary,
                                       std::vector<std::string> extra_args,
                                       cli::ClientOptions client_options) {
  DisyncdProcess::Options options;
  options.binary = binary;
  options.extra_args = std::move(extra_args);
  options.admin_before_start = {{"create-project", "--name", "bench"},
                                {"create-resource-group", "--identifier", kBenchResourceGroup}};
  BenchDisyncd bench;
  DISYNC_ASSIGN_OR_RETURN(bench.process, DisyncdProcess::Start(std::move(options)));
  bench.project = bench.process->admin_output().front();
  client_options.endpoint = bench.process->endpoint();
  client_options.credentials = bench.process->root();
  DISYNC_ASSIGN_OR_RETURN(bench.client, cli::ApiClient::Create(std::move(client_options)));
  return bench;
}

Result<cli::ApiResponse> CallOk(cli::ApiClient& client, const std::string& action,
                                openapi::ParamMap params) {
  DISYNC_ASSIGN_OR_RETURN(cli::ApiResponse response,
                          client.Call({action, std::move(params), cli::HttpMethod::kPost}));
  if (!response.ok()) {
    return Error::Unavailable(action + " answered " + std::to_string(response.http_status) + " " +
                              response.Code() + ": " + response.Message());
  }
  return response;
}

Result<std::unique_ptr<DisyncdProcess>> DisyncdProcess::Start(Options options) {
  std::unique_ptr<DisyncdProcess> process(new DisyncdProcess());
  char dir_template[] = "/tmp/disync-bench.XXXXXX";
  const char* dir = mkdtemp(dir_template);
  if (dir == nullptr) return Error::Internal(std::string("mkdtemp: ") + std::strerror(errno));
  process->data_dir_ = dir;
  process->root_ = {"LTAIbench" + RandomAlnum(12), RandomAlnum(30)};
  const std::vector<std::string> env = {
      "DISYNC_ROOT_ACCESS_KEY_ID=" + process->root_.access_key_id,
      "DISYNC_ROOT_ACCESS_KEY_SECRET=" + process->root_.access_key_secret};
  const std::string data = process->data_dir_ + "/data";

  for (const auto& admin : options.admin_before_start) {
    std::vector<std::string> argv = {options.binary, "admin", "--data-dir", data};
    argv.insert(argv.end(), admin.begin(), admin.end());
    auto out = RunCommand(argv);
    if (!out.ok()) return out.error();
    std::string text = *out;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    process->admin_output_.push_back(std::move(text));
  }

  std::vector<std::string> argv = {options.binary, "--listen", "127.0.0.1:0", "--data-dir", data};
  argv.insert(argv.end(), options.extra_args.begin(), options.extra_args.end());
  const std::string log = process->data_dir_ + "/disyncd.log";
  const auto started = Clock::now();
  auto pid = SpawnChild({argv, log, log + ".err", env, ProcessGroup::kInherit});
  if (!pid.ok()) return pid.error();
  process->pid_ = *pid;

  static const std::regex kListening(R"(listening on http://([^\s:]+):(\d+))");
  const auto until = started + kStartDeadline;
  for (;;) {
    int status = 0;
    if (waitpid(process->pid_, &status, WNOHANG) == process->pid_) {
      process->pid_ = -1;
      return Error::Unavailable("disyncd exited before it served: " +
                                TailOf(ReadFileText(log) + ReadFileText(log + ".err")));
    }
    if (process->endpoint_.empty()) {
      std::smatch m;
      const std::string text = ReadFileText(log) + ReadFileText(log + ".err");
      if (std::regex_search(text, m, kListening)) {
        process->address_ = m[1];
        process->port_ = static_cast<unsigned>(std::stoul(m[2]));
        process->host_ = process->address_ + ":" + std::to_string(process->port_);
        process->endpoint_ = "http://" + process->host_;
      }
    }
    if (!process->endpoint_.empty() && Healthy(process->endpoint_)) break;
    if (Clock::now() >= until) {
      return Error::Unavailable("disyncd did not answer /healthz within 30 s: " +
                                TailOf(ReadFileText(log) + ReadFileText(log + ".err")));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  process->startup_time_ = Clock::now() - started;
  return process;
}

std::string DisyncdProcess::Log() const {
  const std::string log = data_dir_ + "/disyncd.log";
  return ReadFileText(log) + ReadFileText(log + ".err");
}

Result<std::chrono::nanoseconds> DisyncdProcess::Stop() {
  if (pid_ < 0) return Error::Internal("disyncd is not running");
  const auto started = Clock::now();
  kill(pid_, SIGTERM);
  std::optional<int> status = WaitChild(pid_, kStopDeadline);
  const auto took = Clock::now() - started;
  if (!status) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    pid_ = -1;
    return Error::Unavailable("disyncd did not stop within 60 s of SIGTERM");
  }
  pid_ = -1;
  if (!WIFEXITED(*status) || WEXITSTATUS(*status) != 0) {
    return Error::Unavailable("disyncd exited with status " + std::to_string(*status));
  }
  return std::chrono::duration_cast<std::chrono::nanoseconds>(took);
}

DisyncdProcess::~DisyncdProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  if (!data_dir_.empty() && std::getenv("DISYNC_BENCH_KEEP_DATA") != nullptr) {
    std::cerr << "bench: kept disyncd's data and log in " << data_dir_ << "\n";
  } else if (!data_dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(data_dir_, ignored);
  }
}

}  // namespace disync::bench
