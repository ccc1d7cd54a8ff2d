#include "common/json_writer.h"

#include <charconv>

#include "common/check.h"

namespace disync {
namespace {

// What nlohmann writes unchanged between the quotes: printable ASCII except
// the quote and the backslash.
bool IsPlain(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u >= 0x20 && u < 0x7F && c != '"' && c != '\\';
}

bool IsQuoteOrBackslash(char c) { return c == '"' || c == '\\'; }

// Everything else: control characters, DEL and the bytes of non-ASCII text.
bool IsOther(char c) { return !IsPlain(c) && !IsQuoteOrBackslash(c); }

constexpr auto kReplace = nlohmann::ordered_json::error_handler_t::replace;

}  // namespace

void JsonWriter::BeforeValue() {
  if (stack_.empty()) {
    DISYNC_CHECK(!wrote_root_);
    wrote_root_ = true;
    return;
  }
  Frame& frame = stack_.back();
  if (frame.level == Level::kObject) {
    DISYNC_CHECK(after_key_);
    after_key_ = false;
    return;
  }
  if (!frame.empty) out_->push_back(',');
  frame.empty = false;
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  stack_.push_back({Level::kObject});
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  DISYNC_CHECK(!stack_.empty() && stack_.back().level == Level::kObject && !after_key_);
  stack_.pop_back();
  out_->push_back('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  stack_.push_back({Level::kArray});
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  DISYNC_CHECK(!stack_.empty() && stack_.back().level == Level::kArray);
  stack_.pop_back();
  out_->push_back(']');
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  DISYNC_CHECK(!stack_.empty() && stack_.back().level == Level::kObject && !after_key_);
  Frame& frame = stack_.back();
  if (!frame.empty) out_->push_back(',');
  frame.empty = false;
  AppendString(key);
  out_->push_back(':');
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendString(value);
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) {
  BeforeValue();
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  DISYNC_CHECK(ec == std::errc());
  out_->append(buffer, end);
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_->append(value ? "true" : "false");
  return *this;
}

JsonWriter& JsonWriter::Value(const nlohmann::ordered_json& value) {
  WriteValue(value);
  return *this;
}

JsonWriter& JsonWriter::Value(const nlohmann::json& value) {
  WriteValue(value);
  return *this;
}

template <typename Json>
void JsonWriter::WriteValue(const Json& value) {
  switch (value.type()) {
    case Json::value_t::object:
      BeginObject();
      for (auto it = value.begin(); it != value.end(); ++it) {
        Key(it.key());
        WriteValue(it.value());
      }
      EndObject();
      return;
    case Json::value_t::array:
      BeginArray();
      for (const Json& element : value) WriteValue(element);
      EndArray();
      return;
    case Json::value_t::string:
      String(value.template get_ref<const typename Json::string_t&>());
      return;
    default:  // numbers, booleans, null, binary: short, and nlohmann's own format
      BeforeValue();
      out_->append(value.dump(-1, ' ', false, kReplace));
      return;
  }
}

void JsonWriter::AppendString(std::string_view value) {
  out_->push_back('"');
  size_t i = 0;
  while (i < value.size()) {
    size_t run = i;
    if (IsPlain(value[i])) {
      while (run < value.size() && IsPlain(value[run])) ++run;
      out_->append(value.data() + i, run - i);
    } else if (IsQuoteOrBackslash(value[i])) {
      out_->push_back('\\');
      out_->push_back(value[i]);
      run = i + 1;
    } else {
      // A run of other bytes never ends inside a valid UTF-8 sequence (all
      // its bytes are >= 0x80), so nlohmann sees whole characters, and an
      // invalid one ends the same way it would in the whole string.
      while (run < value.size() && IsOther(value[run])) ++run;
      const std::string escaped =
          nlohmann::ordered_json(std::string(value.substr(i, run - i))).dump(-1, ' ', false, kReplace);
      out_->append(escaped, 1, escaped.size() - 2);  // without its quotes
    }
    i = run;
  }
  out_->push_back('"');
}

}  // namespace disync
