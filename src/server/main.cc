// disyncd: the disync server, and its offline admin commands.
#include <signal.h>
#include <malloc.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <thread>
#include <utility>
#include <vector>

#include "common/logging.h"
#include "common/memory.h"
#include "server/admin.h"
#include "server/app.h"

int main(int argc, char** argv) {
  // The store and root-credentials hold secrets: everything disyncd creates
  // is private to its user.
  ::umask(077);
  // What a generation frees stays in malloc's heap for the next one, until
  // the workers give it back once generations stop (jobs::WorkerPool,
  // common/memory.h): fresh memory is dear where page faults are. Measured
  // with bench/gen_scale at 10,000 tables, three runs each in turns:
  // - blocks of 1 MiB or more mapped afresh, everything given back after
  //   each generation (before): disyncd's CPU 0.76-0.90 s;
  // - blocks under 32 MiB (glibc's highest mmap threshold) kept: 0.53-0.65 s;
  // - and no block mapped apart (the 45 MB escaped TaskContent kept too):
  //   0.36-0.52 s, its answer received 31-53 ms after it was asked for
  //   against 127-195 ms.
  ::mallopt(M_MMAP_MAX, 0);
  ::mallopt(M_TRIM_THRESHOLD, static_cast<int>(disync::kMallocTrimThresholdBytes));
  // One arena for every thread: malloc_trim gives back the free top of the
  // main arena's heap but not of the others', where a discovery thread's
  // arena kept 22 MB after the trim. Measured in turns, three gen_scale runs
  // and two api_load runs each: the same times and req/s, peak RSS 117-119
  // MB against 148-164 MB, and 20 MB against 63 MB once trimmed.
  ::mallopt(M_ARENA_MAX, 1);
  using disync::server::AppOptions;
  AppOptions options;
  std::string log_format = "text";
  // One I/O thread (AppOptions' default), and a worker per core for the
  // requests (which read the store and use the CPU; calls to data sources
  // have threads of their own): every request the I/O thread does not answer
  // itself hops to a worker and back, and more threads than cores only add
  // wake-ups. bench/api_load on 2 cores, against 2 I/O threads and 4
  // workers: +4% req/s at 1 connection, +12% at 4, +5% at 16 and 64; with
  // Queries answered on the I/O threads, 2 of them against 1: 20-48% fewer
  // req/s at 1 and 4 connections. At least two workers, so that one long
  // answer (a large TaskContent) does not hold every other request.
  const unsigned hw = std::thread::hardware_concurrency();
  options.worker_threads = static_cast<int>(std::max(2u, hw));

  CLI::App app{"disyncd: a self-hosted DataWorks Data Integration OpenAPI server"};
  app.add_option("--listen", options.listen, "HOST:PORT to listen on (port 0 picks a free port)")
      ->capture_default_str();
  app.add_option("--data-dir", options.data_dir, "Directory of the embedded store")
      ->capture_default_str();
  app.add_option("--log-format", log_format, "Log line format")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--threads", options.io_threads, "HTTP I/O threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--workers", options.worker_threads,
                 "Threads that serve requests (they read and write the store)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--data-source-threads", options.data_source_threads,
                 "Threads for the requests that connect to a data source (TestNetworkConnection, "
                 "GetDataSourceMeta), apart from the workers")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--generation-threads", options.generation_threads,
                 "Workers that run generation processes")
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--discovery-connections", options.discovery_connections,
                 "Connections one generation opens to a source, each reading one database "
                 "or part of one")
      ->check(CLI::Range(1, 32))
      ->capture_default_str();
  app.add_option("--discovery-tables-per-query", options.discovery_tables_per_query,
                 "A database selected with more tables is read in parts of at most this many, "
                 "shared among the connections (0: whole databases; a part is read by name, "
                 "so 1000 at most)")
      ->check(CLI::Range(size_t{0}, size_t{1000}))
      ->capture_default_str();
  app.add_option("--max-body-bytes", options.max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 31))
      ->capture_default_str();
  app.add_option("--read-timeout-ms", options.read_timeout_ms,
                 "Deadline for reading one request, and for an idle connection")
      ->check(CLI::Range(100, 3600000))
      ->capture_default_str();

  auto* admin = app.add_subcommand("admin", "Offline commands against the store");
  disync::server::AdminCommand command;
  using Kind = disync::server::AdminCommand::Kind;
  admin->add_option("--data-dir", command.data_dir, "Directory of the embedded store")
      ->capture_default_str();
  admin->require_subcommand(1);
  std::vector<std::pair<CLI::App*, Kind>> admin_commands;
  auto sub = [&](const char* name, const char* help, Kind kind) {
    CLI::App* c = admin->add_subcommand(name, help);
    admin_commands.emplace_back(c, kind);
    return c;
  };
  auto* cp = sub("create-project", "Create a workspace; prints its ProjectId", Kind::kCreateProject);
  cp->add_option("--name", command.name, "Workspace identifier (also its display name)")
      ->required();
  cp->add_option("--id", command.id, "ProjectId to use (default: the next free one)");
  cp->add_option("--mode", command.mode, "2 basic, 3 standard")->check(CLI::IsMember({2, 3}));
  cp->add_option("--description", command.description, "Workspace description");
  auto* cu = sub("create-user", "Create a user", Kind::kCreateUser);
  cu->add_option("--user-id", command.user_id, "User id")->required();
  cu->add_option("--name", command.name, "Display name");
  sub("create-access-key", "Create an access key; prints the id and the secret, once",
      Kind::kCreateAccessKey)
      ->add_option("--user-id", command.user_id, "Owner of the key")
      ->required();
  sub("disable-access-key", "Disable an access key", Kind::kDisableAccessKey)
      ->add_option("id", command.access_key_id, "AccessKeyId")
      ->required();
  sub("enable-access-key", "Enable an access key", Kind::kEnableAccessKey)
      ->add_option("id", command.access_key_id, "AccessKeyId")
      ->required();
  sub("delete-access-key", "Delete an access key", Kind::kDeleteAccessKey)
      ->add_option("id", command.access_key_id, "AccessKeyId")
      ->required();
  auto* rg = sub("create-resource-group", "Create a Data Integration resource group",
                 Kind::kCreateResourceGroup);
  rg->add_option("--identifier", command.identifier, "e.g. S_res_group_demo")->required();
  rg->add_option("--name", command.name, "Display name");
  auto* am = sub("add-member", "Grant a role in a workspace to a user", Kind::kAddMember);
  am->add_option("--project", command.project, "ProjectId")->required();
  am->add_option("--user-id", command.user_id, "User id")->required();
  am->add_option("--role", command.role, "Role code, e.g. role_project_dev")->required();

  CLI11_PARSE(app, argc, argv);

  auto format = disync::logging::ParseFormat(log_format);
  disync::logging::Init(format.value_or(disync::logging::Format::kText),
                        disync::logging::Level::kInfo);

  for (auto& [subcommand, kind] : admin_commands) {
    if (subcommand->parsed()) {
      command.kind = kind;
      return disync::server::RunAdmin(command);
    }
  }

  // Block the termination signals in every thread; RunServer waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return disync::server::RunServer(options);
}
