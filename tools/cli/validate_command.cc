// `disync validate FILE`: the generation script checked offline with the
// server's validator (offline_validation.h); every problem with its JSON
// Pointer. Exit 0 when valid, 1 when not.
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tools/cli/commands.h"
#include "tools/cli/offline_validation.h"

namespace disync::cli {
namespace {

constexpr size_t kMessageChars = 2000;

struct ValidateOptions {
  std::string file;
};

ExitCode RunValidate(Session& session, const ValidateOptions& o) {
  auto script = ReadInput(o.file);
  if (!script.ok()) return session.Fail(script.error());
  std::vector<di::Problem> problems = ValidateOffline(*script);
  const std::string name = o.file == "-" ? "stdin" : o.file;

  if (session.output(OutputFormat::kTable) == OutputFormat::kJson) {
    Json list = Json::array();
    for (const auto& p : problems) {
      list.push_back({{"pointer", p.pointer}, {"code", p.code}, {"message", p.message}});
    }
    session.Print(PrettyJson(Json{{"file", name},
                                  {"valid", problems.empty()},
                                  {"problems", std::move(list)},
                                  {"offline", true},
                                  {"note", kOfflineNote}}));
    return problems.empty() ? ExitCode::kOk : ExitCode::kFailed;
  }

  if (!problems.empty()) {
    Table table{{"POINTER", "CODE", "MESSAGE"}, {}};
    for (const auto& p : problems) {
      table.rows.push_back({p.pointer.empty() ? "(root)" : p.pointer, p.code,
                            CellText(p.message, kMessageChars)});
    }
    session.Print(RenderTable(table));
  }
  if (!session.quiet()) {
    session.Print(problems.empty()
                      ? fmt::format("{}: valid\n", name)
                      : fmt::format("{}: {} problem{}\n", name, problems.size(),
                                    problems.size() == 1 ? "" : "s"));
    session.Print(fmt::format("note: {}\n", kOfflineNote));
  }
  return problems.empty() ? ExitCode::kOk : ExitCode::kFailed;
}

}  // namespace

void RegisterValidate(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ValidateOptions>();
  CLI::App* cmd = app.add_subcommand(
      "validate", "Check a generation script offline with the server's validator (exit 0 or 1)");
  cmd->add_option("file", o->file, "The script (TaskParam); - for stdin")->required();
  AddGlobalOptions(cmd, &ctx.global, OptionSet::kOffline);
  cmd->callback([&ctx, o] { ctx.run = [o](Session& s) { return RunValidate(s, *o); }; });
}

}  // namespace disync::cli
