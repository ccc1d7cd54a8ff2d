// `disync datasource add mysql|list|test`. The password of `add mysql` is
// read from stdin (--password-stdin; without echo on a terminal) and is never
// printed; `list` masks secret members of every Content, also if a server
// did not.
#include <termios.h>
#include <unistd.h>

#include <cctype>
#include <iostream>
#include <memory>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "tools/cli/commands.h"

namespace disync::cli {
namespace {

struct AddMysqlOptions {
  std::optional<int64_t> project;
  std::string name;
  std::string jdbc_url;
  std::string username;
  bool password_stdin = false;
  std::string env = "prod";
  std::string description;
};

struct ListOptions {
  std::optional<int64_t> project;
  std::string name;
  std::string type;
  std::string env;
};

struct TestOptions {
  std::optional<int64_t> project;
  std::string name;
  std::string resource_group;
  std::string env = "prod";
};

std::string EnvType(const std::string& env) { return env == "dev" ? "0" : "1"; }

// One line from a terminal with echo off, or all of stdin from a pipe; one
// trailing newline is dropped.
Result<std::string> ReadPassword() {
  std::string password;
  if (::isatty(STDIN_FILENO)) {
    std::cerr << "Password: " << std::flush;
    termios saved{};
    bool restore = ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (restore) {
      termios quiet = saved;
      quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::getline(std::cin, password);
    if (restore) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
    std::cerr << "\n";
    return password;
  }
  auto text = ReadInput("-");
  if (!text.ok()) return text;
  password = std::move(text).value();
  if (!password.empty() && password.back() == '\n') password.pop_back();
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

bool IsSecretKey(const std::string& key) {
  std::string lower;
  for (char ch : key) lower.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(ch))));
  return lower.find("password") != std::string::npos || lower.find("secret") != std::string::npos ||
         lower == "accesskey" || lower == "accesskeysecret";
}

// The Content JSON text with every secret member replaced by "***".
std::string MaskContent(const std::string& content) {
  Json doc = Json::parse(content, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) return content;
  bool changed = false;
  for (auto& [key, value] : doc.items()) {
    if (IsSecretKey(key) && value.is_string() && !value.get<std::string>().empty() &&
        value.get<std::string>() != "***") {
      value = "***";
      changed = true;
    }
  }
  return changed ? doc.dump() : content;
}

ExitCode RunAddMysql(Session& session, const AddMysqlOptions& o) {
  if (ExitCode c = session.Connect(); c != ExitCode::kOk) return c;
  std::optional<int64_t> project = session.Project(o.project);
  if (!project) return ExitCode::kUsage;
  std::string password;
  if (o.password_stdin) {
    auto read = ReadPassword();
    if (!read.ok()) return session.Fail(read.error());
    password = std::move(read).value();
  }
  Json content = {{"tag", "public"}, {"jdbcUrl", o.jdbc_url}, {"username", o.username},
                  {"password", password}};
  openapi::ParamMap params = {{"ProjectId", std::to_string(*project)},
                              {"Name", o.name},
                              {"DataSourceType", "mysql"},
                              {"EnvType", EnvType(o.env)},
                              {"Content", content.dump()}};
  if (!o.description.empty()) params.emplace("Description", o.description);
  Answer answer = session.Call("CreateDataSource", std::move(params));
  if (!answer.ok()) return answer.exit_code();
  auto id = answer.body().find("Data");
  std::string id_text = id == answer.body().end() ? "" : CellText(*id);
  if (session.quiet()) {
    session.Print(id_text + "\n");
  } else {
    PrintAnswer(session, answer.body(), Table{{"ID", "NAME", "TYPE", "ENV"},
                                              {{id_text, o.name, "mysql", o.env}}});
  }
  return ExitCode::kOk;
}

ExitCode RunList(Session& session, const ListOptions& o) {
  if (ExitCode c = session.Connect(); c != ExitCode::kOk) return c;
  std::optional<int64_t> project = session.Project(o.project);
  if (!project) return ExitCode::kUsage;
  constexpr int kPageSize = 100;
  Json all = Json::array();
  Json first;
  for (int page = 1;; ++page) {
    openapi::ParamMap params = {{"ProjectId", std::to_string(*project)},
                                {"PageNumber", std::to_string(page)},
                                {"PageSize", std::to_string(kPageSize)}};
    if (!o.name.empty()) params.emplace("Name", o.name);
    if (!o.type.empty()) params.emplace("DataSourceType", o.type);
    if (!o.env.empty()) params.emplace("EnvType", EnvType(o.env));
    Answer answer = session.Call("ListDataSources", std::move(params), HttpMethod::kGet);
    if (!answer.ok()) return answer.exit_code();
    if (page == 1) first = answer.body();
    const Json& data = answer.body().contains("Data") ? answer.body()["Data"] : Json::object();
    const Json sources = data.value("DataSources", Json::array());
    for (const Json& s : sources) all.push_back(s);
    int64_t total = data.value("TotalCount", int64_t{0});
    if (sources.empty() || static_cast<int64_t>(all.size()) >= total) break;
  }
  Table table{{"ID", "NAME", "TYPE", "ENV", "STATUS", "CONTENT"}, {}};
  for (Json& s : all) {
    if (auto content = s.find("Content"); content != s.end() && content->is_string()) {
      *content = MaskContent(content->get<std::string>());
    }
    int64_t env = s.value("EnvType", int64_t{-1});
    int64_t status = s.value("ConnectStatus", int64_t{0});
    table.rows.push_back({CellText(s.value("Id", Json())), CellText(s.value("Name", Json())),
                          CellText(s.value("DataSourceType", Json())),
                          env == 0 ? "dev" : env == 1 ? "prod" : CellText(s.value("EnvType", Json())),
                          status == 1 ? "ok" : status == 2 ? "unreachable" : "",
                          CellText(s.value("Content", Json()), 200)});
  }
  if (session.quiet()) {
    for (const Json& s : all) session.Print(CellText(s.value("Name", Json())) + "\n");
    return ExitCode::kOk;
  }
  if (first.is_object() && first.contains("Data") && first["Data"].is_object()) {
    first["Data"]["DataSources"] = all;
    first["Data"]["PageSize"] = all.size();
    first["Data"]["PageNumber"] = 1;
  }
  PrintAnswer(session, first, table);
  return ExitCode::kOk;
}

ExitCode RunTest(Session& session, const TestOptions& o) {
  if (ExitCode c = session.Connect(); c != ExitCode::kOk) return c;
  std::optional<int64_t> project = session.Project(o.project);
  if (!project) return ExitCode::kUsage;
  std::string group = o.resource_group;
  if (group.empty()) {
    Answer groups = session.Call("ListResourceGroups", {{"ResourceGroupType", "4"}});
    if (!groups.ok()) return groups.exit_code();
    const Json data = groups.body().value("Data", Json::array());
    if (data.is_array() && !data.empty() && data[0].is_object()) {
      group = data[0].value("Identifier", "");
    }
    if (group.empty()) {
      session.PrintError("no resource group exists: give --resource-group");
      return ExitCode::kUsage;
    }
    session.Note("testing from resource group " + group);
  }
  Answer answer = session.Call("TestNetworkConnection", {{"ProjectId", std::to_string(*project)},
                                                         {"DatasourceName", o.name},
                                                         {"EnvType", EnvType(o.env)},
                                                         {"ResourceGroup", group}});
  if (!answer.ok()) return answer.exit_code();
  const Json task = answer.body().value("TaskList", Json::object());
  bool connected = task.value("ConnectStatus", false);
  if (!session.quiet()) PrintAnswer(session, answer.body(), KeyValueTable(task));
  if (!connected) {
    session.PrintError(fmt::format("data source {} is not reachable from {}: {}", o.name, group,
                                   task.value("ConnectMessage", "")));
    return ExitCode::kFailed;
  }
  return ExitCode::kOk;
}

void AddEnv(CLI::App* cmd, std::string* env) {
  cmd->add_option("--env", *env, "prod (EnvType 1) or dev (EnvType 0)")
      ->check(CLI::IsMember({"prod", "dev"}));
}

}  // namespace

