// A compiled JSON Schema (draft 7, validated with valijson) whose findings
// come out as Problems (problems.h): one per leaf error, located by an RFC 6901
// pointer built from valijson's context path, with a stable code and a message
// that says what was expected (the schema's "description" of the value, its
// "enum", its limits). valijson's summary errors ("Failed to validate item #0
// in array.") are dropped because the leaf errors beneath them say more.
//
// In addition to the schema, Validate reports object keys that are unknown
// but equal a known property name up to ASCII case ("TaskType" for "taskType")
// as "key_case": JSON keys are case-sensitive and such a key is otherwise
// silently ignored. Other unknown keys are allowed.
//
// A JsonSchema is immutable after Compile; Validate may be called from any
// number of threads at once.
#ifndef DISYNC_DI_JSON_SCHEMA_H_
#define DISYNC_DI_JSON_SCHEMA_H_

#include <memory>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/result.h"
#include "di/problems.h"

namespace disync::di {

class JsonSchema {
 public:
  // kInvalidArgument when the text is not JSON or not a schema valijson accepts.
  static Result<std::unique_ptr<JsonSchema>> Compile(std::string_view schema_text);

  ~JsonSchema();
  JsonSchema(const JsonSchema&) = delete;
  JsonSchema& operator=(const JsonSchema&) = delete;

  // Appends the problems of `doc` (unsorted; see NormalizeProblems).
  void Validate(const nlohmann::json& doc, std::vector<Problem>* problems) const;

 private:
  struct Impl;
  explicit JsonSchema(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace disync::di

#endif  // DISYNC_DI_JSON_SCHEMA_H_
