// Session: what every `disync` command shares once the command line is
// parsed: the global options, the resolved profile and the ApiClient, and the
// one place that prints to stdout and stderr (errors as "disync: ...", API
// errors as "disync: Code: Message", notes and progress only without --quiet).
//
// Lives for one command on the main thread; not thread-safe.
#ifndef DISYNC_TOOLS_CLI_SESSION_H_
#define DISYNC_TOOLS_CLI_SESSION_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "tools/cli/client.h"
#include "tools/cli/config.h"
#include "tools/cli/exit_codes.h"
#include "tools/cli/output.h"
#include "tools/cli/signing.h"

namespace disync::cli {

struct GlobalOptions {
  std::string profile;     // --profile
  std::string endpoint;    // --endpoint: overrides the profile's and DISYNC_ENDPOINT
  std::string output;      // --output json|table; "" = the command's default
  bool quiet = false;      // --quiet
  std::string signature = "acs3";  // --signature acs3|v1
  int64_t timeout_ms = 60000;      // --timeout-ms: one HTTP exchange
};

// An API answer the command can use, or the exit code of a failure that has
// already been reported on stderr.
class Answer {
 public:
  static Answer Ok(Json body) { return Answer(std::move(body), ExitCode::kOk); }
  static Answer Failed(ExitCode code) { return Answer(Json(), code); }
  bool ok() const { return exit_code_ == ExitCode::kOk; }
  const Json& body() const { return body_; }
  ExitCode exit_code() const { return exit_code_; }

 private:
  Answer(Json body, ExitCode code) : body_(std::move(body)), exit_code_(code) {}
  Json body_;
  ExitCode exit_code_;
};

class Session {
 public:
  Session(GlobalOptions options, EnvLookup env);
  ~Session();

  const GlobalOptions& options() const { return options_; }
  const EnvLookup& env() const { return env_; }
  bool quiet() const { return options_.quiet; }
  // --output, or `fallback` when not given.
  OutputFormat output(OutputFormat fallback) const;

  // Resolves the profile and creates the client. On failure prints why and
  // returns the exit code; kOk otherwise. Call before Call().
  ExitCode Connect();

  // --project, else the profile's project. nullopt (after printing why) when
  // neither is set.
  std::optional<int64_t> Project(std::optional<int64_t> flag);

  // One API call. A transport failure or an API error is printed and turned
  // into its exit code (3 or 2).
  Answer Call(std::string_view action, openapi::ParamMap params,
              HttpMethod method = HttpMethod::kPost);

  const std::string& endpoint() const;

  // stdout, as is.
  void Print(std::string_view text) const;
  // "disync: message" on stderr, always.
  void PrintError(std::string_view message) const;
  // "disync: message" on stderr unless --quiet.
  void Note(std::string_view message) const;
  // Prints an Error and returns its exit code.
  ExitCode Fail(const Error& error) const;

 private:
  GlobalOptions options_;
  EnvLookup env_;
  std::optional<Settings> settings_;
  std::unique_ptr<ApiClient> client_;
};

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_SESSION_H_
