// RunLoad: a closed-loop HTTP/1.1 load generator for the benchmarks in bench/.
//
// `connections` keep-alive connections each keep exactly one request in
// flight: build it with the RequestFactory, write it, read the answer, record
// the latency, repeat. Requests that complete during the warm-up are not
// counted; the ones that complete in the measured window that follows are.
// The server's throughput is then requests / seconds, and the latency
// percentiles are those of the successful (HTTP 200) requests.
//
// Boost.Asio/Beast stay inside load_engine.cc; this header is cheap to include.
//
// Threading: RunLoad blocks the calling thread until the run is over and may
// be called from any thread. It drives the connections on `threads` internal
// I/O threads; the factory is only ever called from those threads, one call
// at a time (serialised by the engine), so it need not be thread-safe itself,
// but it must not block.
#ifndef DISYNC_BENCH_LOAD_ENGINE_H_
#define DISYNC_BENCH_LOAD_ENGINE_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"

namespace disync::bench {

// One request as it goes on the wire.
struct LoadRequest {
  std::string method;  // "GET" / "POST"
  std::string target;  // origin-form, e.g. "/?a=1"
  // Sent in this order, duplicates kept; must include host. Content-Length is
  // added for a non-empty body.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

// Called for every request sent; each must be fresh (a signed request carries
// a unique nonce and timestamp). See the threading contract above.
using RequestFactory = std::function<LoadRequest()>;

struct LoadOptions {
  std::string host;  // "127.0.0.1"; resolved once, before the run
  uint16_t port = 0;
  int connections = 1;  // concurrent keep-alive connections, one request in flight each
  std::chrono::milliseconds warmup{500};     // requests completing in it are not counted
  std::chrono::milliseconds duration{3000};  // measured window after the warm-up
  int threads = 1;  // I/O threads; each connection is driven on one strand
};

struct LoadStats {
  uint64_t requests = 0;  // completed in the measured window with HTTP status 200
  uint64_t errors = 0;    // non-200 answers and transport errors in the measured window
  double seconds = 0;     // length of the measured window
  double requests_per_second = 0;
  double p50_ms = 0;  // latency of successful requests in the measured window
  double p99_ms = 0;
  double max_ms = 0;
  uint64_t response_body_bytes = 0;  // size of the last successful response body
  // The first error seen, warm-up included ("HTTP 401: <body excerpt>", or a
  // transport error such as "read: End of file"); "" if none.
  std::string first_error;
};

// Runs warm-up + measured window against options.host:port and returns the
// statistics. Errors: kInvalidArgument for nonsensical options, kUnavailable
// when the host does not resolve or no connection can be established at all.
// A server that closes a connection costs one error and a reconnect; an answer
// with "Connection: close" costs a reconnect only.
[[nodiscard]] Result<LoadStats> RunLoad(const LoadOptions& options,
                                        const RequestFactory& make_request);

}  // namespace disync::bench

#endif  // DISYNC_BENCH_LOAD_ENGINE_H_
