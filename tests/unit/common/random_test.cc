#include "common/random.h"

#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace disync {
namespace {

TEST(NewRequestId, IsAnUpperCaseVersion4Uuid) {
  const std::regex shape("[0-9A-F]{8}-[0-9A-F]{4}-4[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}");
  for (int i = 0; i < 1000; ++i) {
    const std::string id = NewRequestId();
    ASSERT_TRUE(std::regex_match(id, shape)) << id;
  }
}

// Each thread draws from a generator of its own: seeded apart, they must
// not repeat one another (nor themselves).
TEST(NewRequestId, IsUniqueAcrossThreads) {
  constexpr int kThreads = 4;
  constexpr int kEach = 5000;
  std::vector<std::vector<std::string>> drawn(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&drawn, t] {
      for (int i = 0; i < kEach; ++i) drawn[t].push_back(NewRequestId());
    });
  }
  for (std::thread& thread : threads) thread.join();
  std::set<std::string> all;
  for (const auto& ids : drawn) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
}

TEST(RandomHex, HasTwoDigitsPerByteAndDiffers) {
  const std::string a = RandomHex(16);
  EXPECT_TRUE(std::regex_match(a, std::regex("[0-9a-f]{32}"))) << a;
  EXPECT_NE(a, RandomHex(16));
}

TEST(RandomAlnum, HasTheLengthAskedFromItsAlphabet) {
  const std::string s = RandomAlnum(30);
  EXPECT_TRUE(std::regex_match(s, std::regex("[A-Za-z0-9]{30}"))) << s;
}

}  // namespace
}  // namespace disync
