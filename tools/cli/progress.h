// Progress of a generation process on stderr while `sync generate --wait`
// polls: a redrawn progress bar ("tables discovered / total" and the elapsed
// time) when the stream is a terminal, plain lines otherwise (one per change
// of state, so logs stay readable).
//
// Owned by the command that polls; not thread-safe.
#ifndef DISYNC_TOOLS_CLI_PROGRESS_H_
#define DISYNC_TOOLS_CLI_PROGRESS_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace disync::cli {

// "discovering 3/10 tables" -> {3, 10}.
struct TableProgress {
  int64_t done = 0;
  int64_t total = 0;
};
std::optional<TableProgress> ParseTableProgress(std::string_view message);

// "4.2s", "1m05s", "1h02m".
std::string FormatElapsed(std::chrono::milliseconds elapsed);

class ProgressReporter {
 public:
  virtual ~ProgressReporter() = default;
  // A polled state: Data.Status ("running") and Data.Message ("queued",
  // "discovering 3/10 tables", ...).
  virtual void Update(std::string_view status, std::string_view message,
                      std::chrono::milliseconds elapsed) = 0;
  // The final state ("success" or "fail"); leaves the terminal on a fresh line.
  virtual void Finish(std::string_view status, std::chrono::milliseconds elapsed) = 0;
};

enum class ProgressStyle { kAuto, kBar, kLines, kNone };

// kAuto picks kBar when `stream` is a terminal, kLines otherwise. `label`
// names what is in progress ("generation 42").
std::unique_ptr<ProgressReporter> MakeProgressReporter(std::FILE* stream, ProgressStyle style,
                                                       std::string label);

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_PROGRESS_H_
