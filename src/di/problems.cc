#include "di/problems.h"

#include <algorithm>
#include <tuple>

namespace disync::di {
namespace {

std::vector<std::string_view> SplitPointer(std::string_view pointer) {
  std::vector<std::string_view> tokens;
  if (pointer.empty()) return tokens;
  size_t start = 1;  // skip the leading '/'
  while (true) {
    size_t slash = pointer.find('/', start);
    if (slash == std::string_view::npos) {
      tokens.push_back(pointer.substr(start));
      return tokens;
    }
    tokens.push_back(pointer.substr(start, slash - start));
    start = slash + 1;
  }
}

bool IsIndex(std::string_view token) {
  return !token.empty() && token.size() <= 18 &&
         std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// -1, 0, 1 like memcmp; indexes compare by value and before names.
int CompareTokens(std::string_view a, std::string_view b) {
  bool a_index = IsIndex(a);
  bool b_index = IsIndex(b);
  if (a_index && b_index) {
    if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;  // no leading zeros in indexes we emit
  } else if (a_index != b_index) {
    return a_index ? -1 : 1;
  }
  int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

int ComparePointers(std::string_view a, std::string_view b) {
  std::vector<std::string_view> ta = SplitPointer(a);
  std::vector<std::string_view> tb = SplitPointer(b);
  for (size_t i = 0; i < ta.size() && i < tb.size(); ++i) {
    int c = CompareTokens(ta[i], tb[i]);
    if (c != 0) return c;
  }
  if (ta.size() != tb.size()) return ta.size() < tb.size() ? -1 : 1;
  return 0;
}

}  // namespace

std::string EscapePointerToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string AppendPointer(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  out += EscapePointerToken(token);
  return out;
}

std::string AppendPointer(std::string_view pointer, size_t index) {
  std::string out(pointer);
  out += '/';
  out += std::to_string(index);
  return out;
}

bool ProblemLess(const Problem& a, const Problem& b) {
  int c = ComparePointers(a.pointer, b.pointer);
  if (c != 0) return c < 0;
  return std::tie(a.code, a.message) < std::tie(b.code, b.message);
}

void NormalizeProblems(std::vector<Problem>* problems) {
  std::stable_sort(problems->begin(), problems->end(), ProblemLess);
  auto last = std::unique(problems->begin(), problems->end(), [](const Problem& a, const Problem& b) {
    return a.pointer == b.pointer && a.code == b.code;
  });
  problems->erase(last, problems->end());
}

Error ValidationError::ToError(std::string_view what) const {
  std::string message(what);
  message += " is invalid: ";
  size_t listed = std::min(problems.size(), kMaxListedProblems);
  for (size_t i = 0; i < listed; ++i) {
    if (i > 0) message += "; ";
    message += problems[i].pointer.empty() ? std::string("(root)") : problems[i].pointer;
    message += ": ";
    message += problems[i].message;
  }
  if (problems.size() > listed) {
    message += "; and " + std::to_string(problems.size() - listed) + " more problems";
  }
  return Error(ErrorCode::kDiInvalidParameter, std::move(message));
}

}  // namespace disync::di
