#include "tools/cli/session.h"

#include <cstdio>
#include <utility>

#include <fmt/format.h>

namespace disync::cli {

Session::Session(GlobalOptions options, EnvLookup env)
    : options_(std::move(options)), env_(std::move(env)) {}

Session::~Session() = default;

OutputFormat Session::output(OutputFormat fallback) const {
  return ParseOutputFormat(options_.output).value_or(fallback);
}

ExitCode Session::Connect() {
  if (client_) return ExitCode::kOk;
  auto path = ConfigPath(env_);
  if (!path.ok()) return Fail(path.error());
  auto config = LoadConfig(*path);
  if (!config.ok()) return Fail(config.error());
  std::string endpoint_flag;
  if (!options_.endpoint.empty()) {
    auto normalized = NormalizeEndpoint(options_.endpoint);
    if (!normalized.ok()) return Fail(normalized.error());
    endpoint_flag = *normalized;
  }
  auto settings = ResolveSettings(*config, *path, options_.profile, endpoint_flag, env_);
  if (!settings.ok()) return Fail(settings.error());
  settings_ = std::move(settings).value();

  ClientOptions client_options;
  client_options.endpoint = settings_->endpoint;
  client_options.credentials = settings_->credentials;
  client_options.signature =
      ParseSignatureVersion(options_.signature).value_or(SignatureVersion::kAcs3);
  client_options.timeout = std::chrono::milliseconds(options_.timeout_ms);
  if (client_options.connect_timeout > client_options.timeout) {
    client_options.connect_timeout = client_options.timeout;
  }
  auto client = ApiClient::Create(std::move(client_options));
  if (!client.ok()) return Fail(client.error());
  client_ = std::move(client).value();
  return ExitCode::kOk;
}

std::optional<int64_t> Session::Project(std::optional<int64_t> flag) {
  if (flag) return flag;
  if (settings_ && settings_->project_id) return settings_->project_id;
  PrintError("--project is required (or store a default with `disync configure --project ID`)");
  return std::nullopt;
}

Answer Session::Call(std::string_view action, openapi::ParamMap params, HttpMethod method) {
  if (!client_) {
    ExitCode connected = Connect();
    if (connected != ExitCode::kOk) return Answer::Failed(connected);
  }
  ApiCall call{std::string(action), std::move(params), method};
  auto response = client_->Call(call);
  if (!response.ok()) return Answer::Failed(Fail(response.error()));
  if (!response->ok()) {
    std::string code = response->Code();
    std::string message = response->Message();
    if (code.empty()) code = "HTTP " + std::to_string(response->http_status);
    std::string line = code + ": " + message;
    std::string request_id = response->RequestId();
    line += request_id.empty()
                ? fmt::format(" (HTTP {})", response->http_status)
                : fmt::format(" (HTTP {}, RequestId {})", response->http_status, request_id);
    PrintError(line);
    return Answer::Failed(ExitCode::kApiError);
  }
  return Answer::Ok(std::move(response->body));
}

const std::string& Session::endpoint() const {
  static const std::string kNone;
  return settings_ ? settings_->endpoint : kNone;
}

void Session::Print(std::string_view text) const {
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fflush(stdout);
}

void Session::PrintError(std::string_view message) const {
  fmt::print(stderr, "disync: {}\n", message);
  std::fflush(stderr);
}

void Session::Note(std::string_view message) const {
  if (!options_.quiet) PrintError(message);
}

ExitCode Session::Fail(const Error& error) const {
  PrintError(error.message());
  return ExitCodeFor(error);
}

}  // namespace disync::cli
