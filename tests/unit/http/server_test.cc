// The Beast server over real loopback sockets, with a fake handler.
#include "http/server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

namespace disync::http {
namespace {

using namespace std::chrono_literals;

// Echoes method, target and body; holds requests to "/hold" until released.
class EchoHandler final : public RequestHandler {
 public:
  void Handle(Request request, Responder respond) override {
    if (request.target == "/hold") {
      std::lock_guard lock(mu_);
      held_.push_back(std::move(respond));
      cv_.notify_all();
      return;
    }
    Response r;
    r.body = request.method + " " + request.target + " " + request.body;
    if (request.target == "/parts") {  // the body is "[<1 MiB of x>|abc|]"
      r.body = "[||]";
      r.parts.push_back({1, std::vector<std::uint8_t>(1 << 20, 'x')});
      r.parts.push_back({2, {'a', 'b', 'c'}});
      r.parts.push_back({3, {}});
    }
    respond(std::move(r));
  }
  Response TransportError(int status, std::string_view) override {
    Response r;
    r.status = status;
    r.body = "{\"Code\":\"InvalidParameter\"}";
    return r;
  }
  void WaitHeld(size_t n) {
    std::unique_lock lock(mu_);
    ASSERT_TRUE(cv_.wait_for(lock, 10s, [&] { return held_.size() >= n; }));
  }
  void ReleaseAll() {
    std::vector<Responder> held;
    {
      std::lock_guard lock(mu_);
      held.swap(held_);
    }
    for (auto& r : held) {
      Response resp;
      resp.body = "released";
      r(std::move(resp));
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Responder> held_;
};

// A blocking loopback client: enough to speak raw HTTP/1.1 in tests.
class Client {
 public:
  explicit Client(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~Client() { ::close(fd_); }
  bool connected() const { return connected_; }
  void Send(std::string_view bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  // Reads one response (headers + Content-Length body); "" on close/timeout.
  std::string ReadResponse(std::chrono::milliseconds deadline = 10000ms) {
    auto until = std::chrono::steady_clock::now() + deadline;
    for (;;) {
      auto end = buffer_.find("\r\n\r\n");
      if (end != std::string::npos) {
        size_t length = 0;
        auto cl = buffer_.find("Content-Length: ");
        if (cl != std::string::npos && cl < end) length = std::stoul(buffer_.substr(cl + 16));
        if (buffer_.size() >= end + 4 + length) {
          std::string out = buffer_.substr(0, end + 4 + length);
          buffer_.erase(0, end + 4 + length);
          return out;
        }
      }
      if (!Fill(until)) return "";
    }
  }
  // True when the server closes the connection before the deadline.
  bool WaitClosed(std::chrono::milliseconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < until) {
      if (!Fill(until)) return closed_;
    }
    return false;
  }

 private:
  bool Fill(std::chrono::steady_clock::time_point until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        until - std::chrono::steady_clock::now());
    if (left <= 0ms) return false;
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
    char buf[4096];
    ssize_t n = ::recv(fd_, buf, sizeof(buf), 0);
    if (n <= 0) {
      closed_ = true;
      return false;
    }
    buffer_.append(buf, static_cast<size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  bool closed_ = false;
  std::string buffer_;
};

class ServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}) {
    options.port = 0;
    options.io_threads = 2;
    auto s = Server::Start(options, handler_);
    ASSERT_TRUE(s.ok()) << s.error().message();
    server_ = std::move(s).value();
    ASSERT_NE(server_->port(), 0);
  }
  EchoHandler handler_;
  std::unique_ptr<Server> server_;
};

TEST_F(ServerTest, KeepsTheConnectionForTheNextRequest) {
  StartServer();
  Client c(server_->port());
  ASSERT_TRUE(c.connected());
  c.Send("GET /?a=1 HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string first = c.ReadResponse();
  EXPECT_NE(first.find("200 OK"), std::string::npos) << first;
  EXPECT_NE(first.find("GET /?a=1 "), std::string::npos) << first;
  c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
  std::string second = c.ReadResponse();
  EXPECT_NE(second.find("POST / abc"), std::string::npos) << second;
}

TEST_F(ServerTest, SendsBodyPartsInTheirPlaces) {
  StartServer();
  Client c(server_->port());
  c.Send("GET /parts HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string r = c.ReadResponse();
  const std::string body = "[" + std::string(1 << 20, 'x') + "|abc|]";
  ASSERT_GE(r.size(), body.size());
  EXPECT_EQ(r.substr(r.size() - body.size()), body);
  EXPECT_NE(r.find("Content-Length: " + std::to_string(body.size()) + "\r\n"), std::string::npos);
  c.Send("GET /next HTTP/1.1\r\nHost: x\r\n\r\n");  // the connection goes on
  EXPECT_NE(c.ReadResponse().find("GET /next "), std::string::npos);
}

TEST_F(ServerTest, DechunksBodies) {
  StartServer();
  Client c(server_->port());
  c.Send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         "4\r\nTask\r\n6\r\nParam=\r\n0\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("POST / TaskParam="), std::string::npos) << r;
}

TEST_F(ServerTest, AnswersExpectContinue) {
  StartServer();
  Client c(server_->port());
  c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
  std::string interim = c.ReadResponse();
  EXPECT_NE(interim.find("100 Continue"), std::string::npos) << interim;
  c.Send("ok");
  EXPECT_NE(c.ReadResponse().find("POST / ok"), std::string::npos);
}

TEST_F(ServerTest, RefusesBodiesOverTheLimitWith413) {
  ServerOptions o;
  o.max_body_bytes = 1024;
  StartServer(o);
  Client c(server_->port());
  std::string body(2048, 'x');
  c.Send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\n\r\n" + body);
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("413"), std::string::npos) << r;
  EXPECT_NE(r.find("InvalidParameter"), std::string::npos) << r;
  // The server keeps serving others.
  Client other(server_->port());
  other.Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(other.ReadResponse().find("200 OK"), std::string::npos);
}

TEST_F(ServerTest, MalformedRequestsGet400) {
  StartServer();
  Client c(server_->port());
  c.Send("THIS IS NOT HTTP\r\n\r\n");
  std::string r = c.ReadResponse();
  EXPECT_NE(r.find("400"), std::string::npos) << r;
}

TEST_F(ServerTest, CutsOffSlowHeadersAtTheReadDeadline) {
  ServerOptions o;
  o.read_timeout = 300ms;
  StartServer(o);
  Client slow(server_->port());
  slow.Send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finishes its headers
  EXPECT_TRUE(slow.WaitClosed(10s));
  Client fine(server_->port());
  fine.Send("GET /ok HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_NE(fine.ReadResponse().find("GET /ok"), std::string::npos);
}

TEST_F(ServerTest, ShutdownAnswersRequestsInFlight) {
  StartServer();
  Client busy(server_->port());
  Client idle(server_->port());
  ASSERT_TRUE(busy.connected() && idle.connected());
  busy.Send("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n");
  handler_.WaitHeld(1);
  auto shutdown = std::async(std::launch::async, [&] { server_->Shutdown(); });
  // The idle connection is closed at once; the held request is still open.
  EXPECT_TRUE(idle.WaitClosed(10s));
  EXPECT_EQ(shutdown.wait_for(100ms), std::future_status::timeout);
  handler_.ReleaseAll();
  std::string r = busy.ReadResponse();
  EXPECT_NE(r.find("released"), std::string::npos) << r;
  EXPECT_NE(r.find("Connection: close"), std::string::npos) << r;
  EXPECT_EQ(shutdown.wait_for(10s), std::future_status::ready);
  // Nothing listens any more.
  Client late(server_->port());
  EXPECT_FALSE(late.connected());
}

TEST(Server, ReportsAnAddressInUse) {
  EchoHandler handler;
  ServerOptions o;
  o.port = 0;
  auto first = Server::Start(o, handler);
  ASSERT_TRUE(first.ok());
  o.port = (*first)->port();
  auto second = Server::Start(o, handler);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.error().code(), ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace disync::http
