// Nginx (see nginx.h): config generation, start (child_process.h), readiness polling and
// teardown of the private nginx used as the benchmarks' throughput ceiling.
#include "bench/nginx.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>
#include <thread>
#include <vector>

#include "bench/child_process.h"

namespace disync::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kStartDeadline = std::chrono::seconds(10);
constexpr auto kStopDeadline = std::chrono::seconds(5);
constexpr auto kPollInterval = std::chrono::milliseconds(5);
// A free port is found by binding port 0 and closing it, so another process
// may take it before nginx binds it; then a fresh start gets another port.
constexpr int kPortAttempts = 3;
constexpr char kLogFile[] = "nginx.log";  // nginx's stderr and error_log
constexpr char kPidFile[] = "nginx.pid";
constexpr char kBodyFile[] = "body";      // under root/

std::string ErrnoText(int err) { return std::strerror(err); }

// Strings go into the config between double quotes; keep them plain.
bool SafeForConfig(std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\' || c == '$' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      return false;
    }
  }
  return true;
}

Result<std::string> MakeTempDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") +
                        "/disync-nginx-XXXXXX";
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) {
    return Error::Unavailable("nginx: mkdtemp " + pattern + ": " + ErrnoText(errno));
  }
  std::string dir(buf.data());
  if (!SafeForConfig(dir)) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    return Error::InvalidArgument("nginx: temporary directory " + dir +
                                  " cannot be quoted in an nginx config");
  }
  return dir;
}

Status WriteFile(const std::string& path, std::string_view content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return Error::Unavailable("nginx: cannot write " + path);
  return OkStatus();
}

// An unused port on 127.0.0.1: bind port 0, read it back, close.
Result<uint16_t> FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return Error::Unavailable("nginx: socket: " + ErrnoText(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    int err = errno;
    close(fd);
    return Error::Unavailable("nginx: finding a free port: " + ErrnoText(err));
  }
  close(fd);
  return ntohs(addr.sin_port);
}

bool CanConnect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(port);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

std::string Quoted(const std::string& s) { return "\"" + s + "\""; }

std::string Config(const std::string& dir, uint16_t port, const std::string& content_type,
                   int workers) {
  std::ostringstream c;
  c << "daemon off;\n"
    << "master_process on;\n"
    << "worker_processes " << workers << ";\n";
  // As root, nginx would switch its workers to `nobody`, who cannot read the
  // 0700 temporary directory; as anyone else `user` is ignored with a warning.
  if (geteuid() == 0) c << "user root root;\n";
  c << "pid " << Quoted(dir + "/" + kPidFile) << ";\n"
    << "lock_file " << Quoted(dir + "/nginx.lock") << ";\n"
    << "error_log stderr warn;\n"
    << "events {\n"
    << "  worker_connections 1024;\n"
    << "}\n"
    << "http {\n"
    << "  access_log off;\n"
    // No MIME map: every answer gets default_type, whatever the file name.
    << "  types {}\n"
    << "  default_type " << Quoted(content_type) << ";\n"
    << "  sendfile on;\n"
    << "  tcp_nodelay on;\n"
    << "  etag off;\n"
    // The body never changes: keep its descriptor open across requests.
    << "  open_file_cache max=16 inactive=1h;\n"
    << "  open_file_cache_valid 1h;\n"
    << "  keepalive_timeout 75s;\n"
    << "  keepalive_requests 1000000;\n"
    // Keep every path nginx might create inside the temporary directory.
    << "  client_body_temp_path " << Quoted(dir + "/tmp_client_body") << ";\n"
    << "  proxy_temp_path " << Quoted(dir + "/tmp_proxy") << ";\n"
    << "  fastcgi_temp_path " << Quoted(dir + "/tmp_fastcgi") << ";\n"
    << "  uwsgi_temp_path " << Quoted(dir + "/tmp_uwsgi") << ";\n"
    << "  scgi_temp_path " << Quoted(dir + "/tmp_scgi") << ";\n"
    << "  server {\n"
    << "    listen 127.0.0.1:" << port << " backlog=4096;\n"
    << "    root " << Quoted(dir + "/root") << ";\n"
    << "    location / {\n"
    // Any path and query serve the one file, without an internal redirect.
    << "      rewrite ^ /" << kBodyFile << " break;\n"
    << "    }\n"
    << "  }\n"
    << "}\n";
  return c.str();
}

