#include "di/json_schema.h"

// valijson reports schema and regex failures by throwing when this is set,
// and aborts otherwise; exceptions are caught below and become values.
#define VALIJSON_USE_EXCEPTIONS 1
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include <cctype>
#include <exception>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace disync::di {
namespace {

using Json = nlohmann::json;

struct PathToken {
  bool is_index = false;
  size_t index = 0;
  std::string key;
};

bool StartsWith(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// valijson errors that only summarise the errors of a nested value.
bool IsSummary(std::string_view description) {
  static constexpr std::string_view kPrefixes[] = {
      "Failed to validate item #",
      "Failed to validate against schema associated with property name",
      "Failed to validate against schema associated with pattern",
      "Failed to validate against additional properties schema",
      "Failed to validate against child schema #",
      "Failed to validate against a conditional schema",
      "Failed to validate against dependent schema",
  };
  for (std::string_view prefix : kPrefixes) {
    if (StartsWith(description, prefix)) return true;
  }
  return false;
}

// The number in "... no fewer than 1 elements." (the first run of digits).
std::optional<long> FirstNumber(std::string_view text) {
  size_t start = text.find_first_of("0123456789");
  if (start == std::string_view::npos) return std::nullopt;
  long value = 0;
  for (size_t i = start; i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])); ++i) {
    value = value * 10 + (text[i] - '0');
    if (value > 1'000'000'000) break;
  }
  return value;
}

std::string KindOf(const Json& value) {
  switch (value.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::object: return "an object";
    case Json::value_t::array: return "an array";
    case Json::value_t::string: return "a string";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::number_integer:
    case Json::value_t::number_unsigned: return "an integer";
    case Json::value_t::number_float: return "a number with a fraction";
    default: return "a value of another kind";
  }
}

// A short rendering of a scalar for "got ..." in messages.
std::string Show(const Json& value) {
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.size() > 64) text = text.substr(0, 64) + "...";
    return Json(text).dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  if (value.is_primitive()) return value.dump();
  return KindOf(value);
}

std::string AsciiLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace

struct JsonSchema::Impl {
  Json document;             // the schema as JSON, for descriptions and key names
  valijson::Schema schema;   // the compiled form

  // Every subschema that applies at `path`, following $ref, allOf/anyOf/oneOf
  // and both branches of if/then/else. Approximate on purpose: it only feeds
  // messages and the key-case check.
  std::vector<const Json*> Candidates(const std::vector<PathToken>& path) const {
    std::vector<const Json*> current = Expand({&document});
    for (const PathToken& token : path) current = Step(current, token);
    return current;
  }

  // The subschemas of the member `token` of a value whose subschemas are `current`.
  std::vector<const Json*> Step(const std::vector<const Json*>& current, const PathToken& token) const {
    std::vector<const Json*> next;
    for (const Json* schema : current) {
      if (!schema->is_object()) continue;
      if (token.is_index) {
        auto items = schema->find("items");
        if (items != schema->end() && items->is_object()) next.push_back(&*items);
        continue;
      }
      auto properties = schema->find("properties");
      if (properties != schema->end() && properties->is_object()) {
        auto property = properties->find(token.key);
        if (property != properties->end()) {
          next.push_back(&*property);
          continue;
        }
      }
      auto additional = schema->find("additionalProperties");
      if (additional != schema->end() && additional->is_object()) next.push_back(&*additional);
    }
    return Expand(next);
  }

  // Pre-order, so that a value's own subschema comes before the ones it
  // refers to or combines, and allOf members keep their order.
  std::vector<const Json*> Expand(const std::vector<const Json*>& roots) const {
    std::vector<const Json*> out;
    std::set<const Json*> seen;
    for (const Json* root : roots) Visit(root, &out, &seen);
    return out;
  }

  void Visit(const Json* schema, std::vector<const Json*>* out, std::set<const Json*>* seen) const {
    if (!schema->is_object() || !seen->insert(schema).second) return;
    out->push_back(schema);
    auto ref = schema->find("$ref");
    if (ref != schema->end() && ref->is_string()) {
      if (const Json* target = Resolve(ref->get<std::string>())) Visit(target, out, seen);
    }
    for (const char* list : {"allOf", "anyOf", "oneOf"}) {
      auto members = schema->find(list);
      if (members == schema->end() || !members->is_array()) continue;
      for (const Json& member : *members) Visit(&member, out, seen);
    }
    for (const char* branch : {"then", "else"}) {
      auto sub = schema->find(branch);
      if (sub != schema->end()) Visit(&*sub, out, seen);
    }
  }

