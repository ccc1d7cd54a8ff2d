#include "tools/cli/offline_validation.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace disync::cli {
namespace {

using Json = nlohmann::json;

const Json* Member(const Json& object, const char* key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::string> StringAt(const Json& object, const char* key) {
  const Json* value = Member(object, key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return value->get<std::string>();
}

// The deepest nesting of arrays and objects, outside strings.
int NestingDepth(std::string_view text) {
  int depth = 0;
  int deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (in_string) {
      if (ch == '\\') {
        ++i;
      } else if (ch == '"') {
        in_string = false;
      }
    } else if (ch == '"') {
      in_string = true;
    } else if (ch == '[' || ch == '{') {
      deepest = std::max(deepest, ++depth);
    } else if (ch == ']' || ch == '}') {
      --depth;
    }
  }
  return deepest;
}

bool IsWriterType(const std::string& type) {
  return type == "odps" || type == "holo" || type == "kafka";
}

}  // namespace

OfflineReferences::OfflineReferences(std::string_view task_param) {
  // The validator refuses oversized or too deeply nested input before it
  // asks for names; do not parse what it will not.
  if (task_param.size() > di::kMaxTaskParamBytes ||
      NestingDepth(task_param) > di::kMaxTaskParamDepth) {
    return;
  }
  Json doc = Json::parse(task_param, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return;

  std::optional<std::string> writer_type;
  if (const Json* setting = Member(doc, "setting")) {
    if (auto task_type = StringAt(*setting, "taskType")) {
      if (auto solution = di::ParseSolutionType(*task_type)) {
        writer_type = std::string(di::WriterStepType(*solution));
      }
    }
  }
  const Json* steps = Member(doc, "steps");
  if (steps == nullptr || !steps->is_array()) return;
  for (const Json& step : *steps) {
    std::optional<std::string> step_type = StringAt(step, "stepType");
    const Json* parameter = Member(step, "parameter");
    if (!step_type || parameter == nullptr) continue;
    if (*step_type == "mysql") {
      const Json* connections = Member(*parameter, "connection");
      if (connections == nullptr || !connections->is_array()) continue;
      for (const Json& connection : *connections) {
        if (auto name = StringAt(connection, "datasource")) types_.emplace(*name, "mysql");
      }
    } else if (auto name = StringAt(*parameter, "datasource")) {
      // The writer needs its own stepType; for an unknown stepType the
      // solution's writer type (the validator reports the stepType).
      types_.emplace(*name, IsWriterType(*step_type) ? *step_type : writer_type.value_or(*step_type));
    }
  }
}

std::optional<std::string> OfflineReferences::DataSourceType(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? std::string("mysql") : it->second;
}

bool OfflineReferences::ResourceGroupExists(const std::string&) const { return true; }

std::vector<di::Problem> ValidateOffline(std::string_view task_param) {
  OfflineReferences references(task_param);
  std::vector<di::Problem> problems;
  auto script = di::ParseRealtimeScript(task_param, references, &problems);
  if (!script.ok() && problems.empty()) {
    problems.push_back({"", "invalid", script.error().message()});
  }
  return problems;
}

}  // namespace disync::cli
