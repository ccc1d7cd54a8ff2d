// disyncd: the disync server, and its offline admin commands.
#include <signal.h>
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <thread>

#include "common/logging.h"
#include "server/admin.h"
#include "server/app.h"

int main(int argc, char** argv) {
  // The store and root-credentials hold secrets: everything disyncd creates
  // is private to its user.
  ::umask(077);
  using disync::server::AppOptions;
  AppOptions options;
  std::string log_format = "text";
  unsigned hw = std::thread::hardware_concurrency();
  options.io_threads = static_cast<int>(hw == 0 ? 2 : hw);

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
  app.add_option("--workers", options.worker_threads, "Threads for store and other blocking work")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--max-body-bytes", options.max_body_bytes, "Largest request body accepted")
      ->check(CLI::Range(size_t{1024}, size_t{1} << 31))
      ->capture_default_str();
  app.add_option("--read-timeout-ms", options.read_timeout_ms,
                 "Deadline for reading one request, and for an idle connection")
      ->check(CLI::Range(100, 3600000))
      ->capture_default_str();

  auto* admin = app.add_subcommand("admin", "Offline commands against the store");
  std::string admin_dir = "./var";
  admin->add_option("--data-dir", admin_dir, "Directory of the embedded store")
      ->capture_default_str();
  admin->require_subcommand(1);
  disync::server::CreateProjectArgs create_project;
  auto* cp = admin->add_subcommand("create-project", "Create a workspace; prints its ProjectId");
  cp->add_option("--name", create_project.name, "Workspace identifier (also its display name)")
      ->required();
  cp->add_option("--id", create_project.id, "ProjectId to use (default: the next free one)");
  cp->add_option("--mode", create_project.mode, "2 basic, 3 standard")
      ->check(CLI::IsMember({2, 3}));
  cp->add_option("--description", create_project.description, "Workspace description");

  CLI11_PARSE(app, argc, argv);

  auto format = disync::logging::ParseFormat(log_format);
  disync::logging::Init(format.value_or(disync::logging::Format::kText),
                        disync::logging::Level::kInfo);

  if (cp->parsed()) {
    create_project.data_dir = admin_dir;
    return disync::server::AdminCreateProject(create_project);
  }

  // Block the termination signals in every thread; RunServer waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return disync::server::RunServer(options);
}
