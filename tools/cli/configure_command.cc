// `disync configure`: writes a profile (and makes it the current one);
// `disync configure list`: shows the profiles, never their secrets.
#include <memory>

#include <CLI/CLI.hpp>

#include "tools/cli/commands.h"

namespace disync::cli {
namespace {

struct ConfigureOptions {
  std::string profile;
  std::optional<std::string> access_key_id;
  std::optional<std::string> access_key_secret;
  std::optional<std::string> endpoint;
  std::optional<int64_t> project;
};

ExitCode RunConfigure(Session& session, const ConfigureOptions& o) {
  auto path = ConfigPath(session.env());
  if (!path.ok()) return session.Fail(path.error());
  auto config = LoadConfig(*path);
  if (!config.ok()) return session.Fail(config.error());
  std::string name = !o.profile.empty()         ? o.profile
                     : !config->current.empty() ? config->current
                                                : std::string(kDefaultProfile);
  if (!IsValidProfileName(name)) {
    session.PrintError("invalid profile name \"" + name + "\": use 1-64 of [A-Za-z0-9_.-]");
    return ExitCode::kUsage;
  }
  bool existed = config->profiles.count(name) > 0;
  Profile& profile = config->profiles[name];
  if (o.access_key_id) profile.access_key_id = *o.access_key_id;
  if (o.access_key_secret) profile.access_key_secret = *o.access_key_secret;
  if (o.endpoint) {
    auto endpoint = NormalizeEndpoint(*o.endpoint);
    if (!endpoint.ok()) return session.Fail(endpoint.error());
    profile.endpoint = *endpoint;
  }
  if (o.project) profile.project_id = *o.project;
  if (profile.access_key_id.empty() || profile.access_key_secret.empty() ||
      profile.endpoint.empty()) {
    session.PrintError(std::string(existed ? "profile \"" + name + "\" is incomplete"
                                           : "a new profile needs") +
                       ": give --access-key-id, --access-key-secret and --endpoint");
    return ExitCode::kUsage;
  }
  config->current = name;
  Status saved = SaveConfig(*path, *config);
  if (!saved.ok()) {
    session.PrintError(saved.error().message());
    return ExitCode::kIoError;
  }
  session.Note("profile \"" + name + "\" saved to " + *path + " and made current");
  return ExitCode::kOk;
}

ExitCode RunList(Session& session) {
  auto path = ConfigPath(session.env());
  if (!path.ok()) return session.Fail(path.error());
  auto config = LoadConfig(*path);
  if (!config.ok()) return session.Fail(config.error());
  std::string current = config->current.empty() ? std::string(kDefaultProfile) : config->current;
  Json profiles = Json::array();
  Table table{{"PROFILE", "CURRENT", "ENDPOINT", "ACCESS_KEY_ID", "PROJECT"}, {}};
  for (const auto& [name, p] : config->profiles) {
    Json entry = {{"name", name}, {"current", name == current}, {"endpoint", p.endpoint},
                  {"access_key_id", p.access_key_id}};
    if (p.project_id) entry["project_id"] = *p.project_id;
    profiles.push_back(std::move(entry));
    table.rows.push_back({name, name == current ? "*" : "", p.endpoint, p.access_key_id,
                          p.project_id ? std::to_string(*p.project_id) : ""});
  }
  if (session.output(OutputFormat::kTable) == OutputFormat::kJson) {
    session.Print(PrettyJson(Json{{"config_file", *path}, {"profiles", std::move(profiles)}}));
  } else {
    session.Print(RenderTable(table));
  }
  return ExitCode::kOk;
}

}  // namespace

void RegisterConfigure(CLI::App& app, Context& ctx) {
  auto o = std::make_shared<ConfigureOptions>();
  CLI::App* cmd = app.add_subcommand(
      "configure", "Write a profile to the config file (mode 0600) and make it current");
  cmd->add_option("--profile", o->profile, "Profile name (default: the current one, or default)");
  cmd->add_option("--access-key-id", o->access_key_id, "AccessKey ID");
  cmd->add_option("--access-key-secret", o->access_key_secret, "AccessKey secret");
  cmd->add_option("--endpoint", o->endpoint, "Endpoint, e.g. http://127.0.0.1:8080");
  cmd->add_option("--project", o->project, "Default --project (ProjectId) of this profile");
  AddGlobalOptions(cmd, &ctx.global, OptionSet::kOffline);
  cmd->callback([&ctx, o, cmd] {
    if (cmd->get_subcommands().empty()) {
      ctx.run = [o](Session& s) { return RunConfigure(s, *o); };
    }
  });
  CLI::App* list = cmd->add_subcommand("list", "List the profiles (secrets are never shown)");
  AddGlobalOptions(list, &ctx.global, OptionSet::kOffline);
  list->callback([&ctx] { ctx.run = [](Session& s) { return RunList(s); }; });
}

}  // namespace disync::cli
