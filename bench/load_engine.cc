// RunLoad (see load_engine.h): the Asio/Beast side of the load generator.
// One Connection per keep-alive connection, each on its own strand; a shared
// RunState holds the time window, the serialised request factory and the
// first error. Per-connection counters and latencies are touched only on the
// connection's strand and merged after the I/O threads have been joined.
#include "bench/load_engine.h"

#include <algorithm>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cmath>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

namespace disync::bench {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// Large enough for any answer a benchmark asks for (e.g. a big task list).
constexpr uint64_t kBodyLimitBytes = uint64_t{64} << 20;
constexpr size_t kErrorExcerptBytes = 200;
// Pause before retrying a refused connect, so a dead server is not spun on.
constexpr auto kReconnectBackoff = std::chrono::milliseconds(20);
// Latency slots pre-allocated over all connections (about 3 s at 150k req/s),
// so the hot loop rarely allocates.
constexpr size_t kLatencyReserveTotal = size_t{1} << 19;
constexpr size_t kLatencyReserveMin = 1024;

// What every connection shares. Thread-safe.
class RunState {
 public:
  RunState(const RequestFactory& factory, Clock::time_point measure_start,
           Clock::time_point measure_end)
      : factory_(factory), measure_start_(measure_start), measure_end_(measure_end) {}

  // Calls the factory, one caller at a time. An exception from the factory
  // becomes an Error (and ends the caller's connection).
  Result<LoadRequest> MakeRequest() {
    std::lock_guard lock(factory_mu_);
    try {
      return factory_();
    } catch (const std::exception& e) {
      return Error::Internal(std::string("request factory threw: ") + e.what());
    }
  }

  bool InWindow(Clock::time_point t) const { return t >= measure_start_ && t < measure_end_; }
  bool Over(Clock::time_point t) const { return t >= measure_end_; }

  void NoteError(std::string description) {
    std::lock_guard lock(error_mu_);
    if (first_error_.empty()) first_error_ = std::move(description);
  }
  std::string first_error() {
    std::lock_guard lock(error_mu_);
    return first_error_;
  }

