// Server: HTTP/1.1 on Boost.Beast. It accepts connections on a fixed pool of
// I/O threads, reads each request under a deadline and a body limit, hands
// it to a RequestHandler and writes the handler's Response, with keep-alive.
//
// Ownership: the composition root owns the Server and the handler; the
// handler must outlive the Server.
// Threading: Start() spawns `io_threads` threads that run the io_context.
// Handlers are called on those threads and must not block: they may do
// bounded work there (the Dispatcher admits small requests and answers quick
// ones), and hand anything that can wait to another pool and call the
// Responder from there. Shutdown() may be called from any thread other than
// an I/O thread: it stops accepting, closes idle connections, lets every
// request already read finish and be answered, then joins the I/O threads.
#ifndef DISYNC_HTTP_SERVER_H_
#define DISYNC_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "http/message.h"

namespace disync::http {

// Completes a request; must be called exactly once, from any thread.
using Responder = std::function<void(Response)>;

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Called on an I/O thread with a complete request.
  virtual void Handle(Request request, Responder respond) = 0;
  // The answer to a request that could not be read (too large, malformed).
  virtual Response TransportError(int status, std::string_view reason) = 0;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 picks a free port
  int io_threads = 2;
  size_t max_body_bytes = 8 * 1024 * 1024;
  size_t max_header_bytes = 64 * 1024;
  // Deadline for reading one whole request (headers and body), and for an
  // idle keep-alive connection to send its next request.
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
};

class Server {
 public:
  // Binds and listens; kUnavailable when the address cannot be bound.
  static Result<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                               RequestHandler& handler);
  ~Server();  // calls Shutdown()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound address, with the real port when 0 was asked for.
  const std::string& host() const;
  uint16_t port() const;

  void Shutdown();

  class Impl;

 private:
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace disync::http

#endif  // DISYNC_HTTP_SERVER_H_
