// The verbs of `disync`, each registered on the CLI11 application by its own
// file (configure, dataworks-public, sync, datasource, validate, completion).
// A verb's parse callback stores what to run in Context::run; main runs it
// with a Session once parsing succeeded.
//
// Built once on the main thread; not thread-safe.
#ifndef DISYNC_TOOLS_CLI_COMMANDS_H_
#define DISYNC_TOOLS_CLI_COMMANDS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "tools/cli/exit_codes.h"
#include "tools/cli/session.h"

namespace CLI {
class App;
}  // namespace CLI

namespace disync::cli {

struct Context {
  GlobalOptions global;
  std::function<ExitCode(Session&)> run;
};

// Which global options a command takes: commands that call the API take all
// of them; offline ones only --output and --quiet.
enum class OptionSet { kApi, kOffline };
void AddGlobalOptions(CLI::App* command, GlobalOptions* options, OptionSet set);

void RegisterConfigure(CLI::App& app, Context& ctx);
void RegisterPassthrough(CLI::App& app, Context& ctx);
void RegisterSync(CLI::App& app, Context& ctx);
void RegisterDataSource(CLI::App& app, Context& ctx);
void RegisterValidate(CLI::App& app, Context& ctx);
void RegisterCompletion(CLI::App& app, Context& ctx);

// Helpers shared by the verbs.

// The whole of a file, or of stdin for "-". kNotFound (exit 66) when it
// cannot be read.
Result<std::string> ReadInput(const std::string& path);

// Data.Status of a DI task answer ("success", "fail", ...), "" when absent.
std::string DataStatus(const Json& body);
// Data.Message, "" when absent.
std::string DataMessage(const Json& body);

// Prints `body` in the chosen format (JSON by default); `table` is used for
// --output table.
void PrintAnswer(const Session& session, const Json& body, const Table& table);

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_COMMANDS_H_