  const Json* Resolve(const std::string& ref) const {
    if (!StartsWith(ref, "#")) return nullptr;
    try {
      return &document.at(Json::json_pointer(ref.substr(1)));
    } catch (const Json::exception&) {
      return nullptr;
    }
  }

  // The first value of `keyword` among the candidates at `path`.
  const Json* Keyword(const std::vector<PathToken>& path, const char* keyword) const {
    for (const Json* schema : Candidates(path)) {
      auto it = schema->find(keyword);
      if (it != schema->end()) return &*it;
    }
    return nullptr;
  }

  std::string Expected(const std::vector<PathToken>& path) const {
    if (const Json* description = Keyword(path, "description"); description && description->is_string()) {
      return description->get<std::string>();
    }
    if (const Json* type = Keyword(path, "type"); type && type->is_string()) {
      std::string name = type->get<std::string>();
      bool vowel = !name.empty() && std::string_view("aeiou").find(name[0]) != std::string_view::npos;
      return (vowel ? "an " : "a ") + name;
    }
    return "a valid value";
  }

  Problem ToProblem(const valijson::ValidationResults::Error& error, const Json& doc) const {
    // context is {"<root>", "[steps]", "[0]", ...}; walk the document to tell
    // array indexes from object keys that look like numbers.
    std::vector<PathToken> path;
    std::string pointer;
    const Json* node = &doc;
    for (size_t i = 1; i < error.context.size(); ++i) {
      std::string_view raw = error.context[i];
      if (raw.size() >= 2 && raw.front() == '[' && raw.back() == ']') raw = raw.substr(1, raw.size() - 2);
      PathToken token;
      if (node != nullptr && node->is_array()) {
        token.is_index = true;
        token.index = static_cast<size_t>(FirstNumber(raw).value_or(0));
        pointer = AppendPointer(pointer, token.index);
        node = token.index < node->size() ? &(*node)[token.index] : nullptr;
      } else {
        token.key = std::string(raw);
        pointer = AppendPointer(pointer, token.key);
        if (node != nullptr && node->is_object()) {
          auto it = node->find(token.key);
          node = it != node->end() ? &*it : nullptr;
        } else {
          node = nullptr;
        }
      }
      path.push_back(std::move(token));
    }

    const std::string& description = error.description;
    Problem problem;
    problem.pointer = pointer;
    if (StartsWith(description, "Missing required property '")) {
      std::string name = description.substr(27);
      if (!name.empty() && name.back() == '.') name.pop_back();
      if (!name.empty() && name.back() == '\'') name.pop_back();
      PathToken token;
      token.key = name;
      path.push_back(token);
      problem.pointer = AppendPointer(pointer, name);
      problem.code = std::string(problem_code::kRequired);
      problem.message = "missing; expected " + Expected(path);
    } else if (StartsWith(description, "Value type not permitted")) {
      problem.code = std::string(problem_code::kType);
      problem.message = "expected " + Expected(path) + ", got " + (node ? KindOf(*node) : "another type");
    } else if (StartsWith(description, "Failed to match against any enum values") ||
               StartsWith(description, "Failed to match expected value set by 'const'")) {
      problem.code = std::string(problem_code::kEnum);
      std::string allowed;
      if (const Json* values = Keyword(path, "enum"); values && values->is_array()) {
        for (const Json& value : *values) {
          if (!allowed.empty()) allowed += ", ";
          allowed += value.dump();
        }
        allowed = "one of " + allowed;
      } else {
        allowed = Expected(path);
      }
      problem.message = "expected " + allowed + ", got " + (node ? Show(*node) : "another value");
    } else if (StartsWith(description, "String should be no more than")) {
      problem.code = std::string(problem_code::kTooLong);
      problem.message = "longer than " + std::to_string(FirstNumber(description).value_or(0)) +
                        " characters; expected " + Expected(path);
    } else if (StartsWith(description, "String should be no fewer than")) {
      long minimum = FirstNumber(description).value_or(0);
      problem.code = std::string(minimum <= 1 ? problem_code::kEmpty : problem_code::kTooShort);
      problem.message = (minimum <= 1 ? std::string("empty") : "shorter than " + std::to_string(minimum) +
                                                                   " characters") +
                        "; expected " + Expected(path);
    } else if (StartsWith(description, "Array should contain no fewer than")) {
      long minimum = FirstNumber(description).value_or(0);
      problem.code = std::string(minimum <= 1 ? problem_code::kEmpty : problem_code::kTooFew);
      problem.message = (minimum <= 1 ? std::string("empty") : "fewer than " + std::to_string(minimum) +
                                                                   " elements") +
                        "; expected " + Expected(path);
    } else if (StartsWith(description, "Array should contain no more than")) {
      problem.code = std::string(problem_code::kTooMany);
      problem.message = "more than " + std::to_string(FirstNumber(description).value_or(0)) +
                        " elements; expected " + Expected(path);
    } else if (StartsWith(description, "Expected number")) {
      problem.code = std::string(problem_code::kRange);
      std::string bound;
      if (const Json* minimum = Keyword(path, "minimum"); minimum && minimum->is_number()) {
        bound += " at least " + minimum->dump();
      }
      if (const Json* maximum = Keyword(path, "maximum"); maximum && maximum->is_number()) {
        bound += (bound.empty() ? " at most " : " and at most ") + maximum->dump();
      }
      problem.message = "out of range; expected " + Expected(path) + (bound.empty() ? "" : "," + bound);
    } else {
      problem.code = std::string(problem_code::kSchema);
      problem.message = description;
    }
    return problem;
  }

