#include "di/problems.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace disync::di {
namespace {

TEST(JsonPointer, EscapesTildeAndSlash) {
  EXPECT_EQ(EscapePointerToken("a/b~c"), "a~1b~0c");
  EXPECT_EQ(AppendPointer("", "steps"), "/steps");
  EXPECT_EQ(AppendPointer("/steps", size_t{10}), "/steps/10");
  EXPECT_EQ(AppendPointer("/x", ""), "/x/");
}

TEST(NormalizeProblems, SortsIndexesByValueThenCodeAndDropsRepeats) {
  std::vector<Problem> problems = {
      {"/steps/10/name", "required", "m1"}, {"/steps/2/name", "type", "m2"},
      {"/steps/2/name", "required", "m3"},  {"/steps/2/name", "required", "m4"},
      {"/setting", "required", "m5"},       {"", "type", "m6"},
      {"/steps/2", "duplicate", "m7"},      {"/steps/2/A", "key_case", "m8"},
  };
  NormalizeProblems(&problems);
  std::vector<Problem> want = {
      {"", "type", "m6"},
      {"/setting", "required", "m5"},
      {"/steps/2", "duplicate", "m7"},
      {"/steps/2/A", "key_case", "m8"},
      {"/steps/2/name", "required", "m3"},
      {"/steps/2/name", "type", "m2"},
      {"/steps/10/name", "required", "m1"},
  };
  EXPECT_EQ(problems, want);
}

TEST(ValidationError, ListsEveryProblemInOneMessage) {
  ValidationError error{{{"", "invalid_json", "not JSON"}, {"/a/0", "required", "missing; expected x"}}};
  Error e = error.ToError("TaskParam");
  EXPECT_EQ(e.code(), ErrorCode::kDiInvalidParameter);
  EXPECT_EQ(e.message(), "TaskParam is invalid: (root): not JSON; /a/0: missing; expected x");
}

TEST(ValidationError, CountsWhatItDoesNotSpellOut) {
  ValidationError error;
  for (size_t i = 0; i < ValidationError::kMaxListedProblems + 5; ++i) {
    error.problems.push_back({"/t/" + std::to_string(i), "empty", "e"});
  }
  std::string message = error.ToError("TaskParam").message();
  EXPECT_NE(message.find("/t/99: e; and 5 more problems"), std::string::npos) << message;
  EXPECT_EQ(message.find("/t/100:"), std::string::npos);
}

}  // namespace
}  // namespace disync::di
