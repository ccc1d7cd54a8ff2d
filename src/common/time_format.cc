#include "common/time_format.h"

#include <fmt/format.h>

#include <array>
#include <charconv>

namespace disync {
namespace {

bool ParseDigits(std::string_view s, size_t pos, size_t len, int& out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  out = v;
  return true;
}

}  // namespace

std::optional<TimePoint> ParseIso8601Utc(std::string_view s) {
  // 0123456789012345678
  // 2024-01-01T00:00:00Z
  int year, month, day, hour, minute, second;
  if (s.size() < 20) return std::nullopt;
  if (!ParseDigits(s, 0, 4, year) || s[4] != '-' || !ParseDigits(s, 5, 2, month) ||
      s[7] != '-' || !ParseDigits(s, 8, 2, day) || s[10] != 'T' ||
      !ParseDigits(s, 11, 2, hour) || s[13] != ':' || !ParseDigits(s, 14, 2, minute) ||
      s[16] != ':' || !ParseDigits(s, 17, 2, second)) {
    return std::nullopt;
  }
  size_t pos = 19;
  int millis = 0;
  if (s[pos] == '.') {
    size_t start = ++pos;
    while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') ++pos;
    size_t n = pos - start;
    if (n == 0 || n > 9) return std::nullopt;
    int frac = 0;
    ParseDigits(s, start, std::min<size_t>(n, 3), frac);
    for (size_t i = n; i < 3; ++i) frac *= 10;
    millis = frac;
  }
  if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 60) return std::nullopt;
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return sys_days(ymd) + hours(hour) + minutes(minute) + seconds(second) + milliseconds(millis);
}

std::string FormatIso8601Utc(TimePoint t) {
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto days = floor<std::chrono::days>(secs);
  year_month_day ymd{days};
  hh_mm_ss hms{secs - days};
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                     hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

std::string FormatJavaMediumUtc(TimePoint t) {
  static constexpr std::array<const char*, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  using namespace std::chrono;
  auto secs = floor<seconds>(t);
  auto days = floor<std::chrono::days>(secs);
  year_month_day ymd{days};
  hh_mm_ss hms{secs - days};
  int hour = static_cast<int>(hms.hours().count());
  const char* ampm = hour < 12 ? "AM" : "PM";
  int hour12 = hour % 12 == 0 ? 12 : hour % 12;
  return fmt::format("{} {}, {} {}:{:02}:{:02} {}",
                     kMonths[static_cast<unsigned>(ymd.month()) - 1],
                     static_cast<unsigned>(ymd.day()), static_cast<int>(ymd.year()), hour12,
                     hms.minutes().count(), hms.seconds().count(), ampm);
}

int64_t ToUnixMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromUnixMillis(int64_t ms) {
  return TimePoint(std::chrono::milliseconds(ms));
}

}  // namespace disync
