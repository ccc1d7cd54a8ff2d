#include "tools/cli/progress.h"

#include <unistd.h>

#include <charconv>
#include <utility>

#include <fmt/format.h>

namespace disync::cli {
namespace {

constexpr int kBarWidth = 30;

class NoProgress final : public ProgressReporter {
 public:
  void Update(std::string_view, std::string_view, std::chrono::milliseconds) override {}
  void Finish(std::string_view, std::chrono::milliseconds) override {}
};

class LineProgress final : public ProgressReporter {
 public:
  LineProgress(std::FILE* stream, std::string label) : stream_(stream), label_(std::move(label)) {}

  void Update(std::string_view status, std::string_view message,
              std::chrono::milliseconds elapsed) override {
    std::string state = message.empty() ? std::string(status) : std::string(message);
    if (state == last_) return;
    last_ = state;
    fmt::print(stream_, "{}: {} ({})\n", label_, state, FormatElapsed(elapsed));
    std::fflush(stream_);
  }

  void Finish(std::string_view status, std::chrono::milliseconds elapsed) override {
    fmt::print(stream_, "{}: {} after {}\n", label_, status, FormatElapsed(elapsed));
    std::fflush(stream_);
  }

 private:
  std::FILE* stream_;
  std::string label_;
  std::string last_;
};

class BarProgress final : public ProgressReporter {
 public:
  BarProgress(std::FILE* stream, std::string label) : stream_(stream), label_(std::move(label)) {}

  void Update(std::string_view status, std::string_view message,
              std::chrono::milliseconds elapsed) override {
    std::string line;
    if (auto progress = ParseTableProgress(message); progress && progress->total > 0) {
      int filled = static_cast<int>(kBarWidth * progress->done / progress->total);
      if (filled > kBarWidth) filled = kBarWidth;
      line = fmt::format("{} [{}{}] {}/{} tables  {}", label_, std::string(filled, '#'),
                         std::string(kBarWidth - filled, '-'), progress->done, progress->total,
                         FormatElapsed(elapsed));
    } else {
      static constexpr char kSpinner[] = {'|', '/', '-', '\\'};
      line = fmt::format("{} {} {}  {}", label_, kSpinner[ticks_++ % 4],
                         message.empty() ? status : message, FormatElapsed(elapsed));
    }
    // Carriage return and erase-line: the bar redraws in place.
    fmt::print(stream_, "\r\033[K{}", line);
    std::fflush(stream_);
  }

  void Finish(std::string_view status, std::chrono::milliseconds elapsed) override {
    fmt::print(stream_, "\r\033[K{}: {} after {}\n", label_, status, FormatElapsed(elapsed));
    std::fflush(stream_);
  }

 private:
  std::FILE* stream_;
  std::string label_;
  unsigned ticks_ = 0;
};

bool ParseInt(std::string_view text, int64_t* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<TableProgress> ParseTableProgress(std::string_view message) {
  constexpr std::string_view kPrefix = "discovering ";
  constexpr std::string_view kSuffix = " tables";
  if (message.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  message.remove_prefix(kPrefix.size());
  if (message.size() < kSuffix.size() ||
      message.substr(message.size() - kSuffix.size()) != kSuffix) {
    return std::nullopt;
  }
  message.remove_suffix(kSuffix.size());
  auto slash = message.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  TableProgress progress;
  if (!ParseInt(message.substr(0, slash), &progress.done) ||
      !ParseInt(message.substr(slash + 1), &progress.total)) {
    return std::nullopt;
  }
  return progress;
}

std::string FormatElapsed(std::chrono::milliseconds elapsed) {
  int64_t ms = elapsed.count();
  if (ms < 60'000) return fmt::format("{}.{}s", ms / 1000, (ms % 1000) / 100);
  int64_t s = ms / 1000;
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::unique_ptr<ProgressReporter> MakeProgressReporter(std::FILE* stream, ProgressStyle style,
                                                       std::string label) {
  if (style == ProgressStyle::kAuto) {
    style = ::isatty(::fileno(stream)) ? ProgressStyle::kBar : ProgressStyle::kLines;
  }
  switch (style) {
    case ProgressStyle::kBar: return std::make_unique<BarProgress>(stream, std::move(label));
    case ProgressStyle::kLines: return std::make_unique<LineProgress>(stream, std::move(label));
    case ProgressStyle::kAuto:
    case ProgressStyle::kNone: break;
  }
  return std::make_unique<NoProgress>();
}

}  // namespace disync::cli
