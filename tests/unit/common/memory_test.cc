#include "common/memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace disync {
namespace {

// A fresh anonymous mapping of `pages` pages, unmapped at the end.
class Mapping {
 public:
  explicit Mapping(size_t pages) : size_(pages * PageSize()) {
    void* p = ::mmap(nullptr, size_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data_ = p == MAP_FAILED ? nullptr : static_cast<unsigned char*>(p);
  }
  ~Mapping() {
    if (data_ != nullptr) ::munmap(data_, size_);
  }
  static size_t PageSize() { return static_cast<size_t>(::sysconf(_SC_PAGESIZE)); }
  unsigned char* data() const { return data_; }

  // Which pages are resident (mincore).
  std::vector<bool> Resident() const {
    std::vector<unsigned char> bits(size_ / PageSize());
    if (::mincore(data_, size_, bits.data()) != 0) return {};
    std::vector<bool> resident;
    for (unsigned char b : bits) resident.push_back((b & 1) != 0);
    return resident;
  }

 private:
  size_t size_;
  unsigned char* data_;
};

bool KernelPopulates() {
  Mapping probe(1);
#if defined(MADV_POPULATE_WRITE)
  return probe.data() != nullptr &&
         ::madvise(probe.data(), Mapping::PageSize(), MADV_POPULATE_WRITE) == 0;
#else
  return false;
#endif
}

TEST(PrefaultForWrite, BacksTheWholePagesOfTheRangeAndNoOthers) {
  if (!KernelPopulates()) GTEST_SKIP() << "no MADV_POPULATE_WRITE (Linux 5.14+)";
  const size_t page = Mapping::PageSize();
  const size_t pages = kMinPrefaultBytes / page + 4;
  Mapping m(pages);
  ASSERT_NE(m.data(), nullptr);
  // From the middle of page 1 to the middle of the second-to-last page.
  PrefaultForWrite(m.data() + page + page / 2, (pages - 3) * page);
  const std::vector<bool> resident = m.Resident();
  ASSERT_EQ(resident.size(), pages);
  EXPECT_FALSE(resident[0]);
  EXPECT_FALSE(resident[1]);  // partly inside: left to fault in when written
  for (size_t i = 2; i + 2 < pages; ++i) EXPECT_TRUE(resident[i]) << "page " << i;
  EXPECT_FALSE(resident[pages - 2]);
  EXPECT_FALSE(resident[pages - 1]);
}

TEST(PrefaultForWrite, KeepsWhatThePagesHold) {
  const size_t page = Mapping::PageSize();
  const size_t pages = kMinPrefaultBytes / page + 2;
  Mapping m(pages);
  ASSERT_NE(m.data(), nullptr);
  for (size_t i = 0; i < pages; i += 3)
    std::memset(m.data() + i * page, static_cast<int>(i + 1), page);
  PrefaultForWrite(m.data(), pages * page);
  for (size_t i = 0; i < pages; ++i) {
    const unsigned char expected = i % 3 == 0 ? static_cast<unsigned char>(i + 1) : 0;
    EXPECT_EQ(m.data()[i * page], expected) << "page " << i;
    EXPECT_EQ(m.data()[i * page + page - 1], expected) << "page " << i;
  }
}

TEST(PrefaultForWrite, LeavesSmallRangesAlone) {
  if (!KernelPopulates()) GTEST_SKIP() << "no MADV_POPULATE_WRITE (Linux 5.14+)";
  const size_t page = Mapping::PageSize();
  const size_t pages = kMinPrefaultBytes / page;
  Mapping m(pages);
  ASSERT_NE(m.data(), nullptr);
  PrefaultForWrite(m.data(), kMinPrefaultBytes - 1);
  for (bool resident : m.Resident()) EXPECT_FALSE(resident);
}

// IdleTrim: memory goes back once after large work, only when nothing runs
// and `idle` has passed since the last work ended.
class IdleTrimTest : public ::testing::Test {
 protected:
  using Clock = IdleTrim::Clock;
  static constexpr auto kIdle = std::chrono::seconds(30);
  Clock::time_point At(int seconds) { return t0_ + std::chrono::seconds(seconds); }

  const Clock::time_point t0_ = Clock::now();
  IdleTrim trim_{kIdle};
};

TEST_F(IdleTrimTest, SmallWorkAloneNeverAsksForATrim) {
  trim_.Began();
  trim_.Ended(At(0), /*large=*/false);
  EXPECT_FALSE(trim_.Due(At(31)));
  EXPECT_FALSE(trim_.Due(At(3600)));
}

TEST_F(IdleTrimTest, LargeWorkAsksOnceWhenIdleHasPassed) {
  trim_.Began();
  trim_.Ended(At(0), /*large=*/true);
  EXPECT_FALSE(trim_.Due(At(29)));
  EXPECT_TRUE(trim_.Due(At(30)));
  EXPECT_FALSE(trim_.Due(At(31)));  // once per quiet period
}

TEST_F(IdleTrimTest, WorkThatFollowsPutsTheTrimOff) {
  trim_.Began();
  trim_.Ended(At(0), /*large=*/true);
  trim_.Began();
  EXPECT_FALSE(trim_.Due(At(40)));  // running: its memory is in use
  trim_.Ended(At(50), /*large=*/false);
  EXPECT_FALSE(trim_.Due(At(79)));
  EXPECT_TRUE(trim_.Due(At(80)));
}

TEST_F(IdleTrimTest, ConcurrentWorkDefersUntilTheLastEnds) {
  trim_.Began();
  trim_.Began();
  trim_.Ended(At(0), /*large=*/true);
  EXPECT_FALSE(trim_.Due(At(100)));
  trim_.Ended(At(100), /*large=*/false);
  EXPECT_FALSE(trim_.Due(At(129)));
  EXPECT_TRUE(trim_.Due(At(130)));
}

}  // namespace
}  // namespace disync
