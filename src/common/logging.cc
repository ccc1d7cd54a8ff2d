#include "common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <nlohmann/json.hpp>

#include "common/time_format.h"

namespace disync::logging {
namespace {

std::atomic<Format> g_format{Format::kText};

spdlog::level::level_enum ToSpd(Level level) {
  switch (level) {
    case Level::kDebug: return spdlog::level::debug;
    case Level::kInfo: return spdlog::level::info;
    case Level::kWarn: return spdlog::level::warn;
    case Level::kError: return spdlog::level::err;
  }
  return spdlog::level::info;
}

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warn";
    case Level::kError: return "error";
  }
  return "info";
}

bool NeedsQuoting(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

}  // namespace

std::optional<Format> ParseFormat(std::string_view text) {
  if (text == "text") return Format::kText;
  if (text == "json") return Format::kJson;
  return std::nullopt;
}

void Init(Format format, Level min_level) {
  g_format.store(format);
  auto logger = spdlog::stderr_logger_mt("disync");
  // Text lines carry time and level; JSON lines carry them as fields.
  logger->set_pattern(format == Format::kJson ? "%v" : "%Y-%m-%dT%H:%M:%S.%eZ %l %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(ToSpd(min_level));
  logger->flush_on(spdlog::level::debug);
  spdlog::set_default_logger(logger);
}

void Log(Level level, std::string_view message, std::initializer_list<Field> fields) {
  auto logger = spdlog::default_logger_raw();
  if (!logger->should_log(ToSpd(level))) return;
  std::string line;
  if (g_format.load() == Format::kJson) {
    nlohmann::ordered_json j;
    auto now = std::chrono::system_clock::now();
    std::string ts = FormatIso8601Utc(now);  // "...:ssZ" -> "...:ss.mmmZ"
    ts.insert(ts.size() - 1, fmt::format(".{:03}", ToUnixMillis(now) % 1000));
    j["ts"] = std::move(ts);
    j["level"] = LevelName(level);
    j["msg"] = message;
    for (const auto& f : fields) j[std::string(f.key)] = f.value;
    line = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  } else {
    line.assign(message);
    for (const auto& f : fields) {
      line += ' ';
      line += f.key;
      line += '=';
      if (NeedsQuoting(f.value)) {
        line += nlohmann::json(f.value).dump(-1, ' ', false,
                                             nlohmann::json::error_handler_t::replace);
      } else {
        line += f.value;
      }
    }
  }
  logger->log(ToSpd(level), "{}", line);
}

}  // namespace disync::logging