 private:
  const RequestFactory& factory_;
  const Clock::time_point measure_start_;
  const Clock::time_point measure_end_;
  std::mutex factory_mu_;  // serialises factory_
  std::mutex error_mu_;
  std::string first_error_;  // guarded by error_mu_
};

struct ConnectionStats {
  uint64_t requests = 0;
  uint64_t errors = 0;
  std::vector<int64_t> latencies_ns;
  bool ever_connected = false;
  uint64_t last_body_bytes = 0;
  std::optional<Clock::time_point> last_success_at;
};

// One keep-alive connection with one request in flight. Lifetime: shared_ptr,
// kept alive by its pending operations and by RunLoad. Threading: all members
// are touched only on strand_; Stop() may be called from any thread; stats()
// only once the I/O threads are joined.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(net::io_context& ioc, const tcp::resolver::results_type& endpoints,
             RunState& run, size_t latency_reserve)
      : strand_(net::make_strand(ioc)),
        socket_(strand_),
        backoff_(strand_),
        endpoints_(endpoints),
        run_(run) {
    stats_.latencies_ns.reserve(latency_reserve);
  }

  void Start() {
    net::post(strand_, [self = shared_from_this()] { self->DoConnect(); });
  }

  void Stop() {
    net::post(strand_, [self = shared_from_this()] { self->StopOnStrand(); });
  }

  const ConnectionStats& stats() const { return stats_; }

 private:
  void StopOnStrand() {
    stopped_ = true;
    beast::error_code ignored;
    socket_.close(ignored);
    backoff_.cancel();
  }

  void DoConnect() {
    if (stopped_) return;
    buffer_.clear();
    net::async_connect(socket_, endpoints_,
                       beast::bind_front_handler(&Connection::OnConnect, shared_from_this()));
  }

  void OnConnect(beast::error_code ec, const tcp::endpoint& /*endpoint*/) {
    if (stopped_) return;
    if (ec) {
      CountError(Clock::now(), "connect: " + ec.message());
      beast::error_code ignored;
      socket_.close(ignored);
      backoff_.expires_after(kReconnectBackoff);
      backoff_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec) self->DoConnect();
      });
      return;
    }
    stats_.ever_connected = true;
    beast::error_code ignored;
    socket_.set_option(tcp::no_delay(true), ignored);
    DoRequest();
  }

  void DoRequest() {
    if (stopped_) return;
    if (run_.Over(Clock::now())) return StopOnStrand();
    Result<LoadRequest> made = run_.MakeRequest();
    if (!made.ok()) {
      run_.NoteError(made.error().message());
      return StopOnStrand();
    }
    LoadRequest& r = made.value();
    request_ = {};
    request_.version(11);
    bhttp::verb verb = bhttp::string_to_verb(r.method);
    if (verb == bhttp::verb::unknown) {
      request_.method_string(r.method);
    } else {
      request_.method(verb);
    }
    request_.target(r.target);
    for (const auto& [name, value] : r.headers) request_.insert(name, value);
    request_.body() = std::move(r.body);
    request_.prepare_payload();

    sent_at_ = Clock::now();
    bhttp::async_write(socket_, request_,
                       beast::bind_front_handler(&Connection::OnWrite, shared_from_this()));
  }

  void OnWrite(beast::error_code ec, size_t /*bytes*/) {
    if (stopped_) return;
    if (ec) return Fail("write", ec);
    parser_.emplace();
    parser_->body_limit(kBodyLimitBytes);
    bhttp::async_read(socket_, buffer_, *parser_,
                      beast::bind_front_handler(&Connection::OnRead, shared_from_this()));
  }

  void OnRead(beast::error_code ec, size_t /*bytes*/) {
    if (stopped_) return;
    Clock::time_point now = Clock::now();
    if (ec) return Fail("read", ec);
    if (run_.Over(now)) return StopOnStrand();

    const bhttp::response<bhttp::string_body>& res = parser_->get();
    if (res.result() == bhttp::status::ok) {
      if (run_.InWindow(now)) {
        ++stats_.requests;
        stats_.latencies_ns.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now - sent_at_).count());
      }
      stats_.last_body_bytes = res.body().size();
      stats_.last_success_at = now;
    } else {
      std::string_view body = res.body();
      CountError(now, "HTTP " + std::to_string(res.result_int()) + ": " +
                          std::string(body.substr(0, kErrorExcerptBytes)));
    }

    if (!res.keep_alive()) {
      // The server announced the close: reconnect, not an error.
      beast::error_code ignored;
      socket_.close(ignored);
      return DoConnect();
    }
    DoRequest();
  }

  // A transport error: count it, start over on a new connection.
  void Fail(std::string_view what, beast::error_code ec) {
    CountError(Clock::now(), std::string(what) + ": " + ec.message());
    beast::error_code ignored;
    socket_.close(ignored);
    DoConnect();
  }

  void CountError(Clock::time_point at, std::string description) {
    if (run_.InWindow(at)) ++stats_.errors;
    run_.NoteError(std::move(description));
  }

  net::strand<net::io_context::executor_type> strand_;
  tcp::socket socket_;
  net::steady_timer backoff_;
  const tcp::resolver::results_type& endpoints_;
  RunState& run_;
  beast::flat_buffer buffer_;
  bhttp::request<bhttp::string_body> request_;
  std::optional<bhttp::response_parser<bhttp::string_body>> parser_;
  Clock::time_point sent_at_;
  bool stopped_ = false;
  ConnectionStats stats_;
};

// Nearest-rank percentile of a sorted, non-empty vector, in milliseconds.
double PercentileMs(const std::vector<int64_t>& sorted_ns, double q) {
  size_t n = sorted_ns.size();
  auto rank = static_cast<size_t>(std::ceil(q * static_cast<double>(n)));
  size_t index = std::min(n - 1, rank == 0 ? size_t{0} : rank - 1);
  return static_cast<double>(sorted_ns[index]) / 1e6;
}

