// `disync dataworks-public <Action> --Param value ...`: the shape of
// `aliyun dataworks-public`. Every --Name value pair after the Action is
// passed through as given (--Name=value works too; a value is always the
// next argument, so values may start with '-'); the answer is printed as
// pretty JSON, or as a table with --output table.
#include <memory>
#include <vector>

#include <CLI/CLI.hpp>

#include "tools/cli/commands.h"

namespace disync::cli {
namespace {

struct PassthroughOptions {
  std::string method = "POST";
  std::vector<std::string> arguments;  // what CLI11 did not recognise, in order
};

struct ParsedCall {
  std::string action;
  openapi::ParamMap params;
};

Result<ParsedCall> ParseArguments(const std::vector<std::string>& args) {
  ParsedCall call;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      if (!call.action.empty()) {
        return Error::InvalidArgument("unexpected argument \"" + arg +
                                      "\": parameters are given as --Name value");
      }
      call.action = arg;
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return Error::InvalidArgument("--" + name + " needs a value");
    }
    if (name.empty()) return Error::InvalidArgument("a parameter needs a name: --Name value");
    if (!call.params.emplace(name, value).second) {
      return Error::InvalidArgument("--" + name + " is given twice");
    }
  }
  if (call.action.empty()) {
    return Error::InvalidArgument(
        "missing the Action: disync dataworks-public <Action> [--Name value ...]");
  }
  return call;
}

ExitCode RunPassthrough(Session& session, const PassthroughOptions& o) {
  auto call = ParseArguments(o.arguments);
  if (!call.ok()) return session.Fail(call.error());
  std::optional<HttpMethod> method = ParseHttpMethod(o.method);
  if (!method) {
    session.PrintError("--method must be GET, POST or PUT");
    return ExitCode::kUsage;
  }
  Answer answer = session.Call(call->action, std::move(call->params), *method);
  if (!answer.ok()) return answer.exit_code();
  PrintAnswer(session, answer.body(), TableFromResponse(answer.body()));
  return ExitCode::kOk;
}

}  // namespace

void RegisterPassthrough(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<PassthroughOptions>();
  CLI::App* cmd = app.add_subcommand(
      "dataworks-public",
      "Call any Action of dataworks-public 2020-05-18: disync dataworks-public <Action> --Name value ...");
  cmd->add_option("--method", o->method, "HTTP method: GET, POST (default) or PUT");
  AddGlobalOptions(cmd, &ctx.global, OptionSet::kApi);
  cmd->allow_extras();
  cmd->callback([&ctx, o, cmd] {
    o->arguments = cmd->remaining();
    ctx.run = [o](Session& s) { return RunPassthrough(s, *o); };
  });
}

}  // namespace disync::cli
