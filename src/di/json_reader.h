// Bounded JSON reading for untrusted documents such as a TaskParam: refuses
// oversized input before parsing, reports syntax errors (including invalid
// UTF-8) with their byte offset, refuses documents nested deeper than a limit
// without recursing (the document is built by a SAX consumer that tracks the
// depth), and reports duplicate object keys, which nlohmann would otherwise
// resolve silently (last wins).
// Every finding is a Problem (problems.h).
//
// Pure functions; thread-safe.
#ifndef DISYNC_DI_JSON_READER_H_
#define DISYNC_DI_JSON_READER_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "di/problems.h"

namespace disync::di {

struct JsonLimits {
  size_t max_bytes = 4 * 1024 * 1024;
  int max_depth = 64;  // the outermost object or array is depth 1
};

// Parses `text` (named `what` in messages, e.g. "TaskParam"). On too_large,
// empty, invalid_json or too_deep it appends that one problem and returns
// nullopt. Duplicate keys are appended as "duplicate" problems (pointer at
// the repeated key) but the document is still returned so that validation can
// go on collecting problems.
std::optional<nlohmann::json> ReadJson(std::string_view text, std::string_view what,
                                       const JsonLimits& limits, std::vector<Problem>* problems);

// The member `key` of a JSON object, or null when `object` is not an object
// or has no such member.
inline const nlohmann::json* Member(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// The member `key` when it is a string, else null.
inline const std::string* StringMember(const nlohmann::json& object, std::string_view key) {
  const nlohmann::json* value = Member(object, key);
  return value != nullptr && value->is_string() ? value->get_ptr<const std::string*>() : nullptr;
}

}  // namespace disync::di

#endif  // DISYNC_DI_JSON_READER_H_
