// WorkerPool (src/jobs/worker_pool.h) with a real SQLite store and a runner
// that returns a content of a given size: a large generation's memory is
// given back once the workers have been idle (IdleTrim, common/memory.h,
// tested apart as a policy).
#include "jobs/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "iam/secret_box.h"
#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace disync::jobs {
namespace {

using namespace std::chrono_literals;

constexpr char kTestKey[] = "0123456789abcdef0123456789ABCDEF";

// Succeeds with a TaskContent of `bytes` bytes.
class SizedRunner final : public ProcessRunner {
 public:
  explicit SizedRunner(size_t bytes) : bytes_(bytes) {}
  Result<TextPieces> Run(const store::Process&, const ProgressFn&) override {
    return TextPieces(std::string(bytes_, 'x'));
  }

 private:
  const size_t bytes_;
};

// Polls `done` until it holds or 30 s have passed.
template <typename Fn>
bool Eventually(Fn done) {
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::yield();
  }
  return true;
}

class WorkerPoolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = test_support::FreshTestDir("disync_worker_pool_test");
    auto opened = store::SqliteStore::Open((dir_ / "disync.db").string(), clock_, sealer_);
    ASSERT_TRUE(opened.ok()) << opened.error().message();
    store_ = std::move(opened).value();
    store::NewProject project;
    project.identifier = "p";
    project.name = "p";
    auto created = store_->CreateProject(project);
    ASSERT_TRUE(created.ok()) << created.error().message();
    project_ = created->id;
  }

  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  ProcessId Enqueue() {
    store::NewProcess process;
    process.project = project_;
    process.task_type = "DI_REALTIME";
    process.task_param = "{}";
    process.caller_user_id = "u";
    auto enqueued = store_->EnqueueProcess(process, std::nullopt);
    EXPECT_TRUE(enqueued.ok()) << enqueued.error().message();
    return enqueued.ok() ? enqueued->process.id : ProcessId();
  }

  bool Succeeded(ProcessId id) {
    auto process = store_->GetProcess(id, store::ProcessDetail::kStatus);
    return process.ok() && process->status == store::ProcessStatus::kSuccess;
  }

  std::filesystem::path dir_;
  SystemClock clock_;
  const iam::SecretBox sealer_{kTestKey};
  std::unique_ptr<store::SqliteStore> store_;
  ProjectId project_;
};

TEST_F(WorkerPoolTest, ALargeGenerationsMemoryIsGivenBackOnceTheWorkersAreIdle) {
  SizedRunner runner(WorkerPool::kTrimAfterBytes);
  std::atomic<int> releases = 0;
  WorkerPoolOptions options;
  options.threads = 1;
  options.poll_interval = 5ms;
  options.trim_after_idle = 20ms;
  options.release_memory = [&] { ++releases; };
  WorkerPool pool(*store_, runner, clock_, options);

  const ProcessId id = Enqueue();
  pool.Start();
  pool.Notify();
  ASSERT_TRUE(Eventually([&] { return releases.load() > 0; }))
      << "no release after a generation of " << WorkerPool::kTrimAfterBytes << " bytes";
  EXPECT_TRUE(Succeeded(id)) << "released before the generation was stored";
  pool.Stop();
  EXPECT_EQ(releases.load(), 1);
}

}  // namespace
}  // namespace disync::jobs
