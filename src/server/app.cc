#include "server/app.h"

#include <signal.h>

#include <charconv>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <thread>

#include "api/async_config.h"
#include "api/datasources.h"
#include "api/identities.h"
#include "api/tasks.h"
#include "api/workspaces.h"
#include "common/clock.h"
#include "common/executor.h"
#include "common/time_format.h"
#include "http/server.h"
#include "iam/authorizer.h"
#include "iam/credentials.h"
#include "iam/root.h"
#include "jobs/generation_runner.h"
#include "jobs/worker_pool.h"
#include "iam/secret_box.h"
#include "openapi/dispatcher.h"
#include "openapi/metrics.h"
#include "openapi/replay_guard.h"
#include "openapi/router.h"
#include "store/sqlite/sqlite_store.h"

namespace disync::server {
namespace {

constexpr char kHeartbeatMeta[] = "replay_heartbeat_ms";
constexpr char kSnapshotMeta[] = "replay_snapshot";
constexpr std::chrono::seconds kHeartbeatInterval{1};

// Persists the server clock about once a second, so that after a crash the
// ReplayGuard knows up to when requests may have been accepted.
// Thread-safety: Start/Stop from the owning thread; the loop runs on its own.
class Heartbeat {
 public:
  Heartbeat(store::MetadataStore& store, const Clock& clock) : store_(store), clock_(clock) {}
  ~Heartbeat() { Stop(); }

  Status Beat() {
    return store_.PutMeta(kHeartbeatMeta, std::to_string(ToUnixMillis(clock_.Now())));
  }

  void Start() {
    thread_ = std::thread([this] {
      std::unique_lock lock(mu_);
      while (!cv_.wait_for(lock, kHeartbeatInterval, [this] { return stop_; })) {
        lock.unlock();
        if (auto s = Beat(); !s.ok()) {
          logging::Error("heartbeat write failed", {{"detail", s.error().message()}});
        }
        lock.lock();
      }
    });
  }

  void Stop() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

 private:
  store::MetadataStore& store_;
  const Clock& clock_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mu_
  std::thread thread_;
};

std::optional<int64_t> ParseInt64(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size()) return std::nullopt;
  return v;
}

// Restores the nonce set after a clean stop, or sets the replay floor after
// a crash (rpc-protocol.md section 9).
Status InitReplayGuard(store::MetadataStore& store, openapi::ReplayGuard& guard) {
  DISYNC_ASSIGN_OR_RETURN(auto heartbeat, store.GetMeta(kHeartbeatMeta));
  DISYNC_ASSIGN_OR_RETURN(auto snapshot, store.GetMeta(kSnapshotMeta));
  auto beat_ms = ParseInt64(heartbeat);
  if (!beat_ms) return OkStatus();  // a new store
  if (snapshot && !snapshot->empty()) {
    auto nl = snapshot->find('\n');
    auto at_ms = ParseInt64(snapshot->substr(0, nl));
    if (at_ms && *at_ms == *beat_ms && nl != std::string::npos) {
      DISYNC_RETURN_IF_ERROR(guard.Restore(std::string_view(*snapshot).substr(nl + 1)));
      logging::Info("restored nonce set after a clean stop");
      return store.PutMeta(kSnapshotMeta, "");
    }
  }
  TimePoint floor = FromUnixMillis(*beat_ms) + kHeartbeatInterval;
  guard.SetReplayFloor(floor);
  logging::Warn("unclean stop: refusing requests stamped before the last heartbeat",
                {{"replay_floor", FormatIso8601Utc(floor)}});
  return store.PutMeta(kSnapshotMeta, "");
}

Status SaveReplayGuard(store::MetadataStore& store, openapi::ReplayGuard& guard,
                       const Clock& clock) {
  std::string at = std::to_string(ToUnixMillis(clock.Now()));
  DISYNC_RETURN_IF_ERROR(store.PutMeta(kSnapshotMeta, at + "\n" + guard.Snapshot()));
  return store.PutMeta(kHeartbeatMeta, at);
}

int Fail(std::string_view what, const Error& error) {
  logging::Error(what, {{"error", std::string(ToString(error.code()))},
                        {"detail", error.message()}});
  return 1;
}

}  // namespace

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return Error::InvalidArgument("--listen must be HOST:PORT, got '" + listen + "'");
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string port_text = listen.substr(colon + 1);
  unsigned port = 0;
  auto [p, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || p != port_text.data() + port_text.size() || port > 65535) {
    return Error::InvalidArgument("--listen port must be 0..65535, got '" + port_text + "'");
  }
  return std::make_pair(host, static_cast<uint16_t>(port));
}

std::string StorePath(const std::string& data_dir) {
  return (std::filesystem::path(data_dir) / "disync.db").string();
}