void RegisterDataSource(CLI::App& app, Context& ctx) {
  CLI::App* ds = app.add_subcommand("datasource", "Data sources: add, list, test");
  ds->require_subcommand(1);

  CLI::App* add = ds->add_subcommand("add", "Add a data source");
  add->require_subcommand(1);
  auto a = std::make_shared<AddMysqlOptions>();
  CLI::App* mysql = add->add_subcommand("mysql", "Add a MySQL data source");
  mysql->add_option("--project", a->project, "ProjectId (default: the profile's)");
  mysql->add_option("--name", a->name, "Data source name")->required();
  mysql->add_option("--jdbc-url", a->jdbc_url, "jdbc:mysql://HOST:PORT/DATABASE")->required();
  mysql->add_option("--username", a->username, "Database user")->required();
  mysql->add_flag("--password-stdin", a->password_stdin,
                  "Read the password from stdin (prompted without echo on a terminal)");
  AddEnv(mysql, &a->env);
  mysql->add_option("--description", a->description, "Description");
  AddGlobalOptions(mysql, &ctx.global, OptionSet::kApi);
  mysql->callback([&ctx, a] { ctx.run = [a](Session& s) { return RunAddMysql(s, *a); }; });

  auto l = std::make_shared<ListOptions>();
  CLI::App* list = ds->add_subcommand("list", "List data sources (secrets masked)");
  list->add_option("--project", l->project, "ProjectId (default: the profile's)");
  list->add_option("--name", l->name, "Name filter");
  list->add_option("--type", l->type, "DataSourceType filter, e.g. mysql");
  AddEnv(list, &l->env);
  AddGlobalOptions(list, &ctx.global, OptionSet::kApi);
  list->callback([&ctx, l] { ctx.run = [l](Session& s) { return RunList(s, *l); }; });

  auto t = std::make_shared<TestOptions>();
  CLI::App* test = ds->add_subcommand("test", "Test that a resource group reaches a data source");
  test->add_option("--project", t->project, "ProjectId (default: the profile's)");
  test->add_option("--name", t->name, "Data source name")->required();
  test->add_option("--resource-group", t->resource_group,
                   "Resource group identifier (default: the first one)");
  AddEnv(test, &t->env);
  AddGlobalOptions(test, &ctx.global, OptionSet::kApi);
  test->callback([&ctx, t] { ctx.run = [t](Session& s) { return RunTest(s, *t); }; });
}

}  // namespace disync::cli
