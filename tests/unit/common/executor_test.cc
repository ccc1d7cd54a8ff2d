#include "common/executor.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

namespace disync {
namespace {

using namespace std::chrono_literals;

// A latch a test can wait on with a deadline.
class Gate {
 public:
  void Open() {
    std::lock_guard lock(mu_);
    open_ = true;
    cv_.notify_all();
  }
  bool WaitOpen(std::chrono::milliseconds deadline = 10000ms) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, deadline, [&] { return open_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(ThreadPool, OneThreadRunsTasksInTheOrderPosted) {
  std::vector<int> order;
  {
    ThreadPool pool(1);
    for (int i = 0; i < 100; ++i) pool.Post([&order, i] { order.push_back(i); });
  }  // the destructor runs what was posted
  ASSERT_EQ(order.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(order[static_cast<size_t>(i)], i);
}

// A long task does not hold the others: a free thread takes them.
TEST(ThreadPool, AFreeThreadRunsTasksWhileAnotherIsBusy) {
  ThreadPool pool(2);
  Gate release, started, second_ran;
  pool.Post([&] {
    started.Open();
    release.WaitOpen();
  });
  ASSERT_TRUE(started.WaitOpen());
  pool.Post([&] { second_ran.Open(); });
  EXPECT_TRUE(second_ran.WaitOpen());
  release.Open();
}

TEST(ThreadPool, StopRunsEveryTaskPostedThenJoins) {
  std::atomic<int> ran{0};
  ThreadPool pool(3);
  for (int i = 0; i < 1000; ++i) pool.Post([&ran] { ran.fetch_add(1); });
  pool.Stop();
  EXPECT_EQ(ran.load(), 1000);
  pool.Stop();  // a second Stop is harmless
}

TEST(ThreadPool, TasksMayPostMoreTasks) {
  std::atomic<int> ran{0};
  Gate done;
  ThreadPool pool(2);
  pool.Post([&] {
    ran.fetch_add(1);
    pool.Post([&] {
      ran.fetch_add(1);
      done.Open();
    });
  });
  ASSERT_TRUE(done.WaitOpen());
  EXPECT_EQ(ran.load(), 2);
}

TEST(ThreadPoolDeathTest, PostingAfterStopAborts) {
  ThreadPool pool(1);
  pool.Stop();
  EXPECT_DEATH(pool.Post([] {}), "");
}

}  // namespace
}  // namespace disync