int RunServer(const AppOptions& options) {
  auto listen = ParseListen(options.listen);
  if (!listen.ok()) return Fail("bad --listen", listen.error());
  std::error_code fs_error;
  std::filesystem::create_directories(options.data_dir, fs_error);
  if (fs_error) {
    return Fail("cannot create data dir",
                Error::Internal(options.data_dir + ": " + fs_error.message()));
  }

  auto master_key = iam::LoadOrCreateMasterKey(options.data_dir);
  if (!master_key.ok()) return Fail("cannot load the master key", master_key.error());
  iam::SecretBox sealer(master_key.value());  // declared before the store: outlives it

  SystemClock clock;
  auto opened = store::SqliteStore::Open(StorePath(options.data_dir), clock, sealer);
  if (!opened.ok()) return Fail("cannot open store", opened.error());
  std::unique_ptr<store::SqliteStore> store = std::move(opened).value();

  auto root = iam::EnsureRootKey(*store, options.data_dir, iam::RootKeyFromEnvironment());
  if (!root.ok()) return Fail("cannot set up the root key", root.error());
  if (root->credentials_file) {
    logging::Info("created root access key; credentials written to file",
                  {{"access_key_id", root->access_key_id}, {"path", *root->credentials_file}});
  }

  openapi::ReplayGuard replay(clock);
  if (auto s = InitReplayGuard(*store, replay); !s.ok()) return Fail("replay guard", s.error());
  Heartbeat heartbeat(*store, clock);
  if (auto s = heartbeat.Beat(); !s.ok()) return Fail("heartbeat", s.error());
  heartbeat.Start();

  openapi::Router router;
  api::RegisterWorkspaceRoutes(router, *store);
  api::RegisterIdentityRoutes(router, *store, clock);
  api::RegisterDataSourceRoutes(router, *store, clock);

  // Generation processes: interrupted ones go back in the queue, and the
  // workers run them off the I/O threads.
  auto requeued = store->RequeueRunningProcesses();
  if (!requeued.ok()) return Fail("cannot requeue processes", requeued.error());
  if (*requeued > 0) {
    logging::Info("requeued interrupted generation processes", {{"count", std::to_string(*requeued)}});
  }
  jobs::GenerationOptions generation_options;
  generation_options.discovery_connections = options.discovery_connections;
  generation_options.tables_per_query = options.discovery_tables_per_query;
  jobs::AcceptedScripts accepted;
  jobs::GenerationRunner runner(*store, generation_options, &accepted);
  jobs::WorkerPoolOptions worker_options;
  worker_options.threads = options.generation_threads;
  jobs::PreparedContents prepared;
  jobs::WorkerPool workers(*store, runner, clock, worker_options, &prepared);
  api::RegisterAsyncConfigRoutes(
      router, *store, [&workers] { workers.Notify(); }, &prepared, &accepted);
  api::RegisterTaskRoutes(router, *store, [&workers] { workers.Notify(); });
  workers.Start();

  iam::StoreCredentialSource credentials(*store);
  openapi::Metrics metrics;
  // Declared first, destroyed last: requests on `blocking` post to it.
  ThreadPool data_source_calls(options.data_source_threads);
  ThreadPool blocking(options.worker_threads);
  iam::RoleAuthorizer authorizer(*store);
  openapi::DispatcherOptions dispatcher_options;
  dispatcher_options.share_reads = [&store] { return store->ShareReadsOnThisThread(); };
  openapi::Dispatcher dispatcher(router, credentials, &authorizer, replay, blocking,
                                 data_source_calls, metrics, std::move(dispatcher_options));

  http::ServerOptions server_options;
  server_options.host = listen->first;
  server_options.port = listen->second;
  server_options.io_threads = options.io_threads;
  server_options.max_body_bytes = options.max_body_bytes;
  server_options.read_timeout = std::chrono::milliseconds(options.read_timeout_ms);
  auto server = http::Server::Start(server_options, dispatcher);
  if (!server.ok()) return Fail("cannot start the HTTP server", server.error());
  std::string host = (*server)->host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  logging::Info("listening on http://" + host + ":" + std::to_string((*server)->port()),
                {{"data_dir", options.data_dir}});

  // Wait for SIGTERM/SIGINT (blocked in every thread by main).
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  int sig = 0;
  sigwait(&signals, &sig);
  logging::Info("shutting down", {{"signal", sig == SIGTERM ? "SIGTERM" : "SIGINT"}});

  (*server)->Shutdown();  // no new requests; those in flight are answered
  blocking.Stop();
  data_source_calls.Stop();
  workers.Stop();  // a process cut short here is requeued at the next start
  heartbeat.Stop();
  if (auto s = SaveReplayGuard(*store, replay, clock); !s.ok()) {
    return Fail("cannot save the nonce set", s.error());
  }
  logging::Info("stopped");
  return 0;
}

}  // namespace disync::server
