// WorkerPool: the threads that run queued generation processes. Each worker
// claims the oldest runnable process from the store under a lease, runs it
// with a ProcessRunner, reports progress ("discovering 4812/20000 tables",
// which also renews the lease) and stores the result. Everything lives in
// the store, so an acknowledged process survives a crash: after a restart
// it is claimed again and finishes.
//
// Ownership: borrows the store, the runner and the clock.
// Threading: Start() spawns the workers; Notify() (any thread) wakes one
// after an enqueue; Stop() lets running processes finish, then joins.
#ifndef DISYNC_JOBS_WORKER_POOL_H_
#define DISYNC_JOBS_WORKER_POOL_H_

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "common/memory.h"
#include "jobs/generation_runner.h"
#include "jobs/prepared_contents.h"
#include "store/metadata_store.h"

namespace disync::jobs {

struct WorkerPoolOptions {
  int threads = 2;
  // A process whose worker stops renewing for this long may be claimed again.
  std::chrono::milliseconds lease{60000};
  // How often idle workers look for work they were not told about (expired
  // leases of other nodes).
  std::chrono::milliseconds poll_interval{1000};
  // Progress is written at most this often.
  std::chrono::milliseconds progress_interval{250};
  // The memory a large generation leaves free stays in malloc's heap for
  // the next one, and goes back to the system (malloc_trim) once no
  // generation has run for this long (common/memory.h, IdleTrim).
  std::chrono::milliseconds trim_after_idle{30000};
  // What gives it back: malloc_trim(0) when empty (tests count the calls).
  std::function<void()> release_memory;
};

class WorkerPool {
 public:
  // Generations whose TaskContent is this large leave memory worth giving back.
  static constexpr size_t kTrimAfterBytes = size_t{16} << 20;

  // `prepared` (may be null) receives the escaped TaskContent of a large
  // successful generation, for the Query that fetches it.
  WorkerPool(store::MetadataStore& store, ProcessRunner& runner, const Clock& clock,
             WorkerPoolOptions options, PreparedContents* prepared = nullptr);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void Start();
  void Notify();
  void Stop();

  // Runs queued processes on the calling thread until none is left (tests).
  void DrainForTest();

 private:
  void Loop(int index);
  // Claims and runs one process; false when there was none.
  bool RunOne(const std::string& owner);

  store::MetadataStore& store_;
  ProcessRunner& runner_;
  const Clock& clock_;
  PreparedContents* const prepared_;
  const WorkerPoolOptions options_;
  const std::string node_;  // this process's lease-owner prefix

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;       // guarded by mu_
  int64_t wakeups_ = 0;     // guarded by mu_
  IdleTrim idle_trim_;      // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace disync::jobs

#endif  // DISYNC_JOBS_WORKER_POOL_H_
