// The child processes of the benchmarks (disyncd, its admin commands,
// nginx): spawned with posix_spawn, stdin from /dev/null, output to files,
// default signal dispositions and mask, no inherited descriptors beyond the
// three; waited for with deadlines. Also the two file helpers their logs
// need. Thread-compatible.
#ifndef DISYNC_BENCH_CHILD_PROCESS_H_
#define DISYNC_BENCH_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"

namespace disync::bench {

enum class ProcessGroup { kInherit, kOwn };

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the path of the program
  std::string stdout_path;        // created or truncated, mode 0600
  std::string stderr_path;        // "" = the same file as stdout
  std::vector<std::string> extra_env;  // NAME=value, added to this process's environment
  // kOwn: the child leads a new process group, so that kill(-pid) reaches
  // its own children too (nginx's workers).
  ProcessGroup group = ProcessGroup::kInherit;
};

// kUnavailable when the program cannot be started.
Result<pid_t> SpawnChild(const SpawnOptions& options);

// Waits for `pid` until `deadline` passes, polling; its wait status, or
// nullopt while it still runs (-1 when waitpid fails).
std::optional<int> WaitChild(pid_t pid, std::chrono::steady_clock::duration deadline);

// "exited with code N", "killed by signal N".
std::string DescribeExit(int status);

// The whole file, or "" when it cannot be read.
std::string ReadFileText(const std::string& path);
// The last `bytes` of `text`, marked with "..." when cut.
std::string TailOf(const std::string& text, size_t bytes = 2000);

}  // namespace disync::bench

#endif  // DISYNC_BENCH_CHILD_PROCESS_H_
