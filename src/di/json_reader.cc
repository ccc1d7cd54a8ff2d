#include "di/json_reader.h"

#include <string>
#include <utility>

namespace disync::di {
namespace {

using Json = nlohmann::json;

// Messages may quote the offending input, which need not be UTF-8; keep them
// printable ASCII so that they can travel inside a JSON error body.
std::string Printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// "[json.exception.parse_error.101] parse error at line 1, ..." -> "parse error at line 1, ...".
std::string WithoutExceptionTag(std::string_view what) {
  if (!what.empty() && what.front() == '[') {
    size_t end = what.find("] ");
    if (end != std::string_view::npos) what.remove_prefix(end + 2);
  }
  return Printable(what);
}

// A SAX consumer that builds the document as nlohmann's own DOM parser does
// (a repeated key keeps its last value) and, in the same pass, stops at the
// first container deeper than the limit and notes repeated keys, each with
// its pointer. The parser itself is iterative. (A separate checking pass
// before the DOM parse, with a set of keys per object, took 44% of reading a
// 10,000-table TaskParam.)
class DocumentBuilder final : public nlohmann::json_sax<Json> {
 public:
  DocumentBuilder(int max_depth, Json* root, std::vector<Problem>* problems)
      : max_depth_(max_depth), root_(root), problems_(problems) {}

  bool null() override { return Put(nullptr); }
  bool boolean(bool value) override { return Put(value); }
  bool number_integer(number_integer_t value) override { return Put(value); }
  bool number_unsigned(number_unsigned_t value) override { return Put(value); }
  bool number_float(number_float_t value, const string_t&) override { return Put(value); }
  bool string(string_t& value) override { return Put(value); }
  bool binary(binary_t& value) override { return Put(Json::binary(value)); }
  bool start_object(std::size_t) override { return Open(Json::value_t::object); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(Json::value_t::array); }
  bool end_array() override { return Close(); }

  bool key(string_t& key) override {
    Frame& frame = stack_.back();
    auto [member, added] = frame.container->get_ref<Json::object_t&>().try_emplace(key);
    frame.key = &member->first;
    frame.member = &member->second;
    if (!added) {
      problems_->push_back({CurrentPointer(), std::string(problem_code::kDuplicate),
                            "duplicate key \"" + key + "\"; each key may appear once in an object"});
    }
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) override {
    syntax_error_ = true;
    error_position_ = position;
    error_message_ = WithoutExceptionTag(ex.what());
    return false;
  }

  bool too_deep() const { return too_deep_; }
  const std::string& too_deep_pointer() const { return too_deep_pointer_; }
  bool syntax_error() const { return syntax_error_; }
  std::size_t error_position() const { return error_position_; }
  const std::string& error_message() const { return error_message_; }

 private:
  // An open container; for an object, the member whose value comes next.
  struct Frame {
    Json* container;
    const std::string* key = nullptr;
    Json* member = nullptr;
  };

  // Pointer of the value the parser is at: the key or index of each open
  // container's current value. An array's values are in it once begun.
  std::string CurrentPointer(bool value_begun = true) const {
    std::string pointer;
    for (size_t i = 0; i < stack_.size(); ++i) {
      const Frame& frame = stack_[i];
      if (frame.container->is_array()) {
        const bool begun = value_begun || i + 1 < stack_.size();
        pointer = AppendPointer(pointer, frame.container->size() - (begun ? 1 : 0));
      } else {
        pointer = AppendPointer(pointer, *frame.key);
      }
    }
    return pointer;
  }

  // Places a value where the parser is: the root, the next element of the
  // open array, or the member of the open object whose key came last.
  template <typename Value>
  Json* Place(Value&& value) {
    if (stack_.empty()) {
      *root_ = Json(std::forward<Value>(value));
      return root_;
    }
    Frame& frame = stack_.back();
    if (frame.container->is_array()) {
      return &frame.container->get_ref<Json::array_t&>().emplace_back(std::forward<Value>(value));
    }
    *frame.member = Json(std::forward<Value>(value));
    return frame.member;
  }

  template <typename Value>
  bool Put(Value&& value) {
    Place(std::forward<Value>(value));
    return true;
  }

  bool Open(Json::value_t type) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      too_deep_ = true;
      too_deep_pointer_ = CurrentPointer(/*value_begun=*/false);
      return false;  // stops the parser
    }
    stack_.push_back({Place(type)});
    return true;
  }

  bool Close() {
    stack_.pop_back();
    return true;
  }

  int max_depth_;
  Json* root_;
  std::vector<Problem>* problems_;
  std::vector<Frame> stack_;
  bool too_deep_ = false;
  std::string too_deep_pointer_;
  bool syntax_error_ = false;
  std::size_t error_position_ = 0;
  std::string error_message_;
};

// nlohmann counts the bytes read, the offending one (or the end) included.
std::size_t ZeroBased(std::size_t position) { return position > 0 ? position - 1 : 0; }

bool IsJsonWhitespace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::optional<nlohmann::json> ReadJson(std::string_view text, std::string_view what,
                                       const JsonLimits& limits, std::vector<Problem>* problems) {
  if (text.size() > limits.max_bytes) {
    problems->push_back({"", std::string(problem_code::kTooLarge),
                         std::string(what) + " is " + std::to_string(text.size()) +
                             " bytes; at most " + std::to_string(limits.max_bytes) +
                             " bytes are accepted"});
    return std::nullopt;
  }
  bool blank = true;
  for (char c : text) {
    if (!IsJsonWhitespace(c)) {
      blank = false;
      break;
    }
  }
  if (blank) {
    problems->push_back({"", std::string(problem_code::kEmpty),
                         std::string(what) + " is empty; expected a JSON object"});
    return std::nullopt;
  }

  std::vector<Problem> duplicates;
  Json doc;
  DocumentBuilder builder(limits.max_depth, &doc, &duplicates);
  if (!Json::sax_parse(text.begin(), text.end(), &builder)) {
    if (builder.too_deep()) {
      problems->push_back({builder.too_deep_pointer(), std::string(problem_code::kTooDeep),
                           "nested deeper than " + std::to_string(limits.max_depth) +
                               " levels of objects and arrays"});
    } else {
      problems->push_back({"", std::string(problem_code::kInvalidJson),
                           std::string(what) + " is not valid JSON (byte offset " +
                               std::to_string(ZeroBased(builder.error_position())) +
                               "): " + builder.error_message()});
    }
    return std::nullopt;
  }
  problems->insert(problems->end(), duplicates.begin(), duplicates.end());
  return doc;
}

}  // namespace disync::di
