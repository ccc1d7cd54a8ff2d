#include "openapi/replay_guard.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <string>

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

// A nonce stays refused up to its expiry (its timestamp's end of the
// window), and is dropped at most kGenerationSpan after it.
TEST(ReplayGuard, ExpiredEntriesArePruned) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:37Z"));
  ReplayGuard guard(clock);
  // Enough for one generation's table to grow several times.
  constexpr int kPairs = 5000;
  for (int i = 0; i < kPairs; ++i) {
    ASSERT_TRUE(guard.CheckAndRecordNonce("k", std::to_string(i), clock.Now()).ok());
  }
  EXPECT_EQ(guard.SizeForTest(), static_cast<size_t>(kPairs));
  clock.Advance(ReplayGuard::kWindow);
  for (int i = 0; i < kPairs; i += 7) {
    EXPECT_EQ(guard.CheckAndRecordNonce("k", std::to_string(i), clock.Now()).error().code(),
              ErrorCode::kSignatureNonceUsed)
        << i;
  }
  clock.Advance(ReplayGuard::kGenerationSpan + seconds(1));
  ASSERT_TRUE(guard.CheckAndRecordNonce("k", "late", clock.Now()).ok());
  EXPECT_EQ(guard.SizeForTest(), 1u);
}

// Against a model of the rule, over random traffic: a pair used again
// before it expires is refused; one never used, or expired more than
// kGenerationSpan ago, is accepted; the set holds no more than the pairs
// the model still needs and those within one span of their expiry.
TEST(ReplayGuard, RefusesEveryPairUntilItExpiresAndForgetsItWithinASpan) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:37Z"));
  ReplayGuard guard(clock);
  std::mt19937 random(20261127);
  std::uniform_int_distribution<int> step_ms(0, 20000);
  std::uniform_int_distribution<int> skew_s(-900, 900);
  std::uniform_int_distribution<int> pick(0, 399);
  std::map<std::string, TimePoint> expires;  // the model
  int refused = 0, accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    clock.Advance(std::chrono::milliseconds(step_ms(random)));
    const TimePoint now = clock.Now();
    const std::string nonce = std::to_string(pick(random));
    const std::string key = i % 3 == 0 ? "other" : "k";
    const TimePoint timestamp = now + seconds(skew_s(random));
    const std::string pair = key + "/" + nonce;
    auto known = expires.find(pair);
    Status status = guard.CheckAndRecordNonce(key, nonce, timestamp);
    if (known != expires.end() && known->second >= now) {
      ASSERT_FALSE(status.ok()) << "pair " << pair << " reused before it expired, case " << i;
      ++refused;
      continue;
    }
    if (known == expires.end() || known->second + ReplayGuard::kGenerationSpan < now) {
      ASSERT_TRUE(status.ok()) << "pair " << pair << " refused, case " << i;
    }
    if (status.ok()) {
      expires[pair] = std::max(now, timestamp) + ReplayGuard::kWindow;
      ++accepted;
    } else {
      ++refused;
    }
  }
  EXPECT_GT(refused, 1000);
  EXPECT_GT(accepted, 1000);
  size_t live = 0;
  for (const auto& [pair, at] : expires) {
    if (at + ReplayGuard::kGenerationSpan >= clock.Now()) ++live;
  }
  EXPECT_LE(guard.SizeForTest(), live);
}

TEST(ReplayGuard, RejectsMalformedSnapshots) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:00Z"));
  ReplayGuard guard(clock);
  const std::string x = std::to_string(ToUnixMillis(clock.Now() + minutes(10)));
  for (const std::string& bad :
       {std::string(), std::string("{}"), std::string("[{\"k\":1}]"), std::string("[1]"),
        std::string("not json"), "[{\"h\":1,\"x\":" + x + "}]",
        "[{\"h\":-1,\"l\":1,\"x\":" + x + "}]", "[{\"k\":\"no newline\",\"x\":" + x + "}]",
        std::string("[{\"h\":1,\"l\":2}]")}) {
    EXPECT_EQ(guard.Restore(bad).error().code(), ErrorCode::kCorruption) << bad;
  }
  // All or nothing: the good entry before a bad one is not added either.
  ReplayGuard before(clock);
  ASSERT_TRUE(before.CheckAndRecordNonce("k", "n1", clock.Now()).ok());
  std::string good = before.Snapshot();
  ASSERT_EQ(good.back(), ']');
  good.back() = ',';
  EXPECT_EQ(guard.Restore(good + "{\"h\":1}]").error().code(), ErrorCode::kCorruption);
  EXPECT_EQ(guard.SizeForTest(), 0u);
}

// The set keeps a fingerprint of each pair, not its text; a snapshot taken
// by a binary that kept the text ({"k": "<key id>\n<nonce>"}) still
// restores every pair in it.
TEST(ReplayGuard, KeepsFingerprintsAndRestoresSnapshotsOfTexts) {
  testing::FakeClock clock(*ParseIso8601Utc("2024-01-01T00:00:00Z"));
  ReplayGuard guard(clock);
  ASSERT_TRUE(guard.CheckAndRecordNonce("LTAIkey", "nonce-0123456789", clock.Now()).ok());
  const std::string snapshot = guard.Snapshot();
  EXPECT_EQ(snapshot.find("nonce-0123456789"), std::string::npos) << snapshot;
  EXPECT_EQ(snapshot.find("LTAIkey"), std::string::npos) << snapshot;

  const std::string x = std::to_string(ToUnixMillis(clock.Now() + minutes(10)));
  ReplayGuard restored(clock);
  ASSERT_TRUE(restored
                  .Restore("[{\"k\":\"LTAIkey\\nold-1\",\"x\":" + x +
                           "},{\"k\":\"LTAIkey\\nold\\nwith a newline\",\"x\":" + x + "}]")
                  .ok());
  EXPECT_EQ(restored.CheckAndRecordNonce("LTAIkey", "old-1", clock.Now()).error().code(),
            ErrorCode::kSignatureNonceUsed);
  EXPECT_EQ(
      restored.CheckAndRecordNonce("LTAIkey", "old\nwith a newline", clock.Now()).error().code(),
      ErrorCode::kSignatureNonceUsed);
  EXPECT_TRUE(restored.CheckAndRecordNonce("LTAIkey", "old-2", clock.Now()).ok());
  EXPECT_TRUE(restored.CheckAndRecordNonce("LTAIother", "old-1", clock.Now()).ok());
  EXPECT_EQ(restored.SizeForTest(), 4u);
}

}  // namespace
}  // namespace disync::openapi