  // `schemas` are the subschemas that apply to `node`.
  void CheckKeyCase(const Json& node, const std::vector<const Json*>& schemas, const std::string& pointer,
                    int depth, std::vector<Problem>* problems) const {
    if (depth > 256) return;
    if (node.is_object()) {
      std::vector<std::string> known;
      for (const Json* schema : schemas) {
        auto properties = schema->find("properties");
        if (properties == schema->end() || !properties->is_object()) continue;
        for (auto it = properties->begin(); it != properties->end(); ++it) known.push_back(it.key());
      }
      for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string& key = it.key();
        bool is_known = false;
        const std::string* suggestion = nullptr;
        std::string lower = AsciiLower(key);
        for (const std::string& name : known) {
          if (name == key) {
            is_known = true;
            break;
          }
          if (suggestion == nullptr && AsciiLower(name) == lower) suggestion = &name;
        }
        std::string child_pointer = AppendPointer(pointer, key);
        if (!is_known && suggestion != nullptr) {
          problems->push_back({child_pointer, std::string(problem_code::kKeyCase),
                               "unknown key \"" + key + "\"; keys are case-sensitive, expected \"" +
                                   *suggestion + "\""});
        }
        if (!it.value().is_structured()) continue;
        PathToken token;
        token.key = key;
        CheckKeyCase(it.value(), Step(schemas, token), child_pointer, depth + 1, problems);
      }
    } else if (node.is_array()) {
      PathToken token;
      token.is_index = true;
      const std::vector<const Json*> items = Step(schemas, token);  // the same for every element
      for (size_t i = 0; i < node.size(); ++i) {
        if (!node[i].is_structured()) continue;
        CheckKeyCase(node[i], items, AppendPointer(pointer, i), depth + 1, problems);
      }
    }
  }
};

JsonSchema::JsonSchema(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
JsonSchema::~JsonSchema() = default;

Result<std::unique_ptr<JsonSchema>> JsonSchema::Compile(std::string_view schema_text) {
  auto impl = std::make_unique<Impl>();
  try {
    impl->document = Json::parse(schema_text.begin(), schema_text.end());
    valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
    valijson::adapters::NlohmannJsonAdapter adapter(impl->document);
    parser.populateSchema(adapter, impl->schema);
  } catch (const std::exception& e) {
    return Error::InvalidArgument(std::string("JSON Schema does not compile: ") + e.what());
  }
  return std::unique_ptr<JsonSchema>(new JsonSchema(std::move(impl)));
}

void JsonSchema::Validate(const nlohmann::json& doc, std::vector<Problem>* problems) const {
  valijson::ValidationResults results;
  try {
    valijson::Validator validator(valijson::Validator::kStrongTypes);
    valijson::adapters::NlohmannJsonAdapter adapter(doc);
    validator.validate(impl_->schema, adapter, &results);
  } catch (const std::exception& e) {
    problems->push_back({"", std::string(problem_code::kSchema),
                         std::string("could not be checked against the schema: ") + e.what()});
    return;
  }
  for (const valijson::ValidationResults::Error& error : results) {
    if (IsSummary(error.description)) continue;
    problems->push_back(impl_->ToProblem(error, doc));
  }
  impl_->CheckKeyCase(doc, impl_->Expand({&impl_->document}), "", 0, problems);
}

}  // namespace disync::di