Result<pid_t> Spawn(const std::string& binary, const std::string& dir) {
  // -e: the log nginx opens before it has read the config; the compiled-in
  // default may be a system path. Its own process group, so that teardown
  // reaches the workers too.
  SpawnOptions options;
  options.argv = {binary, "-p", dir + "/", "-c", dir + "/nginx.conf", "-e", "stderr"};
  options.stdout_path = dir + "/" + kLogFile;
  options.group = ProcessGroup::kOwn;
  auto pid = SpawnChild(options);
  if (!pid.ok()) {
    return Error::Unavailable("nginx: " + pid.error().message() +
                              " (Debian: apt-get install nginx-light)");
  }
  return pid;
}

}  // namespace

Result<std::unique_ptr<Nginx>> Nginx::Start(const std::string& nginx_binary, std::string body,
                                            std::string content_type, int workers) {
  if (workers < 1) return Error::InvalidArgument("nginx: workers must be >= 1");
  if (content_type.empty() || !SafeForConfig(content_type)) {
    return Error::InvalidArgument("nginx: unsupported content type '" + content_type + "'");
  }

  for (int attempt = 1;; ++attempt) {
    DISYNC_ASSIGN_OR_RETURN(std::string dir, MakeTempDir());
    // From here on the destructor cleans up whatever exists.
    std::unique_ptr<Nginx> nginx(new Nginx(dir));

    std::error_code ec;
    std::filesystem::create_directory(dir + "/root", ec);
    if (ec) return Error::Unavailable("nginx: mkdir " + dir + "/root: " + ec.message());
    DISYNC_RETURN_IF_ERROR(WriteFile(dir + "/root/" + kBodyFile, body));
    DISYNC_ASSIGN_OR_RETURN(nginx->port_, FreePort());
    DISYNC_RETURN_IF_ERROR(
        WriteFile(dir + "/nginx.conf", Config(dir, nginx->port_, content_type, workers)));
    DISYNC_ASSIGN_OR_RETURN(nginx->pid_, Spawn(nginx_binary, dir));

    Status ready = nginx->WaitReady(Clock::now() + kStartDeadline);
    if (ready.ok()) return nginx;

    std::string log = ReadFileText(dir + "/" + kLogFile);
    nginx.reset();
    if (log.find("Address already in use") != std::string::npos && attempt < kPortAttempts) {
      continue;
    }
    return Error::Unavailable(ready.error().message() + "; its log ends with:\n" + TailOf(log));
  }
}

Status Nginx::WaitReady(Clock::time_point deadline) {
  const std::string pid_file = dir_ + "/" + kPidFile;
  const std::string pid_text = std::to_string(pid_);
  for (;;) {
    int status = 0;
    pid_t waited = waitpid(pid_, &status, WNOHANG);
    if (waited == pid_) {
      pid_ = -1;
      return Error::Unavailable("nginx: " + DescribeExit(status) + " while starting");
    }
    if (waited < 0) {
      int err = errno;
      pid_ = -1;
      return Error::Unavailable("nginx: waitpid: " + ErrnoText(err));
    }
    // The pid file is written after the listening socket is bound, so a
    // connect that succeeds then reaches this nginx and not a squatter.
    std::string written = ReadFileText(pid_file);
    if (written.substr(0, written.find_last_not_of(" \n") + 1) == pid_text &&
        CanConnect(port_)) {
      return OkStatus();
    }
    if (Clock::now() >= deadline) {
      return Error(ErrorCode::kDeadlineExceeded,
                   "nginx: not listening on 127.0.0.1:" + std::to_string(port_) + " after " +
                       std::to_string(kStartDeadline.count()) + " s");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

void Nginx::Stop() {
  if (pid_ <= 0) return;
  // SIGTERM: fast shutdown; the master stops its workers and then exits.
  kill(pid_, SIGTERM);
  const Clock::time_point deadline = Clock::now() + kStopDeadline;
  for (;;) {
    int status = 0;
    pid_t waited = waitpid(pid_, &status, WNOHANG);
    if (waited == pid_ || (waited < 0 && errno != EINTR)) {
      pid_ = -1;
      return;
    }
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(kPollInterval);
  }
  // The master is not reaped yet, so its pid (= the group id) cannot have
  // been reused: the whole group, workers included, goes.
  kill(-pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Nginx::~Nginx() {
  Stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

}  // namespace disync::bench
