// JsonWriter: appends compact JSON to a string value by value, for documents
// too large to build as a DOM first (the TaskContent of 100,000 tables is
// gigabytes as nlohmann nodes and about 400 MB as text), and for answers
// whose cost is escaping one long string (a TaskContent inside a response).
//
// The output is byte-identical to nlohmann::ordered_json::dump(-1, ' ',
// false, error_handler_t::replace) of the same document. Strings are copied
// run by run: printable ASCII as it is, '"' and '\\' with a backslash, and
// every other run of bytes (control characters, anything non-ASCII) escaped
// by nlohmann itself, so that invalid UTF-8 becomes U+FFFD exactly as it
// would. nlohmann checks UTF-8 byte by byte on the whole string, about ten
// times slower on a TaskContent, which is mostly ASCII with many quotes.
// Sub-documents already held as nlohmann values are written with Value(),
// recursively, with the same string escaping. A value rendered ahead of time
// can travel inside such a sub-document as PreRenderedJson: Value() writes
// its text verbatim (nlohmann's own dump would show it as a binary value).
//
// Misuse (a value where a key is due, unbalanced End*) is a programming
// error: DISYNC_CHECK aborts. Not thread-safe; one writer per output string.
#ifndef DISYNC_COMMON_JSON_WRITER_H_
#define DISYNC_COMMON_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/text_pieces.h"

namespace disync {

// The binary subtype that marks a nlohmann binary value as PreRenderedJson.
inline constexpr std::uint64_t kPreRenderedJsonSubtype = 0x6a736f6e;  // "json"

// A nlohmann value holding `text`, the complete text of one JSON value
// (say, the string literal of a 38 MB TaskContent, escaped on another
// thread), which JsonWriter::Value writes as it is. Moved in: no copy.
template <typename Json = nlohmann::ordered_json>
Json PreRenderedJson(std::vector<std::uint8_t> text) {
  return Json::binary(std::move(text), kPreRenderedJsonSubtype);
}

// A pre-rendered value a JsonWriter left out of its text (see Value(Json&&)):
// its bytes belong at offset `at` of that text.
struct JsonSplice {
  size_t at = 0;
  std::vector<std::uint8_t> text;
};

// The JSON string literal of `value`, quotes included, escaped exactly as
// JsonWriter::String escapes it, in a buffer of its own (one that
// PreRenderedJson can carry).
std::vector<std::uint8_t> JsonStringLiteral(std::string_view value);
// The literal of the text the pieces make, read piece by piece.
std::vector<std::uint8_t> JsonStringLiteral(const TextPieces& value);

// Appends the JSON string literal of `value`, quotes included, to `out`,
// escaped as JsonWriter::String escapes it: for JSON text assembled ahead of
// a writer (see JsonWriter::RawValue).
void AppendJsonString(std::string* out, std::string_view value);
// Appends `value` as JsonWriter::Int writes it.
void AppendJsonInt(std::string* out, int64_t value);

class JsonWriter {
 public:
  explicit JsonWriter(std::string* out) : out_(out) {}
  // Pre-rendered values written with Value(Json&&) are moved to `splices`
  // (in the order of their offsets) instead of being copied into `out`: an
  // answer carrying a 45 MB TaskContent goes out without a second copy of it.
  JsonWriter(std::string* out, std::vector<JsonSplice>* splices) : out_(out), splices_(splices) {}
  // SpliceOwned moves the text written to `out` so far, then the spliced
  // array's elements, into `pieces` instead of copying the elements into
  // `out`. The caller appends what is left in `out` when the writer is done.
  JsonWriter(std::string* out, TextPieces* pieces) : out_(out), pieces_(pieces) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The member name of the next value (inside an object only).
  JsonWriter& Key(std::string_view key);

  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Value(const nlohmann::ordered_json& value);
  JsonWriter& Value(const nlohmann::json& value);
  // As Value(const&), except that pre-rendered values are moved out of
  // `value` into the splices, when the writer has them.
  JsonWriter& Value(nlohmann::ordered_json&& value);
  // Appends the elements of `array`, the complete text of a JSON array (as
  // another JsonWriter wrote it), to the array being written: pieces of one
  // array rendered apart, on other threads, are joined without re-parsing.
  JsonWriter& Splice(std::string_view array);
  // As Splice, taking `array`: without a copy when the writer has pieces.
  JsonWriter& SpliceOwned(std::string array);

  // Writes one value whose complete text `append(std::string&)` appends to
  // the output: for hot loops whose values are mostly pieces rendered ahead
  // (AppendJsonString and AppendJsonInt for the values between them). The
  // caller answers for the text being exactly one JSON value.
  template <typename Append>
  JsonWriter& RawValue(Append&& append) {
    BeforeValue();
    append(*out_);
    return *this;
  }

  // Shorthands for Key(key) followed by the value.
  JsonWriter& Member(std::string_view key, std::string_view value) { return Key(key).String(value); }
  JsonWriter& Member(std::string_view key, const std::string& value) { return Key(key).String(value); }
  JsonWriter& Member(std::string_view key, const char* value) { return Key(key).String(value); }
  JsonWriter& Member(std::string_view key, int64_t value) { return Key(key).Int(value); }
  JsonWriter& Member(std::string_view key, bool value) { return Key(key).Bool(value); }
  JsonWriter& Member(std::string_view key, const nlohmann::ordered_json& value) {
    return Key(key).Value(value);
  }

  // True once every container begun has ended.
  bool complete() const { return stack_.empty() && wrote_root_; }

 private:
  enum class Level { kObject, kArray };
  struct Frame {
    Level level;
    bool empty = true;
  };

  // Writes the separator a value needs here; checks a value may come.
  void BeforeValue();
  void AppendString(std::string_view value);
  // The elements of `array`, the text of a JSON array, without its brackets.
  std::string_view SplicedElements(std::string_view array) const;
  // Json: a nlohmann value type, const-qualified unless its pre-rendered
  // values may be moved out.
  template <typename Json>
  void WriteValue(Json& value);

  std::string* out_;
  std::vector<JsonSplice>* splices_ = nullptr;
  TextPieces* pieces_ = nullptr;
  std::vector<Frame> stack_;
  bool after_key_ = false;
  bool wrote_root_ = false;
};

}  // namespace disync

#endif  // DISYNC_COMMON_JSON_WRITER_H_
