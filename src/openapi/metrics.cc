#include "openapi/metrics.h"

#include <fmt/format.h>

namespace disync::openapi {
namespace {

// Label values are Action names and error codes, but escape anyway.
std::string Escape(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

void Metrics::RequestFinished(std::string_view action, std::string_view code, int http_status,
                              std::chrono::nanoseconds latency) {
  in_flight_.fetch_sub(1, std::memory_order_relaxed);
  double seconds = std::chrono::duration<double>(latency).count();
  std::lock_guard lock(mu_);
  ++requests_[{std::string(action), std::string(code), http_status}];
  Histogram& h = latency_[std::string(action)];
  for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
    if (seconds <= kBucketsSeconds[i]) ++h.buckets[i];
  }
  ++h.count;
  h.sum_seconds += seconds;
}

std::string Metrics::RenderPrometheus() {
  std::string out;
  out += "# HELP disync_requests_total OpenAPI requests by Action, error Code and HTTP status.\n";
  out += "# TYPE disync_requests_total counter\n";
  std::lock_guard lock(mu_);
  for (const auto& [key, count] : requests_) {
    const auto& [action, code, status] = key;
    out += fmt::format("disync_requests_total{{action=\"{}\",code=\"{}\",status=\"{}\"}} {}\n",
                       Escape(action), Escape(code), status, count);
  }
  out += "# HELP disync_request_duration_seconds OpenAPI request latency by Action.\n";
  out += "# TYPE disync_request_duration_seconds histogram\n";
  for (const auto& [action, h] : latency_) {
    std::string a = Escape(action);
    for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
      out += fmt::format("disync_request_duration_seconds_bucket{{action=\"{}\",le=\"{}\"}} {}\n",
                         a, kBucketsSeconds[i], h.buckets[i]);
    }
    out += fmt::format("disync_request_duration_seconds_bucket{{action=\"{}\",le=\"+Inf\"}} {}\n",
                       a, h.count);
    out += fmt::format("disync_request_duration_seconds_sum{{action=\"{}\"}} {}\n", a,
                       h.sum_seconds);
    out += fmt::format("disync_request_duration_seconds_count{{action=\"{}\"}} {}\n", a, h.count);
  }
  out += "# HELP disync_requests_in_flight OpenAPI requests being processed.\n";
  out += "# TYPE disync_requests_in_flight gauge\n";
  out += fmt::format("disync_requests_in_flight {}\n", in_flight_.load(std::memory_order_relaxed));
  return out;
}

}  // namespace disync::openapi
