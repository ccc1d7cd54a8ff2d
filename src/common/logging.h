// Logging: one line per event, as text ("msg key=value ...") or as a JSON
// object per line, written to stderr through spdlog.
//
// Callers pass structured fields; values are never secrets (the request log
// writes ids, Action, status and latency only). Init() is called once by the
// composition root before any thread starts; Log() is thread-safe.
#ifndef DISYNC_COMMON_LOGGING_H_
#define DISYNC_COMMON_LOGGING_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace disync::logging {

enum class Format { kText, kJson };
std::optional<Format> ParseFormat(std::string_view text);

enum class Level { kDebug, kInfo, kWarn, kError };

struct Field {
  std::string_view key;
  std::string value;
};

void Init(Format format, Level min_level);

void Log(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void Info(std::string_view m, std::initializer_list<Field> f = {}) {
  Log(Level::kInfo, m, f);
}
inline void Warn(std::string_view m, std::initializer_list<Field> f = {}) {
  Log(Level::kWarn, m, f);
}
inline void Error(std::string_view m, std::initializer_list<Field> f = {}) {
  Log(Level::kError, m, f);
}
inline void Debug(std::string_view m, std::initializer_list<Field> f = {}) {
  Log(Level::kDebug, m, f);
}

}  // namespace disync::logging

#endif  // DISYNC_COMMON_LOGGING_H_
