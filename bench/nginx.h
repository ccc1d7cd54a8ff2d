// Nginx: a private nginx serving one static body, the throughput ceiling of
// the machine for the benchmarks in bench/ ("how fast could any HTTP server
// answer here?").
//
// Start() writes a generated config and the body into a fresh temporary
// directory (mkdtemp under $TMPDIR or /tmp), runs nginx in the foreground
// (`daemon off`, so the child is the master) on 127.0.0.1 and a free port, and
// returns once the port accepts connections. Every GET, whatever its path or
// query, is answered 200 with the body. Nothing outside the temporary
// directory is read or written besides the nginx binary itself; the system
// nginx service is neither needed nor touched.
//
// Ownership: the object owns the nginx process group and the directory; the
// destructor stops the one (SIGTERM, then SIGKILL after a deadline) and
// removes the other. Threading: not thread-safe; port() may be read from any
// thread once Start() has returned.
#ifndef DISYNC_BENCH_NGINX_H_
#define DISYNC_BENCH_NGINX_H_

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "common/result.h"

namespace disync::bench {

// Where Debian's nginx / nginx-light packages put the binary.
inline constexpr char kDefaultNginxBinary[] = "/usr/sbin/nginx";

class Nginx {
 public:
  // Starts `nginx_binary` with `workers` worker processes serving `body` as
  // `content_type`. Errors: kInvalidArgument for workers < 1 or a content
  // type that cannot be written into the config; kUnavailable when nginx
  // cannot be started or does not listen within 10 s (the message ends with
  // the tail of nginx's log).
  [[nodiscard]] static Result<std::unique_ptr<Nginx>> Start(const std::string& nginx_binary,
                                                            std::string body,
                                                            std::string content_type,
                                                            int workers);

  Nginx(const Nginx&) = delete;
  Nginx& operator=(const Nginx&) = delete;
  ~Nginx();

  uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }  // the master process

 private:
  explicit Nginx(std::string dir) : dir_(std::move(dir)) {}

  // Polls until nginx has written its pid file (it does so after binding its
  // sockets) and the port accepts a TCP connection, or nginx exits, or the
  // deadline passes.
  Status WaitReady(std::chrono::steady_clock::time_point deadline);
  void Stop();

  std::string dir_;  // the temporary directory, removed by the destructor
  pid_t pid_ = -1;   // the master, also the process group id; -1 when not running
  uint16_t port_ = 0;
};

}  // namespace disync::bench

#endif  // DISYNC_BENCH_NGINX_H_
