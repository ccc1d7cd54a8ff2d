// DisyncdProcess: one disyncd under measurement, started by a benchmark in a
// fresh temporary data directory with a root key the benchmark chose, on a
// port the kernel picks. Knows what a benchmark asks of the process from the
// outside: its endpoint, start-up time, resident and peak memory (from
// /proc/PID/status), `disyncd admin` commands on its data directory, and a
// clean stop. The process's log goes to a file in the data directory.
//
// Also here: the few other helpers the benchmarks share (a child process run
// to completion, the test MariaDB's coordinates).
//
// Not thread-safe: one owner drives it.
#ifndef DISYNC_BENCH_DISYNCD_PROCESS_H_
#define DISYNC_BENCH_DISYNCD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "tools/cli/client.h"
#include "tools/cli/signing.h"

namespace disync::bench {

// Runs `argv` to completion and returns its standard output; a non-zero exit
// is an Error carrying its standard error.
Result<std::string> RunCommand(const std::vector<std::string>& argv);

// Resident set size of a process, in KiB, from /proc/PID/status.
struct MemoryUse {
  long rss_kib = 0;       // VmRSS
  long peak_rss_kib = 0;  // VmHWM: the high-water mark since start or reset
};
Result<MemoryUse> ReadMemoryUse(pid_t pid);
// VmRSS of `pid` and its direct children together (nginx's master and
// workers), in KiB.
Result<long> ReadTreeRssKib(pid_t pid);
// Sets VmHWM back to the current RSS (writes "5" to /proc/PID/clear_refs).
Result<void> ResetPeakMemory(pid_t pid);
// CPU time a process has used so far, all its threads, user and system, in
// seconds (utime + stime of /proc/PID/stat).
Result<double> ReadCpuSeconds(pid_t pid);

// The MariaDB the test scripts start (DISYNC_TEST_MYSQL_*), or nullopt.
struct MysqlServer {
  std::string host;
  unsigned port = 3306;
  std::string user;
  std::string password;
};
std::optional<MysqlServer> MysqlServerFromEnv();
// What a benchmark that needs the MariaDB exits with when it is not named:
// 77 (CTest's "skipped") outside CI, 1 in CI. Prints why.
int NoMysqlExitCode(const char* program);

class DisyncdProcess {
 public:
  struct Options {
    std::string binary;                  // path of disyncd
    std::vector<std::string> extra_args;  // appended to --listen/--data-dir
    // Runs `disyncd admin --data-dir DIR <each>` before the server starts,
    // in order (e.g. {"create-project", "--name", "bench"}); their outputs are
    // in admin_output().
    std::vector<std::vector<std::string>> admin_before_start;
  };

  // Starts disyncd and returns once /healthz answers 200 (deadline 30 s).
  static Result<std::unique_ptr<DisyncdProcess>> Start(Options options);
  // Stops the process (SIGKILL if Stop was not called) and removes its data
  // directory, unless DISYNC_BENCH_KEEP_DATA is set (then prints its path).
  ~DisyncdProcess();
  DisyncdProcess(const DisyncdProcess&) = delete;
  DisyncdProcess& operator=(const DisyncdProcess&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& endpoint() const { return endpoint_; }  // http://127.0.0.1:PORT
  const std::string& host() const { return host_; }          // 127.0.0.1:PORT
  const std::string& address() const { return address_; }    // 127.0.0.1
  unsigned port() const { return port_; }
  const cli::Credentials& root() const { return root_; }
  const std::vector<std::string>& admin_output() const { return admin_output_; }
  // From spawn to the first 200 of /healthz.
  std::chrono::nanoseconds startup_time() const { return startup_time_; }

  Result<MemoryUse> Memory() const { return ReadMemoryUse(pid_); }
  Result<double> CpuSeconds() const { return ReadCpuSeconds(pid_); }
  // Everything the process has logged so far.
  std::string Log() const;

  // SIGTERM, then waits for the exit (deadline 60 s). Returns how long the
  // stop took; an Error when the exit status is not 0.
  Result<std::chrono::nanoseconds> Stop();

 private:
  DisyncdProcess() = default;

  std::string data_dir_;
  pid_t pid_ = -1;
  std::string endpoint_, host_, address_;
  unsigned port_ = 0;
  cli::Credentials root_;
  std::vector<std::string> admin_output_;
  std::chrono::nanoseconds startup_time_{0};
};

// The resource group every benchmark workspace has.
inline constexpr char kBenchResourceGroup[] = "S_res_group_bench";

// A disyncd with one workspace ("bench", id in `project`) and the resource
// group kBenchResourceGroup, and a client signed with its root key.
struct BenchDisyncd {
  std::unique_ptr<DisyncdProcess> process;
  std::unique_ptr<cli::ApiClient> client;
  std::string project;
};
// `client_options` gives timeouts and limits; endpoint and credentials are
// filled in.
Result<BenchDisyncd> StartBenchDisyncd(const std::string& binary,
                                       std::vector<std::string> extra_args,
                                       cli::ClientOptions client_options = {});

// One POST call; an HTTP error answer is an Error naming its Code and Message.
Result<cli::ApiResponse> CallOk(cli::ApiClient& client, const std::string& action,
                                openapi::ParamMap params);

}  // namespace disync::bench

#endif  // DISYNC_BENCH_DISYNCD_PROCESS_H_
