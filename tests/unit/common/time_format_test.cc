#include "common/time_format.h"

#include <gtest/gtest.h>

namespace disync {
namespace {

TEST(Iso8601, ParsesAndFormatsRoundTrip) {
  auto t = ParseIso8601Utc("2024-01-01T00:00:00Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(ToUnixMillis(*t), 1704067200000);
  EXPECT_EQ(FormatIso8601Utc(*t), "2024-01-01T00:00:00Z");
}

TEST(Iso8601, AcceptsFractionalSeconds) {
  auto t = ParseIso8601Utc("2020-05-18T08:00:00.123Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(ToUnixMillis(*t) % 1000, 123);
}

TEST(Iso8601, RejectsMalformed) {
  const char* bad[] = {"",
                       "2024-01-01",
                       "2024-01-01T00:00:00",
                       "2024-01-01 00:00:00Z",
                       "2024-13-01T00:00:00Z",
                       "2024-02-30T00:00:00Z",
                       "2024-01-01T24:00:00Z",
                       "2024-01-01T00:00:00+08:00",
                       "2024-01-01T00:00:00ZZ",
                       "abcd-01-01T00:00:00Z",
                       "1704067200"};
  for (const char* s : bad) EXPECT_FALSE(ParseIso8601Utc(s).has_value()) << s;
}

TEST(JavaMediumDate, FormatsLikeTheDocs) {
  auto t = ParseIso8601Utc("2019-10-10T15:42:53Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatJavaMediumUtc(*t), "Oct 10, 2019 3:42:53 PM");
  auto midnight = ParseIso8601Utc("2019-12-03T00:05:09Z");
  EXPECT_EQ(FormatJavaMediumUtc(*midnight), "Dec 3, 2019 12:05:09 AM");
}

}  // namespace
}  // namespace disync
