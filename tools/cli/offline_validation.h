// `disync validate`: the server's own TaskParam validator
// (di::ParseRealtimeScript) run offline. Without a workspace to look names
// up in, OfflineReferences accepts every data source name with the type the
// step that names it needs (mysql for the reader, the writer's type for the
// writer) and every resource group: the output says that those were not
// checked. Everything else is checked exactly as GenerateDISyncTaskConfigForCreating
// checks it.
//
// Pure; thread-safe.
#ifndef DISYNC_TOOLS_CLI_OFFLINE_VALIDATION_H_
#define DISYNC_TOOLS_CLI_OFFLINE_VALIDATION_H_

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "di/problems.h"
#include "di/realtime_script.h"

namespace disync::cli {

inline constexpr std::string_view kOfflineNote =
    "offline check: data source names and resource groups were not looked up in a workspace "
    "(any name is accepted with the type its step needs)";

class OfflineReferences final : public di::ScriptReferences {
 public:
  // Reads which names the script's steps use; tolerates any malformed input
  // (the validator reports it).
  explicit OfflineReferences(std::string_view task_param);

  std::optional<std::string> DataSourceType(const std::string& name) const override;
  bool ResourceGroupExists(const std::string& identifier) const override;

 private:
  std::map<std::string, std::string> types_;  // data source name -> type its step needs
};

// Every problem of the script, sorted and deduplicated; empty when valid.
std::vector<di::Problem> ValidateOffline(std::string_view task_param);

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_OFFLINE_VALIDATION_H_
