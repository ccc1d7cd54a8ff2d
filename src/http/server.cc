#include "http/server.h"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/strand.hpp>
#include <thread>
#include <vector>

#include "common/logging.h"
#include "http/session.h"

namespace disync::http {

namespace net = boost::asio;
using tcp = net::ip::tcp;

// Owns the io_context, the acceptor and the I/O threads.
// Threading: Accept callbacks run on the acceptor's strand; Shutdown() is
// called from outside the I/O threads.
class Server::Impl {
 public:
  Impl(const ServerOptions& options, RequestHandler& handler)
      : ioc_(options.io_threads),
        state_(options, handler, ioc_),
        acceptor_(net::make_strand(ioc_)) {}

  Status Listen(const ServerOptions& options) {
    boost::system::error_code ec;
    auto address = net::ip::make_address(options.host, ec);
    if (ec) return Error::InvalidArgument("bad listen host '" + options.host + "': " + ec.message());
    tcp::endpoint endpoint(address, options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      return Error::Unavailable("cannot listen on " + options.host + ":" +
                                std::to_string(options.port) + ": " + ec.message());
    }
    auto local = acceptor_.local_endpoint();
    host_ = local.address().to_string();
    port_ = local.port();
    DoAccept();
    threads_.reserve(static_cast<size_t>(options.io_threads));
    for (int i = 0; i < options.io_threads; ++i) {
      threads_.emplace_back([this] { ioc_.run(); });
    }
    return OkStatus();
  }

  void Shutdown() {
    std::call_once(shutdown_once_, [this] {
      net::post(acceptor_.get_executor(), [this] {
        boost::system::error_code ec;
        acceptor_.close(ec);
      });
      state_.CloseAll();
      // run() returns once every session has finished and every request in
      // flight has been answered (each holds a work guard).
      for (auto& t : threads_) t.join();
    });
  }

  const std::string& host() const { return host_; }
  uint16_t port() const { return port_; }

 private:
  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](boost::system::error_code ec,
                                                          tcp::socket socket) {
      if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
      if (ec) {
        logging::Warn("accept failed", {{"error", ec.message()}});
      } else {
        std::make_shared<Session>(std::move(socket), state_)->Run();
      }
      DoAccept();
    });
  }

  net::io_context ioc_;
  SharedState state_;
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  std::once_flag shutdown_once_;
  std::string host_;
  uint16_t port_ = 0;
};

Result<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                              RequestHandler& handler) {
  if (options.io_threads < 1) return Error::InvalidArgument("io_threads must be >= 1");
  auto impl = std::make_unique<Impl>(options, handler);
  DISYNC_RETURN_IF_ERROR(impl->Listen(options));
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() {
  if (impl_) impl_->Shutdown();
}

const std::string& Server::host() const { return impl_->host(); }
uint16_t Server::port() const { return impl_->port(); }
void Server::Shutdown() { impl_->Shutdown(); }

}  // namespace disync::http
