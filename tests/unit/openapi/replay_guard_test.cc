#include "openapi/replay_guard.h"

#include <gtest/gtest.h>

#include "fakes/fake_clock.h"

namespace disync::openapi {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(ReplayGuard, WindowIsFifteenMinutesEachWay) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:00Z"));
  ReplayGuard guard(clock);
  auto now = clock.Now();
  EXPECT_TRUE(guard.CheckTimestamp(now).ok());
  EXPECT_TRUE(guard.CheckTimestamp(now - minutes(15)).ok());
  EXPECT_TRUE(guard.CheckTimestamp(now + minutes(15)).ok());
  EXPECT_EQ(guard.CheckTimestamp(now - minutes(15) - seconds(1)).error().code(),
            ErrorCode::kInvalidTimeStampExpired);
  EXPECT_EQ(guard.CheckTimestamp(now + minutes(15) + seconds(1)).error().code(),
            ErrorCode::kInvalidTimeStampExpired);
}

TEST(ReplayGuard, SnapshotRestoresTheSeenNonces) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:00Z"));
  ReplayGuard before(clock);
  ASSERT_TRUE(before.CheckAndRecordNonce("k", "n1", clock.Now()).ok());
  ASSERT_TRUE(before.CheckAndRecordNonce("k", "n2", clock.Now()).ok());
  std::string snapshot = before.Snapshot();

  ReplayGuard after(clock);
  ASSERT_TRUE(after.Restore(snapshot).ok());
  EXPECT_EQ(after.CheckAndRecordNonce("k", "n1", clock.Now()).error().code(),
            ErrorCode::kSignatureNonceUsed);
  EXPECT_TRUE(after.CheckAndRecordNonce("k", "n3", clock.Now()).ok());
  EXPECT_EQ(after.SizeForTest(), 3u);
}

TEST(ReplayGuard, ExpiredEntriesArePruned) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:00Z"));
  ReplayGuard guard(clock);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(guard.CheckAndRecordNonce("k", std::to_string(i), clock.Now()).ok());
  }
  clock.Advance(minutes(16));
  ASSERT_TRUE(guard.CheckAndRecordNonce("k", "late", clock.Now()).ok());
  EXPECT_EQ(guard.SizeForTest(), 1u);
}

TEST(ReplayGuard, RejectsMalformedSnapshots) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:00Z"));
  ReplayGuard guard(clock);
  for (const char* bad : {"", "{}", "[{\"k\":1}]", "[1]", "not json"}) {
    EXPECT_EQ(guard.Restore(bad).error().code(), ErrorCode::kCorruption) << bad;
  }
}

}  // namespace
}  // namespace disync::openapi
