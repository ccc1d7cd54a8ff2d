// Session: one accepted TCP connection. Reads requests one at a time (header
// first, then the body, under one deadline and the body limit), passes each
// to the RequestHandler and writes its answer; keeps the connection for the
// next request when both sides allow it.
//
// Internal to src/http (includes Beast). Lifetime: shared_ptr, kept alive by
// its pending asynchronous operations and by the Responder of a request in
// flight. Threading: all members are touched only on the session's strand;
// Respond() and Close() may be called from any thread and post onto it.
#ifndef DISYNC_HTTP_SESSION_H_
#define DISYNC_HTTP_SESSION_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "http/parts_body.h"
#include "http/server.h"

namespace disync::http {

class Session;

// What the listener and every session share. Thread-safe: the session
// registry is guarded by mu_.
class SharedState {
 public:
  SharedState(const ServerOptions& options, RequestHandler& handler,
              boost::asio::io_context& ioc)
      : options_(options), handler_(handler), ioc_(ioc) {}

  const ServerOptions& options() const { return options_; }
  RequestHandler& handler() { return handler_; }
  boost::asio::io_context& ioc() { return ioc_; }

  // Registers a session; returns false when the server is stopping.
  bool Add(const std::shared_ptr<Session>& session);
  void Remove(Session* session);
  // Marks the server stopping and closes every registered session.
  void CloseAll();

 private:
  const ServerOptions options_;
  RequestHandler& handler_;
  boost::asio::io_context& ioc_;
  std::mutex mu_;
  bool stopping_ = false;                                          // guarded by mu_
  std::unordered_map<Session*, std::weak_ptr<Session>> sessions_;  // guarded by mu_
};

class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(boost::asio::ip::tcp::socket&& socket, SharedState& state);
  ~Session();

  void Run();
  // Stops reading; a request being handled is still answered, then the
  // connection closes.
  void Close();

 private:
  using Parser = boost::beast::http::request_parser<boost::beast::http::string_body>;
  using BeastResponse = boost::beast::http::response<PartsBody>;

  void DoReadHeader();
  void OnReadHeader(boost::beast::error_code ec, size_t bytes);
  void DoReadBody();
  void OnReadBody(boost::beast::error_code ec, size_t bytes);
  void Dispatch();
  void FailRead(boost::beast::error_code ec);
  void Write(Response response, bool keep_alive);
  void OnWrite(bool keep_alive, boost::beast::error_code ec, size_t bytes);
  void CloseSocket();

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::optional<Parser> parser_;
  std::shared_ptr<BeastResponse> response_;
  std::shared_ptr<std::string> continue_;  // "100 Continue" bytes being written
  SharedState& state_;
  std::string remote_;
  bool busy_ = false;     // a request is with the handler or being answered
  bool closing_ = false;  // Close() was called
};

}  // namespace disync::http

#endif  // DISYNC_HTTP_SESSION_H_
