#include "tools/cli/commands.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include <CLI/CLI.hpp>

namespace disync::cli {

void AddGlobalOptions(CLI::App* command, GlobalOptions* options, OptionSet set) {
  command->add_option("--output,-o", options->output, "Output format: json or table")
      ->check(CLI::IsMember({"json", "table"}));
  command->add_flag("--quiet,-q", options->quiet,
                    "Print only the essential value; no progress or notes on stderr");
  if (set == OptionSet::kOffline) return;
  command->add_option("--profile", options->profile,
                      "Profile of the config file to use (default: the current one)");
  command->add_option("--endpoint", options->endpoint,
                      "Endpoint URL, overriding the profile and DISYNC_ENDPOINT");
  command->add_option("--signature", options->signature, "Signature: acs3 (default) or v1")
      ->check(CLI::IsMember({"acs3", "v1"}));
  command->add_option("--timeout-ms", options->timeout_ms, "Deadline of one HTTP exchange")
      ->check(CLI::Range(int64_t{100}, int64_t{3600000}));
}

Result<std::string> ReadInput(const std::string& path) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    if (std::cin.bad()) return Error::NotFound("cannot read stdin");
    return text;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::NotFound("cannot read " + path + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  if (in.bad()) return Error::NotFound("cannot read " + path);
  return text.str();
}

namespace {
std::string DataString(const Json& body, const char* key) {
  auto data = body.find("Data");
  if (data == body.end() || !data->is_object()) return "";
  auto it = data->find(key);
  if (it == data->end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}
}  // namespace

std::string DataStatus(const Json& body) { return DataString(body, "Status"); }
std::string DataMessage(const Json& body) { return DataString(body, "Message"); }

void PrintAnswer(const Session& session, const Json& body, const Table& table) {
  if (session.output(OutputFormat::kJson) == OutputFormat::kTable) {
    session.Print(RenderTable(table));
  } else {
    session.Print(PrettyJson(body));
  }
}

}  // namespace disync::cli
