// App: the composition root of disyncd, the only place where concrete types
// are chosen and wired: the SQLite store, the root key, the replay guard and
// its heartbeat, the routes, the Dispatcher, the blocking pool and the Beast
// server.
//
// Threading: Run() blocks the calling thread until SIGTERM or SIGINT, then
// shuts down gracefully (stop accepting, answer requests in flight, persist
// the nonce set) and returns. The signals must be blocked in every thread
// before Run() is called (main does this before any thread starts).
#ifndef DISYNC_SERVER_APP_H_
#define DISYNC_SERVER_APP_H_

#include <string>

#include "common/logging.h"
#include "common/result.h"

namespace disync::server {

struct AppOptions {
  std::string listen = "127.0.0.1:8080";
  std::string data_dir = "./var";
  int io_threads = 1;
  int worker_threads = 2;
  int data_source_threads = 4;  // handlers that connect to a data source
  int generation_threads = 2;
  int discovery_connections = 2;  // per generation process
  size_t discovery_tables_per_query = 1000;  // a larger database is read in parts
  size_t max_body_bytes = 8 * 1024 * 1024;
  int read_timeout_ms = 30000;
};

// Splits "HOST:PORT" (IPv6 as "[::1]:PORT").
Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen);

// Runs the server until a termination signal; returns the exit status.
int RunServer(const AppOptions& options);

// Path of the store file inside the data directory.
std::string StorePath(const std::string& data_dir);

}  // namespace disync::server

#endif  // DISYNC_SERVER_APP_H_
