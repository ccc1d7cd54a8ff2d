// Metrics: request counters by Action and Code, a latency histogram by
// Action, and the number of requests in flight, rendered in the Prometheus
// text format for GET /metrics. Thread-safe (one mutex; updates are short).
#ifndef DISYNC_OPENAPI_METRICS_H_
#define DISYNC_OPENAPI_METRICS_H_

#include <array>
#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>

namespace disync::openapi {

class Metrics {
 public:
  static constexpr std::array<double, 12> kBucketsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0};

  void RequestStarted() { in_flight_.fetch_add(1, std::memory_order_relaxed); }
  // `code` is "" for a success.
  void RequestFinished(std::string_view action, std::string_view code, int http_status,
                       std::chrono::nanoseconds latency);

  std::string RenderPrometheus();

 private:
  struct Histogram {
    std::array<uint64_t, kBucketsSeconds.size()> buckets{};
    uint64_t count = 0;
    double sum_seconds = 0;
  };

  std::atomic<int64_t> in_flight_{0};
  std::mutex mu_;
  // (action, code, status) -> count
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // guarded by mu_
  std::map<std::string, Histogram> latency_;                                 // guarded by mu_
};

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_METRICS_H_
