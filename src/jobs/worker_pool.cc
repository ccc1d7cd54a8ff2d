#include "jobs/worker_pool.h"

#include <malloc.h>

#include <future>

#include <fmt/format.h>

#include "common/json_writer.h"
#include "common/logging.h"
#include "common/random.h"

namespace disync::jobs {

WorkerPool::WorkerPool(store::MetadataStore& store, ProcessRunner& runner, const Clock& clock,
                       WorkerPoolOptions options, PreparedContents* prepared)
    : store_(store),
      runner_(runner),
      clock_(clock),
      prepared_(prepared),
      options_(options),
      node_("node-" + RandomHex(6)),
      idle_trim_(options.trim_after_idle) {}

WorkerPool::~WorkerPool() { Stop(); }

void WorkerPool::Start() {
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this, i] { Loop(i); });
}

void WorkerPool::Notify() {
  {
    std::lock_guard lock(mu_);
    ++wakeups_;
  }
  cv_.notify_one();
}

void WorkerPool::Stop() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
  threads_.clear();
}

void WorkerPool::DrainForTest() {
  while (RunOne(node_ + "-test")) {
  }
}

void WorkerPool::Loop(int index) {
  std::string owner = node_ + "-" + std::to_string(index);
  for (;;) {
    {
      std::lock_guard lock(mu_);
      if (stop_) return;
    }
    if (RunOne(owner)) continue;
    std::unique_lock lock(mu_);
    if (stop_) return;
    if (wakeups_ > 0) {
      --wakeups_;
      continue;
    }
    cv_.wait_for(lock, options_.poll_interval, [this] { return stop_ || wakeups_ > 0; });
    if (wakeups_ > 0) --wakeups_;
    if (!idle_trim_.Due(std::chrono::steady_clock::now())) continue;
    lock.unlock();
    if (options_.release_memory) {
      options_.release_memory();
    } else {
      malloc_trim(0);
    }
    logging::Info("memory given back after generations stopped", {});
  }
}

bool WorkerPool::RunOne(const std::string& owner) {
  auto now = clock_.Now();
  auto claimed = store_.ClaimProcess(owner, now, now + options_.lease);
  if (!claimed.ok()) {
    logging::Error("cannot claim a process", {{"detail", claimed.error().message()}});
    return false;
  }
  if (!claimed->has_value()) return false;
  const store::Process& process = **claimed;
  bool large = false;  // set once the content is known
  {
    std::lock_guard lock(mu_);
    idle_trim_.Began();
  }
  struct EndOfRun {
    WorkerPool* pool;
    const bool& large;
    ~EndOfRun() {
      std::lock_guard lock(pool->mu_);
      pool->idle_trim_.Ended(std::chrono::steady_clock::now(), large);
    }
  } end_of_run{this, large};
  logging::Info("generation started", {{"process_id", std::to_string(process.id.value())},
                                       {"project_id", std::to_string(process.project.value())},
                                       {"attempt", std::to_string(process.attempts)}});
  auto started = std::chrono::steady_clock::now();
  auto last_write = std::chrono::steady_clock::time_point{};
  auto discovered = std::chrono::steady_clock::time_point{};
  bool lease_lost = false;
  auto progress = [&](int64_t done, int64_t total) {
    auto t = std::chrono::steady_clock::now();
    if (done == total) discovered = t;
    if (done != total && t - last_write < options_.progress_interval) return;
    last_write = t;
    auto written = store_.UpdateProcessProgress(
        process.id, owner, done, total, fmt::format("discovering {}/{} tables", done, total),
        clock_.Now() + options_.lease);
    if (!written.ok()) lease_lost = true;
  };

  Result<TextPieces> content = Error::Internal("not run");
  try {
    content = runner_.Run(process, progress);
  } catch (const std::exception& e) {
    content = Error::Internal(std::string("generation failed unexpectedly: ") + e.what());
  }
  if (lease_lost) {
    logging::Warn("lease lost; another worker owns the process",
                  {{"process_id", std::to_string(process.id.value())}});
    return true;
  }
  const auto generated = std::chrono::steady_clock::now();
  if (discovered == std::chrono::steady_clock::time_point{}) discovered = generated;
  // A large content is escaped for its answer on a second thread while this
  // one stores it; it is handed over only once it is stored.
  std::future<std::vector<std::uint8_t>> literal;
  if (prepared_ != nullptr && content.ok() && prepared_->Worthwhile(content.value().size())) {
    prepared_->Expect(process.id);
    literal = std::async(std::launch::async,
                         [&pieces = content.value()] { return JsonStringLiteral(pieces); });
  }
  Status finished = content.ok()
                        ? store_.FinishProcess(process.id, owner, store::ProcessStatus::kSuccess,
                                               "", content.value())
                        : store_.FinishProcess(process.id, owner, store::ProcessStatus::kFail,
                                               content.error().message(), {});
  if (!finished.ok()) {
    logging::Error("cannot store the result of a process",
                   {{"process_id", std::to_string(process.id.value())},
                    {"detail", finished.error().message()}});
  }
  const auto stored = std::chrono::steady_clock::now();
  if (literal.valid()) {
    try {
      std::vector<std::uint8_t> escaped = literal.get();
      if (finished.ok()) {
        prepared_->Fulfil(process.id, std::move(escaped));
      } else {
        prepared_->Abandon(process.id);
      }
    } catch (const std::exception&) {  // out of memory: the answer reads the store
      prepared_->Abandon(process.id);
    }
  }
  auto ms = [](auto from, auto to) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(to - from).count());
  };
  // Where the time went: discovery (source metadata), rendering, storing.
  logging::Info("generation finished",
                {{"process_id", std::to_string(process.id.value())},
                 {"status", content.ok() ? "success" : "fail"},
                 {"elapsed_ms", ms(started, stored)},
                 {"discovery_ms", ms(started, discovered)},
                 {"render_ms", ms(discovered, generated)},
                 {"store_ms", ms(generated, stored)},
                 {"bytes", std::to_string(content.ok() ? content.value().size() : 0)}});
  // A large generation leaves its memory free in malloc's heap: kept for
  // the next generation, given back once they stop (Loop, IdleTrim).
  large = content.ok() && content.value().size() >= kTrimAfterBytes;
  return true;
}

}  // namespace disync::jobs
