// PreparedContents (src/jobs/prepared_contents.h): literals announced,
// handed over and taken once, within a byte budget.
#include "jobs/prepared_contents.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <vector>

namespace disync::jobs {
namespace {

using namespace std::chrono_literals;

std::vector<std::uint8_t> Bytes(size_t n, char c) { return std::vector<std::uint8_t>(n, static_cast<std::uint8_t>(c)); }

TEST(PreparedContents, OnlyLargeContentsThatFitAreWorthPreparing) {
  PreparedContents prepared(10 << 20);
  EXPECT_FALSE(prepared.Worthwhile(PreparedContents::kMinContentBytes - 1));
  EXPECT_TRUE(prepared.Worthwhile(PreparedContents::kMinContentBytes));
  EXPECT_TRUE(prepared.Worthwhile(8 << 20));
  EXPECT_FALSE(prepared.Worthwhile(9 << 20));  // its literal may not fit in 10 MB
}

TEST(PreparedContents, ALiteralIsTakenOnce) {
  PreparedContents prepared;
  EXPECT_FALSE(prepared.Holds(ProcessId(7)));
  prepared.Expect(ProcessId(7));
  EXPECT_TRUE(prepared.Holds(ProcessId(7)));
  prepared.Fulfil(ProcessId(7), Bytes(100, 'x'));
  EXPECT_EQ(prepared.held_bytes(), 100u);
  EXPECT_FALSE(prepared.Take(ProcessId(8), 0ms).has_value());
  auto taken = prepared.Take(ProcessId(7), 0ms);
  ASSERT_TRUE(taken.has_value());
  EXPECT_EQ(*taken, Bytes(100, 'x'));
  EXPECT_FALSE(prepared.Take(ProcessId(7), 0ms).has_value());
  EXPECT_FALSE(prepared.Holds(ProcessId(7)));
  EXPECT_EQ(prepared.held_bytes(), 0u);
}

TEST(PreparedContents, OnlyAnnouncedLiteralsAreKept) {
  PreparedContents prepared;
  prepared.Fulfil(ProcessId(1), Bytes(10, 'x'));
  EXPECT_FALSE(prepared.Take(ProcessId(1), 0ms).has_value());
  EXPECT_EQ(prepared.held_bytes(), 0u);
}

TEST(PreparedContents, AnExpectedLiteralIsWaitedFor) {
  PreparedContents prepared;
  prepared.Expect(ProcessId(3));
  // Not there yet: no patience, no literal.
  EXPECT_FALSE(prepared.Take(ProcessId(3), 0ms).has_value());
  auto taken = std::async(std::launch::async, [&] { return prepared.Take(ProcessId(3), 60s); });
  prepared.Fulfil(ProcessId(3), Bytes(5, 'y'));
  auto literal = taken.get();
  ASSERT_TRUE(literal.has_value());
  EXPECT_EQ(*literal, Bytes(5, 'y'));
}

TEST(PreparedContents, AnAbandonedLiteralEndsTheWait) {
  PreparedContents prepared;
  prepared.Expect(ProcessId(4));
  auto taken = std::async(std::launch::async, [&] { return prepared.Take(ProcessId(4), 60s); });
  prepared.Abandon(ProcessId(4));
  EXPECT_FALSE(taken.get().has_value());
}

TEST(PreparedContents, TheOldestLiteralsMakeRoomWithinTheBudget) {
  PreparedContents prepared(100);
  for (int id = 1; id <= 3; ++id) {
    prepared.Expect(ProcessId(id));
    prepared.Fulfil(ProcessId(id), Bytes(40, 'a'));
    EXPECT_LE(prepared.held_bytes(), 100u);
  }
  EXPECT_FALSE(prepared.Take(ProcessId(1), 0ms).has_value());
  EXPECT_TRUE(prepared.Take(ProcessId(2), 0ms).has_value());
  EXPECT_TRUE(prepared.Take(ProcessId(3), 0ms).has_value());
  // Larger than the whole budget: not kept, and nothing dropped for it.
  prepared.Expect(ProcessId(4));
  prepared.Fulfil(ProcessId(4), Bytes(40, 'b'));
  prepared.Expect(ProcessId(5));
  prepared.Fulfil(ProcessId(5), Bytes(101, 'c'));
  EXPECT_FALSE(prepared.Take(ProcessId(5), 0ms).has_value());
  EXPECT_TRUE(prepared.Take(ProcessId(4), 0ms).has_value());
}

}  // namespace
}  // namespace disync::jobs
