// `disync completion bash`: prints the bash completion script
// (disync.bash-completion, compiled in).
#include <CLI/CLI.hpp>

#include "common/check.h"
#include "tools/cli/commands.h"
#include "tools/cli/embedded_files.h"

namespace disync::cli {

void RegisterCompletion(CLI::App& app, Context& ctx) {
  CLI::App* cmd = app.add_subcommand("completion", "Print a shell completion script");
  cmd->require_subcommand(1);
  CLI::App* bash = cmd->add_subcommand("bash", "The bash completion script: source <(disync completion bash)");
  bash->callback([&ctx] {
    ctx.run = [](Session& s) {
      std::optional<std::string_view> script = FindEmbeddedFile("disync.bash-completion");
      DISYNC_CHECK(script.has_value());
      s.Print(*script);
      return ExitCode::kOk;
    };
  });
}

}  // namespace disync::cli
