#include "di/json_reader.h"

#include <set>
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

// A SAX consumer that builds nothing: it tracks the path to the current value
// so that it can stop at the first container deeper than the limit and point
// at it, and it notes repeated keys. The parser itself is iterative.
class DepthGuard : public nlohmann::json_sax<Json> {
 public:
  DepthGuard(int max_depth, std::vector<Problem>* problems)
      : max_depth_(max_depth), problems_(problems) {}

  bool null() override { return Scalar(); }
  bool boolean(bool) override { return Scalar(); }
  bool number_integer(number_integer_t) override { return Scalar(); }
  bool number_unsigned(number_unsigned_t) override { return Scalar(); }
  bool number_float(number_float_t, const string_t&) override { return Scalar(); }
  bool string(string_t&) override { return Scalar(); }
  bool binary(binary_t&) override { return Scalar(); }

  bool start_object(std::size_t) override { return Open(/*array=*/false); }
  bool end_object() override { return Close(); }
  bool start_array(std::size_t) override { return Open(/*array=*/true); }
  bool end_array() override { return Close(); }

  bool key(string_t& key) override {
    Frame& frame = stack_.back();
    frame.key = key;
    if (!frame.keys.insert(key).second) {
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
  struct Frame {
    bool array = false;
    size_t index = 0;
    std::string key;
    std::set<std::string> keys;
  };

  // Pointer of the value the parser is at: the key or index of each open container.
  std::string CurrentPointer() const {
    std::string pointer;
    for (const Frame& frame : stack_) {
      pointer = frame.array ? AppendPointer(pointer, frame.index) : AppendPointer(pointer, frame.key);
    }
    return pointer;
  }

  bool Scalar() {
    Advance();
    return true;
  }

  void Advance() {
    if (!stack_.empty() && stack_.back().array) ++stack_.back().index;
  }

  bool Open(bool array) {
    if (static_cast<int>(stack_.size()) >= max_depth_) {
      too_deep_ = true;
      too_deep_pointer_ = CurrentPointer();
      return false;  // stops the parser
    }
    Frame frame;
    frame.array = array;
    stack_.push_back(std::move(frame));
    return true;
  }

  bool Close() {
    stack_.pop_back();
    Advance();
    return true;
  }

  int max_depth_;
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
  DepthGuard guard(limits.max_depth, &duplicates);
  bool ok = Json::sax_parse(text.begin(), text.end(), &guard);
  if (!ok) {
    if (guard.too_deep()) {
      problems->push_back({guard.too_deep_pointer(), std::string(problem_code::kTooDeep),
                           "nested deeper than " + std::to_string(limits.max_depth) +
                               " levels of objects and arrays"});
    } else {
      problems->push_back({"", std::string(problem_code::kInvalidJson),
                           std::string(what) + " is not valid JSON (byte offset " +
                               std::to_string(ZeroBased(guard.error_position())) +
                               "): " + guard.error_message()});
    }
    return std::nullopt;
  }

  try {
    Json doc = Json::parse(text.begin(), text.end());
    problems->insert(problems->end(), duplicates.begin(), duplicates.end());
    return doc;
  } catch (const Json::exception& e) {
    // The SAX pass accepted the same text; keep the report honest anyway.
    problems->push_back({"", std::string(problem_code::kInvalidJson),
                         std::string(what) + " is not valid JSON: " + WithoutExceptionTag(e.what())});
    return std::nullopt;
  }
}

}  // namespace disync::di
