#include "http/session.h"

#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>

namespace disync::http {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;

bool SharedState::Add(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mu_);
  if (stopping_) return false;
  sessions_.emplace(session.get(), session);
  return true;
}

void SharedState::Remove(Session* session) {
  std::lock_guard lock(mu_);
  sessions_.erase(session);
}

void SharedState::CloseAll() {
  std::vector<std::shared_ptr<Session>> live;
  {
    // Copy under the lock, act outside it.
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [ptr, weak] : sessions_) {
      if (auto s = weak.lock()) live.push_back(std::move(s));
    }
  }
  for (auto& s : live) s->Close();
}

Session::Session(net::ip::tcp::socket&& socket, SharedState& state)
    : stream_(std::move(socket)), state_(state) {
  beast::error_code ec;
  auto ep = stream_.socket().remote_endpoint(ec);
  if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
}

Session::~Session() { state_.Remove(this); }

void Session::Run() {
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    if (!self->state_.Add(self)) return self->CloseSocket();
    self->DoReadHeader();
  });
}

void Session::Close() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->closing_ = true;
    if (!self->busy_) self->CloseSocket();
  });
}

void Session::CloseSocket() {
  beast::error_code ec;
  stream_.socket().shutdown(net::ip::tcp::socket::shutdown_both, ec);
  stream_.close();
}

void Session::DoReadHeader() {
  if (closing_) return CloseSocket();
  parser_.emplace();
  parser_->header_limit(static_cast<uint32_t>(state_.options().max_header_bytes));
  parser_->body_limit(state_.options().max_body_bytes);
  // One deadline covers the whole request, header and body: a client that
  // trickles bytes (slowloris) is cut off when it expires.
  stream_.expires_after(state_.options().read_timeout);
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      beast::bind_front_handler(&Session::OnReadHeader, shared_from_this()));
}

void Session::OnReadHeader(beast::error_code ec, size_t /*bytes*/) {
  if (ec) return FailRead(ec);
  const auto& req = parser_->get();
  auto expect = req[bhttp::field::expect];
  if (!expect.empty() && beast::iequals(expect, "100-continue")) {
    continue_ = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
    net::async_write(stream_, net::buffer(*continue_),
                     [self = shared_from_this()](beast::error_code wec, size_t) {
                       if (wec) return self->CloseSocket();
                       self->DoReadBody();
                     });
    return;
  }
  DoReadBody();
}

void Session::DoReadBody() {
  bhttp::async_read(stream_, buffer_, *parser_,
                    beast::bind_front_handler(&Session::OnReadBody, shared_from_this()));
}

void Session::OnReadBody(beast::error_code ec, size_t /*bytes*/) {
  if (ec) return FailRead(ec);
  Dispatch();
}

void Session::FailRead(beast::error_code ec) {
  if (ec == bhttp::error::end_of_stream || ec == net::error::operation_aborted ||
      ec == beast::error::timeout || ec == net::error::eof ||
      ec == net::error::connection_reset || closing_) {
    return CloseSocket();
  }
  int status = 400;
  if (ec == bhttp::error::body_limit) status = 413;
  if (ec == bhttp::error::header_limit) status = 431;
  busy_ = true;
  Write(state_.handler().TransportError(status, ec.message()), /*keep_alive=*/false);
}

void Session::Dispatch() {
  busy_ = true;
  auto message = parser_->release();
  Request request;
  request.method = std::string(message.method_string());
  request.target = std::string(message.target());
  for (const auto& field : message) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.body = std::move(message.body());
  request.remote_address = remote_;
  bool keep_alive = message.keep_alive();

  // The work guard keeps the io_context running while the request is with
  // another pool, so that a graceful shutdown still writes its answer.
  auto guard = net::make_work_guard(state_.ioc());
  state_.handler().Handle(
      std::move(request),
      [self = shared_from_this(), keep_alive, guard = std::move(guard)](Response response) mutable {
        net::post(self->stream_.get_executor(),
                  [self, keep_alive, response = std::move(response)]() mutable {
                    self->Write(std::move(response), keep_alive);
                  });
        guard.reset();
      });
}

void Session::Write(Response response, bool keep_alive) {
  keep_alive = keep_alive && !closing_;
  response_ = std::make_shared<BeastResponse>();
  response_->version(11);
  response_->result(static_cast<unsigned>(response.status));
  response_->set(bhttp::field::server, "disync");
  response_->set(bhttp::field::content_type, response.content_type);
  for (auto& [name, value] : response.headers) response_->set(name, value);
  response_->keep_alive(keep_alive);
  response_->body().text = std::move(response.body);
  response_->body().parts = std::move(response.parts);
  response_->prepare_payload();
  stream_.expires_after(state_.options().write_timeout);
  bhttp::async_write(stream_, *response_,
                     beast::bind_front_handler(&Session::OnWrite, shared_from_this(), keep_alive));
}

void Session::OnWrite(bool keep_alive, beast::error_code ec, size_t /*bytes*/) {
  busy_ = false;
  response_.reset();
  if (ec || !keep_alive || closing_) return CloseSocket();
  DoReadHeader();
}

}  // namespace disync::http
