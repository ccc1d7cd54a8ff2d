// disync: the command line of disyncd, in the shape of
// `aliyun dataworks-public`, plus verbs for the core flow. Talks to the
// server over the API only (README.md).
#include <curl/curl.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "tools/cli/commands.h"

int main(int argc, char** argv) {
  using disync::cli::ExitCode;
  using disync::cli::ToInt;

  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    std::fputs("disync: cannot initialise libcurl\n", stderr);
    return ToInt(ExitCode::kIoError);
  }
  struct CurlCleanup {
    ~CurlCleanup() { curl_global_cleanup(); }
  } curl_cleanup;

  disync::cli::Context ctx;
  CLI::App app{
      "disync: the command line of disyncd (DataWorks Data Integration OpenAPI 2020-05-18).\n"
      "Exit codes: 0 ok, 1 failed outcome, 2 API error, 3 endpoint unreachable, 64 usage,\n"
      "66 unreadable input, 74 config file not written, 78 no usable profile."};
  app.name("disync");
  app.require_subcommand(1);
  disync::cli::AddGlobalOptions(&app, &ctx.global, disync::cli::OptionSet::kApi);
  disync::cli::RegisterConfigure(app, ctx);
  disync::cli::RegisterPassthrough(app, ctx);
  disync::cli::RegisterSync(app, ctx);
  disync::cli::RegisterDataSource(app, ctx);
  disync::cli::RegisterValidate(app, ctx);
  disync::cli::RegisterCompletion(app, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);  // prints help, or the error and a hint
    return code == 0 ? 0 : ToInt(ExitCode::kUsage);
  }
  if (!ctx.run) {
    std::fputs("disync: nothing to do; see disync --help\n", stderr);
    return ToInt(ExitCode::kUsage);
  }
  disync::cli::Session session(ctx.global, disync::cli::ProcessEnvironment());
  return ToInt(ctx.run(session));
}