Status Validate(const LoadOptions& o) {
  if (o.host.empty()) return Error::InvalidArgument("load: host is empty");
  if (o.port == 0) return Error::InvalidArgument("load: port is 0");
  if (o.connections < 1) return Error::InvalidArgument("load: connections must be >= 1");
  if (o.threads < 1) return Error::InvalidArgument("load: threads must be >= 1");
  if (o.warmup.count() < 0) return Error::InvalidArgument("load: warmup is negative");
  if (o.duration.count() <= 0) return Error::InvalidArgument("load: duration must be > 0");
  return OkStatus();
}

}  // namespace

Result<LoadStats> RunLoad(const LoadOptions& options, const RequestFactory& make_request) {
  DISYNC_RETURN_IF_ERROR(Validate(options));
  const std::string where = options.host + ":" + std::to_string(options.port);

  net::io_context ioc(options.threads);
  beast::error_code ec;
  tcp::resolver resolver(ioc);
  tcp::resolver::results_type endpoints =
      resolver.resolve(options.host, std::to_string(options.port), ec);
  if (ec) return Error::Unavailable("load: cannot resolve " + where + ": " + ec.message());
  {
    // Fail fast on a dead server instead of retrying for the whole run.
    tcp::socket probe(ioc);
    net::connect(probe, endpoints, ec);
    if (ec) return Error::Unavailable("load: cannot connect to " + where + ": " + ec.message());
    beast::error_code ignored;
    probe.close(ignored);
  }

  const Clock::time_point measure_start = Clock::now() + options.warmup;
  const Clock::time_point measure_end = measure_start + options.duration;
  RunState run(make_request, measure_start, measure_end);

  std::vector<std::shared_ptr<Connection>> connections;
  connections.reserve(static_cast<size_t>(options.connections));
  const size_t latency_reserve = std::max(
      kLatencyReserveMin, kLatencyReserveTotal / static_cast<size_t>(options.connections));
  for (int i = 0; i < options.connections; ++i) {
    connections.push_back(std::make_shared<Connection>(ioc, endpoints, run, latency_reserve));
    connections.back()->Start();
  }

  // Cuts off the requests still in flight at the end of the window; once
  // every socket is closed the io_context runs out of work and run() returns.
  net::steady_timer stop_timer(ioc);
  stop_timer.expires_at(measure_end);
  stop_timer.async_wait([&connections](beast::error_code) {
    for (const auto& c : connections) c->Stop();
  });

  std::vector<std::thread> threads;
  threads.reserve(static_cast<size_t>(options.threads));
  for (int i = 0; i < options.threads; ++i) threads.emplace_back([&ioc] { ioc.run(); });
  for (auto& t : threads) t.join();

  LoadStats stats;
  std::vector<int64_t> latencies_ns;
  bool any_connected = false;
  std::optional<Clock::time_point> last_success_at;
  for (const auto& c : connections) {
    const ConnectionStats& s = c->stats();
    any_connected = any_connected || s.ever_connected;
    stats.requests += s.requests;
    stats.errors += s.errors;
    latencies_ns.insert(latencies_ns.end(), s.latencies_ns.begin(), s.latencies_ns.end());
    if (s.last_success_at && (!last_success_at || *s.last_success_at > *last_success_at)) {
      last_success_at = s.last_success_at;
      stats.response_body_bytes = s.last_body_bytes;
    }
  }
  stats.first_error = run.first_error();
  if (!any_connected) {
    return Error::Unavailable("load: no connection to " + where +
                              " could be established: " + stats.first_error);
  }

  stats.seconds = std::chrono::duration<double>(measure_end - measure_start).count();
  stats.requests_per_second = static_cast<double>(stats.requests) / stats.seconds;
  if (!latencies_ns.empty()) {
    std::sort(latencies_ns.begin(), latencies_ns.end());
    stats.p50_ms = PercentileMs(latencies_ns, 0.50);
    stats.p99_ms = PercentileMs(latencies_ns, 0.99);
    stats.max_ms = static_cast<double>(latencies_ns.back()) / 1e6;
  }
  return stats;
}

}  // namespace disync::bench
