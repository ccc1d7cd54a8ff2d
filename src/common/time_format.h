// Time formats of the DataWorks API: ISO 8601 UTC timestamps of the protocol
// ("2024-01-01T00:00:00Z") and the Java "medium" dates of response models
// ("Oct 10, 2019 3:42:53 PM"). Pure functions; thread-safe.
#ifndef DISYNC_COMMON_TIME_FORMAT_H_
#define DISYNC_COMMON_TIME_FORMAT_H_

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace disync {

using TimePoint = std::chrono::system_clock::time_point;

// Parses "yyyy-MM-ddTHH:mm:ssZ" (optionally with ".fff" before the Z).
// Returns nullopt for anything else, including out-of-range fields.
std::optional<TimePoint> ParseIso8601Utc(std::string_view text);

// "yyyy-MM-ddTHH:mm:ssZ".
std::string FormatIso8601Utc(TimePoint t);

// "Oct 10, 2019 3:42:53 PM" in UTC.
std::string FormatJavaMediumUtc(TimePoint t);

// Milliseconds since the Unix epoch.
int64_t ToUnixMillis(TimePoint t);
TimePoint FromUnixMillis(int64_t ms);

}  // namespace disync

#endif  // DISYNC_COMMON_TIME_FORMAT_H_
