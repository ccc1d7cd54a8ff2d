// Validation problems: what the TaskParam validator (realtime_script.h) finds,
// each located by an RFC 6901 JSON Pointer into the submitted document and
// labelled with a stable code, so that a client can fix every problem of a
// script in one round trip. ValidationError turns the list into the single
// Error (kDiInvalidParameter) the API answers with.
//
// Value types and pure functions; thread-compatible.
#ifndef DISYNC_DI_PROBLEMS_H_
#define DISYNC_DI_PROBLEMS_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace disync::di {

// Stable problem codes. Clients and tests match on these; never rename one.
namespace problem_code {
inline constexpr std::string_view kRequired = "required";
inline constexpr std::string_view kType = "type";
inline constexpr std::string_view kEnum = "enum";
inline constexpr std::string_view kDuplicate = "duplicate";
inline constexpr std::string_view kEmpty = "empty";
inline constexpr std::string_view kTooLong = "too_long";
inline constexpr std::string_view kTooShort = "too_short";
inline constexpr std::string_view kTooFew = "too_few";
inline constexpr std::string_view kTooMany = "too_many";
inline constexpr std::string_view kRange = "range";
inline constexpr std::string_view kKeyCase = "key_case";
inline constexpr std::string_view kSchema = "schema";
inline constexpr std::string_view kUnknownDatasource = "unknown_datasource";
inline constexpr std::string_view kDatasourceType = "datasource_type";
inline constexpr std::string_view kUnknownResourceGroup = "unknown_resource_group";
inline constexpr std::string_view kTaskTypeMismatch = "task_type_mismatch";
inline constexpr std::string_view kInvalidIdentifier = "invalid_identifier";
inline constexpr std::string_view kInvalidTemplate = "invalid_template";
inline constexpr std::string_view kUnsupportedType = "unsupported_type";
inline constexpr std::string_view kTooLarge = "too_large";
inline constexpr std::string_view kTooDeep = "too_deep";
inline constexpr std::string_view kInvalidJson = "invalid_json";
}  // namespace problem_code

struct Problem {
  std::string pointer;  // RFC 6901, e.g. /steps/0/parameter/connection/0/datasource; "" = the document
  std::string code;     // one of problem_code
  std::string message;  // English; says what was expected
  bool operator==(const Problem&) const = default;
};

// RFC 6901 reference token escaping ("~" -> "~0", "/" -> "~1") and appending.
std::string EscapePointerToken(std::string_view token);
std::string AppendPointer(std::string_view pointer, std::string_view token);
std::string AppendPointer(std::string_view pointer, size_t index);

// Orders pointer tokens one by one, array indexes (all-digit tokens) by value
// so that /steps/2 sorts before /steps/10, then by code, then by message.
bool ProblemLess(const Problem& a, const Problem& b);

// Sorts with ProblemLess and keeps the first problem of each (pointer, code).
void NormalizeProblems(std::vector<Problem>* problems);

// The problems of one rejected document, normalised.
struct ValidationError {
  // At most this many problems are spelled out in ToError's message; the
  // rest are counted ("...; and 12 more problems"). `problems` keeps all.
  static constexpr size_t kMaxListedProblems = 100;

  std::vector<Problem> problems;

  // Error(kDiInvalidParameter, "<what> is invalid: /a: m1; /b: m2"). A
  // problem of the whole document (pointer "") is listed as "(root): m".
  Error ToError(std::string_view what) const;
};

}  // namespace disync::di

#endif  // DISYNC_DI_PROBLEMS_H_
