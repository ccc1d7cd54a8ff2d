// Executor: somewhere to run blocking work off the I/O threads.
// ThreadPool is the production one; InlineExecutor runs the task at once
// (unit tests). Thread-safety: Post() is thread-safe.
#ifndef DISYNC_COMMON_EXECUTOR_H_
#define DISYNC_COMMON_EXECUTOR_H_

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace disync {

class Executor {
 public:
  virtual ~Executor() = default;
  virtual void Post(std::function<void()> task) = 0;
};

class InlineExecutor final : public Executor {
 public:
  void Post(std::function<void()> task) override { task(); }
};

// A fixed set of threads taking tasks in FIFO order. The destructor (or
// Stop()) runs every task already posted, then joins.
class ThreadPool final : public Executor {
 public:
  explicit ThreadPool(int threads);
  ~ThreadPool() override;
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  void Post(std::function<void()> task) override;
  void Stop();

 private:
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;  // guarded by mu_
  bool stopping_ = false;                    // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace disync

#endif  // DISYNC_COMMON_EXECUTOR_H_
