#include "openapi/params.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>

namespace disync::openapi {
namespace {

struct ParseCase {
  const char* name;
  std::string input;
  ParamList want;
};

class ParseFormUrlEncodedTest : public ::testing::TestWithParam<ParseCase> {};

TEST_P(ParseFormUrlEncodedTest, DecodesPairs) {
  const ParseCase& c = GetParam();
  Result<ParamList> got = ParseFormUrlEncoded(c.input);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got.value(), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseFormUrlEncodedTest,
    ::testing::Values(
        ParseCase{"Empty", "", {}},
        ParseCase{"Simple", "a=1&b=2", {{"a", "1"}, {"b", "2"}}},
        ParseCase{"KeepsArrivalOrder", "b=2&a=1", {{"b", "2"}, {"a", "1"}}},
        ParseCase{"PlusIsSpace", "a=x+y&b+c=z", {{"a", "x y"}, {"b c", "z"}}},
        ParseCase{"PercentEscapes", "a=%2A%2b%20%25%3D%26", {{"a", "*+ %=&"}}},
        ParseCase{"EncodedPlusStaysPlus", "Signature=ab%2Bc%3D", {{"Signature", "ab+c="}}},
        ParseCase{"UnescapedSubDelimiters", "a=~*'()!", {{"a", "~*'()!"}}},
        ParseCase{"EmptyValue", "a=&b=2", {{"a", ""}, {"b", "2"}}},
        ParseCase{"NameWithoutEquals", "a&b=2", {{"a", ""}, {"b", "2"}}},
        ParseCase{"EmptySegmentsSkipped", "&a=1&&b=2&", {{"a", "1"}, {"b", "2"}}},
        ParseCase{"EqualsInValue", "a=b=c", {{"a", "b=c"}}},
        ParseCase{"Utf8Bytes", "u=caf%C3%A9%20%E6%95%B0%F0%9F%98%80",
                  {{"u", "caf\xC3\xA9 \xE6\x95\xB0\xF0\x9F\x98\x80"}}},
        ParseCase{"RawUtf8PassesThrough", "u=\xC3\xA9", {{"u", "\xC3\xA9"}}},
        ParseCase{"DuplicatesAreKeptByTheParser", "a=1&a=2", {{"a", "1"}, {"a", "2"}}}),
    [](const ::testing::TestParamInfo<ParseCase>& info) { return info.param.name; });

struct MalformedCase {
  const char* name;
  std::string input;
  std::string offending;  // must appear in the message
};

class ParseFormUrlEncodedMalformedTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(ParseFormUrlEncodedMalformedTest, IsInvalidParameter) {
  const MalformedCase& c = GetParam();
  Result<ParamList> got = ParseFormUrlEncoded(c.input);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidParameter);
  EXPECT_NE(got.error().message().find(c.offending), std::string::npos) << got.error().message();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseFormUrlEncodedMalformedTest,
    ::testing::Values(MalformedCase{"NonHexDigit", "a=%G1", "%G1"},
                      MalformedCase{"SecondDigitNotHex", "a=%1Z&b=2", "%1Z"},
                      MalformedCase{"TrailingPercent", "a=1%", "\"%\""},
                      MalformedCase{"TruncatedEscape", "a=%4", "%4"},
                      MalformedCase{"InName", "%zz=1", "%zz"}),
    [](const ::testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

struct MergeCase {
  const char* name;
  ParamList query;
  ParamList body;
  ParamMap want;
};

class MergeParamsTest : public ::testing::TestWithParam<MergeCase> {};

TEST_P(MergeParamsTest, Merges) {
  const MergeCase& c = GetParam();
  Result<ParamMap> got = MergeParams(c.query, c.body);
  ASSERT_TRUE(got.ok()) << got.error().message();
  EXPECT_EQ(got.value(), c.want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MergeParamsTest,
    ::testing::Values(
        MergeCase{"BothEmpty", {}, {}, {}},
        MergeCase{"QueryOnly", {{"b", "2"}, {"a", "1"}}, {}, {{"a", "1"}, {"b", "2"}}},
        MergeCase{"BodyOnly", {}, {{"a", "1"}}, {{"a", "1"}}},
        MergeCase{"Union", {{"a", "1"}}, {{"b", "2"}}, {{"a", "1"}, {"b", "2"}}},
        MergeCase{"BodyWins", {{"a", "query"}, {"c", "3"}}, {{"a", "body"}},
                  {{"a", "body"}, {"c", "3"}}}),
    [](const ::testing::TestParamInfo<MergeCase>& info) { return info.param.name; });

TEST(MergeParams, SortsNamesInByteOrder) {
  Result<ParamMap> got = MergeParams({{"b", ""}, {"a", ""}, {"B", ""}, {"_", ""}}, {});
  ASSERT_TRUE(got.ok());
  std::string order;
  for (const auto& [name, value] : got.value()) order += name;
  EXPECT_EQ(order, "B_ab");
}

struct DuplicateCase {
  const char* name;
  ParamList query;
  ParamList body;
  std::string message;
};

class MergeParamsDuplicateTest : public ::testing::TestWithParam<DuplicateCase> {};

TEST_P(MergeParamsDuplicateTest, IsInvalidParameter) {
  const DuplicateCase& c = GetParam();
  Result<ParamMap> got = MergeParams(c.query, c.body);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.error().code(), ErrorCode::kInvalidParameter);
  EXPECT_EQ(got.error().message(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MergeParamsDuplicateTest,
    ::testing::Values(DuplicateCase{"InQuery", {{"a", "1"}, {"a", "1"}}, {}, "duplicate parameter a"},
                      DuplicateCase{"InBody", {{"x", "1"}}, {{"b", "1"}, {"b", "2"}},
                                    "duplicate parameter b"}),
    [](const ::testing::TestParamInfo<DuplicateCase>& info) { return info.param.name; });

TEST(ParseAndMerge, DuplicateOnTheWireIsInvalidParameter) {
  Result<ParamList> query = ParseFormUrlEncoded("Action=A&Action=B");
  ASSERT_TRUE(query.ok());
  Result<ParamMap> merged = MergeParams(query.value(), {});
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().code(), ErrorCode::kInvalidParameter);
  EXPECT_EQ(merged.error().message(), "duplicate parameter Action");
}

struct EncodeCase {
  const char* name;
  std::string input;
  std::string want;
};

class PercentEncodeTest : public ::testing::TestWithParam<EncodeCase> {};

TEST_P(PercentEncodeTest, EncodesRfc3986) {
  EXPECT_EQ(PercentEncode(GetParam().input), GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, PercentEncodeTest,
    ::testing::Values(EncodeCase{"Empty", "", ""},
                      EncodeCase{"Unreserved", "AZaz09-_.~", "AZaz09-_.~"},
                      EncodeCase{"SpaceIsPercent20", " ", "%20"},
                      EncodeCase{"StarAndPlus", "*+", "%2A%2B"},
                      EncodeCase{"UpperCaseHex", "\xff\x0a", "%FF%0A"},
                      EncodeCase{"NulByte", std::string(1, '\0'), "%00"},
                      EncodeCase{"Slash", "/", "%2F"}),
    [](const ::testing::TestParamInfo<EncodeCase>& info) { return info.param.name; });

TEST(PercentEncode, MatchesSharedVectors) {
  std::ifstream in(std::string(DISYNC_SHARED_DIR) + "/vectors/signatures.json");
  ASSERT_TRUE(in) << "cannot open " << DISYNC_SHARED_DIR << "/vectors/signatures.json";
  nlohmann::json doc = nlohmann::json::parse(in);
  const nlohmann::json& table = doc.at("percent_encoding");
  ASSERT_FALSE(table.empty());
  for (const nlohmann::json& entry : table) {
    std::string input = entry.at("input").get<std::string>();
    EXPECT_EQ(PercentEncode(input), entry.at("encoded").get<std::string>()) << "input: " << input;
  }
}

TEST(PercentEncode, RoundTripsThroughTheParser) {
  std::string value = "100% & a=b / c?d#e ~*+ !'() caf\xC3\xA9";
  Result<ParamList> got = ParseFormUrlEncoded("v=" + PercentEncode(value));
  ASSERT_TRUE(got.ok());
  ASSERT_EQ(got.value().size(), 1u);
  EXPECT_EQ(got.value()[0].second, value);
}

}  // namespace
}  // namespace disync::openapi
