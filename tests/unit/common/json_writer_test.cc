#include "common/json_writer.h"

#include <random>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace disync {
namespace {

using OJson = nlohmann::ordered_json;

std::string Dump(const OJson& value) {
  return value.dump(-1, ' ', false, OJson::error_handler_t::replace);
}

// Writes `value` through JsonWriter's typed calls (not Value()), recursively.
void WriteTyped(JsonWriter& out, const OJson& value) {
  switch (value.type()) {
    case OJson::value_t::object:
      out.BeginObject();
      for (const auto& [key, member] : value.items()) {
        out.Key(key);
        WriteTyped(out, member);
      }
      out.EndObject();
      break;
    case OJson::value_t::array:
      out.BeginArray();
      for (const OJson& element : value) WriteTyped(out, element);
      out.EndArray();
      break;
    case OJson::value_t::string:
      out.String(value.get_ref<const std::string&>());
      break;
    case OJson::value_t::boolean:
      out.Bool(value.get<bool>());
      break;
    default:
      out.Int(value.get<int64_t>());
      break;
  }
}

// Table-driven: the writer's bytes equal nlohmann's dump of the same document.
TEST(JsonWriter, WritesWhatNlohmannDumps) {
  const std::string invalid_utf8 = std::string("a\xff") + "b";
  const OJson cases[] = {
      OJson::object(),
      OJson::array(),
      OJson::array({OJson::object(), OJson::array(), OJson::array({1})}),
      OJson{{"a", 1}, {"b", OJson::array({true, false, -7})}, {"c", {{"d", "e"}}}},
      OJson{{"quote\"and\\slash", "line\nbreak\ttab\x01\x1f"}},
      OJson{{"unicode", "h\xc3\xa9llo \xe4\xb8\xad\xe6\x96\x87 \xf0\x9f\x98\x80"}, {"del", "\x7f"}},
      OJson{{"invalid", invalid_utf8}, {invalid_utf8, 0}},
      OJson{{"big", int64_t{9223372036854775807}}, {"small", int64_t{-9223372036854775807} - 1}},
  };
  for (const OJson& value : cases) {
    std::string typed;
    JsonWriter typed_writer(&typed);
    WriteTyped(typed_writer, value);
    EXPECT_TRUE(typed_writer.complete());
    EXPECT_EQ(typed, Dump(value));

    std::string embedded;
    JsonWriter embedded_writer(&embedded);
    embedded_writer.BeginArray().Value(value).Value(value).EndArray();
    EXPECT_EQ(embedded, "[" + Dump(value) + "," + Dump(value) + "]");
  }
}

// Differential: random strings over the bytes where escaping is decided
// (quotes, backslashes, control characters, DEL, UTF-8 lead and continuation
// bytes, valid and broken sequences), as values and as keys, through the
// run-by-run escaping and through nlohmann's; both must agree byte for byte.
TEST(JsonWriter, EscapesRandomBytesAsNlohmannDoes) {
  const std::string alphabet = std::string("aZ09 \"\\/\b\f\n\r\t\x01\x1f\x7f") +
                               "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\x80\xbf\xc0\xff\xfe\xed\xa0";
  std::mt19937 random(20261125);
  std::uniform_int_distribution<size_t> length(0, 24);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  for (int i = 0; i < 20000; ++i) {
    std::string text;
    for (size_t n = length(random); n > 0; --n) text.push_back(alphabet[pick(random)]);
    const OJson value = {{text, text}, {"list", {text, 1, text}}};
    std::string out;
    JsonWriter writer(&out);
    writer.Value(value);
    ASSERT_EQ(out, Dump(value)) << "case " << i;
  }
}

// The same for strings long enough to be escaped in several blocks, with
// multi-byte characters and runs of them straddling the block boundaries.
TEST(JsonWriter, EscapesLongStringsAsNlohmannDoes) {
  const std::vector<std::string> pieces = {"a", "\"", "\\", "\n", "\x01", "\xc3\xa9",
                                           "\xe4\xb8\xad", "\xf0\x9f\x98\x80", "\xff",
                                           std::string(300, 'x'), std::string(50, '\"')};
  std::mt19937 random(20261126);
  std::uniform_int_distribution<size_t> pick(0, pieces.size() - 1);
  for (int i = 0; i < 12; ++i) {
    std::string text;
    while (text.size() < 200 * 1024) text += pieces[pick(random)];
    const std::string expected = OJson(text).dump(-1, ' ', false, OJson::error_handler_t::replace);
    std::string out = "[";  // a prefix, as an answer envelope has
    JsonWriter writer(&out);
    writer.String(text);
    ASSERT_EQ(out, "[" + expected) << "case " << i;
    // The same literal in a buffer of its own, for PreRenderedJson.
    const std::vector<std::uint8_t> literal = JsonStringLiteral(text);
    ASSERT_EQ(std::string(literal.begin(), literal.end()), expected) << "case " << i;
  }
}

// A text in pieces escapes as the joined text does, wherever it is cut
// between whole characters: at the ends of escaped characters, of runs of
// multi-byte ones, of short and of long (over kMinPrefaultBytes) pieces.
TEST(JsonStringLiteral, EscapesATextInPiecesAsTheJoinedText) {
  const std::vector<std::string> fragments = {"a",
                                              "\"",
                                              "\\",
                                              "\n",
                                              "\x01",
                                              "\xc3\xa9",
                                              "\xe4\xb8\xad",
                                              "\xf0\x9f\x98\x80",
                                              std::string(300, 'x'),
                                              std::string(70, '\"')};
  std::mt19937 random(20261127);
  std::uniform_int_distribution<size_t> pick(0, fragments.size() - 1);
  std::uniform_int_distribution<size_t> per_piece(0, 40);
  for (int i = 0; i < 40; ++i) {
    TextPieces pieces;
    std::string joined;
    // One case in four has a piece of over 300 KiB.
    const size_t long_piece = i % 4 == 0 ? 1 : 0;
    for (size_t p = 0; p < 12; ++p) {
      std::string piece = p == long_piece ? std::string(300 * 1024, 'y') : std::string();
      for (size_t n = per_piece(random); n > 0; --n) piece += fragments[pick(random)];
      joined += piece;
      pieces.Append(std::move(piece));
    }
    ASSERT_EQ(pieces.size(), joined.size());
    const std::vector<std::uint8_t> literal = JsonStringLiteral(pieces);
    ASSERT_TRUE(std::string(literal.begin(), literal.end()) ==
                OJson(joined).dump(-1, ' ', false, OJson::error_handler_t::replace))
        << "case " << i;
  }
  const std::vector<std::uint8_t> empty = JsonStringLiteral(TextPieces());
  EXPECT_EQ(std::string(empty.begin(), empty.end()), "\"\"");
}

TEST(JsonStringLiteral, EscapesShortAndEmptyStringsAsNlohmannDoes) {
  for (const std::string& text :
       {std::string(), std::string("{\"a\":\"x\\\\y\",\"b\":[1,2]}"), std::string("\xc3\xa9"),
        std::string("\x01"), std::string("\xff")}) {
    const std::vector<std::uint8_t> literal = JsonStringLiteral(text);
    EXPECT_EQ(std::string(literal.begin(), literal.end()),
              OJson(text).dump(-1, ' ', false, OJson::error_handler_t::replace))
        << text;
  }
}

// Short strings take a path of their own when they need no escaping; one
// byte that does, at any place of any length around that path's limit and
// its 16-byte blocks, must still be escaped.
TEST(JsonWriter, EscapesOneSpecialByteAnywhereInAShortString) {
  for (const std::string& special : {std::string("\""), std::string("\\"), std::string("\x1f"),
                                     std::string("\x7f"), std::string("\xc3\xa9")}) {
    for (size_t size = 1; size <= 80; ++size) {
      for (size_t at = 0; at < size; ++at) {
        std::string text(size, 'a');
        text.replace(at, 1, special);
        std::string out;
        JsonWriter(&out).String(text);
        ASSERT_EQ(out, Dump(OJson(text))) << "size " << size << " at " << at;
        const std::vector<std::uint8_t> literal = JsonStringLiteral(text);
        ASSERT_EQ(std::string(literal.begin(), literal.end()), out)
            << "size " << size << " at " << at;
      }
    }
  }
}

// Blocks of plain bytes, quotes and backslashes alone take a path of their
// own; any mix of them, at any length, ends as nlohmann's does.
TEST(JsonWriter, EscapesRunsOfQuotesAndBackslashesAsNlohmannDoes) {
  std::mt19937 random(7);
  std::uniform_int_distribution<int> pick(0, 9);
  for (size_t size = 0; size <= 300; ++size) {
    for (int round = 0; round < 20; ++round) {
      std::string text;
      for (size_t i = 0; i < size; ++i) {
        const int p = pick(random);
        text += p < 3 ? '"' : p < 5 ? '\\' : p == 5 && round % 4 == 0 ? '\n' : 'a';
      }
      std::string out = "[";
      JsonWriter(&out).String(text);
      ASSERT_EQ(out, "[" + Dump(OJson(text))) << "size " << size << " round " << round;
      const std::vector<std::uint8_t> literal = JsonStringLiteral(text);
      ASSERT_EQ("[" + std::string(literal.begin(), literal.end()), out) << "size " << size;
    }
  }
}

// A value rendered ahead of time is written verbatim where it stands.
TEST(JsonWriter, WritesPreRenderedJsonAsItIs) {
  const std::string text = "{\"deep\":[1,\"two\"]}";
  const std::string literal = OJson(text).dump();
  OJson document = {{"Success", true},
                    {"Data", {{"Status", "success"},
                              {"TaskContent", PreRenderedJson(std::vector<std::uint8_t>(
                                                  literal.begin(), literal.end()))}}}};
  std::string out;
  JsonWriter writer(&out);
  writer.Value(document);
  document["Data"]["TaskContent"] = text;
  EXPECT_EQ(out, Dump(document));
  // Any other binary value is nlohmann's business, as before.
  const OJson other = OJson::binary({1, 2}, 7);
  std::string plain;
  JsonWriter(&plain).Value(other);
  EXPECT_EQ(plain, Dump(other));
}

// A long pre-rendered value and the brackets that close the document after
// it fit in the room reserved for it: the answer is not copied a second time.
TEST(JsonWriter, LeavesRoomAfterAPreRenderedValue) {
  const std::string literal = OJson(std::string(1 << 20, 'x')).dump();
  const OJson document = {{"RequestId", "r"},
                          {"Data",
                           {{"TaskContent", PreRenderedJson(std::vector<std::uint8_t>(
                                                literal.begin(), literal.end()))}}}};
  std::string out;
  JsonWriter(&out).Value(document);
  ASSERT_EQ(out.size(),
            literal.size() + std::string(R"({"RequestId":"r","Data":{"TaskContent":}})").size());
  EXPECT_LT(out.capacity(), out.size() + (1 << 16));
}

TEST(JsonWriter, WritesPlainJsonValuesToo) {
  const nlohmann::json value = {{"b", {1.5, nullptr, "x\"y"}}, {"a", false}};
  std::string out;
  JsonWriter writer(&out);
  writer.Value(value);
  EXPECT_EQ(out, value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST(JsonWriter, MembersWriteKeysAndValues) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject()
      .Member("s", std::string("x"))
      .Member("c", "y")
      .Member("i", int64_t{3})
      .Member("b", true)
      .Member("j", OJson::array({1, "2"}))
      .EndObject();
  EXPECT_EQ(out, R"({"s":"x","c":"y","i":3,"b":true,"j":[1,"2"]})");
  EXPECT_TRUE(writer.complete());
}

TEST(JsonWriter, SplicesArraysRenderedApart) {
  std::string first, second, empty;
  JsonWriter(&first).BeginArray().Int(1).String("a").EndArray();
  JsonWriter(&second).BeginArray().BeginObject().Member("k", true).EndObject().EndArray();
  JsonWriter(&empty).BeginArray().EndArray();
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray().Splice(empty).Splice(first).Int(2).Splice(empty).Splice(second).EndArray();
  EXPECT_EQ(out, R"([1,"a",2,{"k":true}])");
  EXPECT_TRUE(writer.complete());
}

// With pieces, a spliced array is moved into them, not copied: the text
// written before it goes first, and the caller appends the rest. The pieces
// join to what Splice writes into one string.
TEST(JsonWriter, SplicesOwnedArraysIntoPiecesWithoutCopying) {
  auto render = [](auto&& build) {
    std::string out;
    JsonWriter writer(&out);
    writer.BeginArray();
    build(writer);
    return out;
  };
  // Longer than a string's inline buffer, so that a move keeps its bytes.
  const std::string a(40, 'a');
  const std::string first = render([&](JsonWriter& w) { w.Int(1).String(a).EndArray(); });
  const std::string second =
      render([](JsonWriter& w) { w.BeginObject().Member("k", true).EndObject().EndArray(); });

  std::string copied;
  JsonWriter(&copied)
      .BeginObject()
      .Key("a")
      .BeginArray()
      .Splice(first)
      .Int(2)
      .Splice("[]")
      .Splice(second)
      .EndArray()
      .EndObject();
  ASSERT_EQ(copied, R"({"a":[1,")" + a + R"(",2,{"k":true}]})");

  std::string owned_first = first;
  const char* const first_bytes = owned_first.data();
  TextPieces pieces;
  std::string out;
  JsonWriter writer(&out, &pieces);
  writer.BeginObject().Key("a").BeginArray().SpliceOwned(std::move(owned_first)).Int(2);
  writer.SpliceOwned("[]").SpliceOwned(second).EndArray().EndObject();
  ASSERT_TRUE(writer.complete());
  pieces.Append(std::move(out));
  EXPECT_EQ(pieces.Join(), copied);
  // `{"a":[` | `1,"aa..."` | `,2,` | `{"k":true}` | `]}`: the empty array
  // adds nothing.
  EXPECT_EQ(pieces.count(), 5u);
  std::vector<std::string_view> views;
  pieces.ForEach([&](std::string_view piece) { views.push_back(piece); });
  ASSERT_EQ(views.size(), 5u);
  EXPECT_EQ(views[1], R"(1,")" + a + R"(")");
  EXPECT_EQ(views[1].data(), first_bytes + 1);  // the array's own bytes

  // Without pieces, SpliceOwned copies as Splice does.
  std::string plain;
  JsonWriter(&plain).BeginArray().SpliceOwned(first).EndArray();
  EXPECT_EQ(plain, first);
}

TEST(TextPieces, KeepsItsPiecesInOrderAndDropsEmptyOnes) {
  TextPieces text;
  EXPECT_TRUE(text.empty());
  text.Append("ab");
  text.Append("");
  text.Append("[cde]", 1, 3);
  text.Append("xyz", 3, 0);
  EXPECT_EQ(text.size(), 5u);
  EXPECT_EQ(text.count(), 2u);
  EXPECT_EQ(text.Join(), "abcde");
  EXPECT_EQ(TextPieces(std::string("whole")).Join(), "whole");
}

TEST(TextPiecesDeathTest, APartOutsideItsStringAborts) {
  TextPieces text;
  EXPECT_DEATH(text.Append("abc", 2, 2), "");
}

// A value assembled by hand takes its place among the others: the writer
// puts the separators around it, AppendJsonString escapes as String does.
TEST(JsonWriter, WritesRawValuesInTheirPlaces) {
  const std::string name = "a \"quoted\"\n\xff name";
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray().Int(1);
  writer.RawValue([&](std::string& text) {
    text += "{\"name\":";
    AppendJsonString(&text, name);
    text += '}';
  });
  writer.BeginObject().Key("k").RawValue([](std::string& text) { text += "[true]"; }).EndObject();
  writer.EndArray();
  EXPECT_TRUE(writer.complete());
  OJson want = OJson::array({1, {{"name", name}}, {{"k", {true}}}});
  EXPECT_EQ(out, want.dump(-1, ' ', false, OJson::error_handler_t::replace));
}

TEST(JsonWriterDeathTest, SplicingOutsideAnArrayAborts) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  EXPECT_DEATH(writer.Splice("[1]"), "");
}

TEST(JsonWriter, IsIncompleteUntilEveryContainerEnds) {
  std::string out;
  JsonWriter writer(&out);
  EXPECT_FALSE(writer.complete());
  writer.BeginObject().Key("a").BeginArray();
  EXPECT_FALSE(writer.complete());
  writer.EndArray().EndObject();
  EXPECT_TRUE(writer.complete());
}

TEST(JsonWriterDeathTest, AValueWhereAKeyIsDueAborts) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginObject();
  EXPECT_DEATH(writer.String("no key"), "");
}

TEST(JsonWriterDeathTest, UnbalancedEndAborts) {
  std::string out;
  JsonWriter writer(&out);
  writer.BeginArray();
  EXPECT_DEATH(writer.EndObject(), "");
}

}  // namespace
}  // namespace disync
