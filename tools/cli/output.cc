#include "tools/cli/output.h"

#include <algorithm>
#include <utility>

namespace disync::cli {
namespace {

size_t Utf8Length(std::string_view text) {
  size_t n = 0;
  for (char ch : text) {
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  }
  return n;
}

// The first `max_chars` characters of `text`, never cutting a UTF-8 sequence.
std::string Utf8Prefix(std::string_view text, size_t max_chars) {
  size_t chars = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      if (chars == max_chars) return std::string(text.substr(0, i));
      ++chars;
    }
  }
  return std::string(text);
}

bool IsScalar(const Json& value) { return !value.is_object() && !value.is_array(); }

void FindObjectArrays(const Json& value, const Json** best) {
  if (value.is_array()) {
    bool objects = !value.empty() && std::all_of(value.begin(), value.end(),
                                                 [](const Json& v) { return v.is_object(); });
    if (objects && (*best == nullptr || value.size() > (*best)->size())) *best = &value;
    for (const Json& v : value) FindObjectArrays(v, best);
  } else if (value.is_object()) {
    for (const auto& [key, v] : value.items()) FindObjectArrays(v, best);
  }
}

void Flatten(const Json& value, const std::string& path, Table* table) {
  if (value.is_object()) {
    for (const auto& [key, v] : value.items()) {
      if (path.empty() && key == "RequestId") continue;
      Flatten(v, path.empty() ? key : path + "." + key, table);
    }
  } else if (value.is_array()) {
    if (value.empty()) table->rows.push_back({path, "[]"});
    for (size_t i = 0; i < value.size(); ++i) {
      Flatten(value[i], path + "." + std::to_string(i), table);
    }
  } else {
    table->rows.push_back({path, CellText(value)});
  }
}

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

size_t Words(std::string_view key) {
  return static_cast<size_t>(std::count_if(key.begin(), key.end(),
                                           [](char ch) { return ch >= 'A' && ch <= 'Z'; }));
}

// Identifying columns first: Id, then XId (ProjectId, FileId), then
// Identifier, Name, XIdentifier and XName.
int ColumnRank(std::string_view key) {
  if (key == "Id") return 0;
  if (EndsWith(key, "Id") && Words(key) == 2) return 1;
  if ((EndsWith(key, "Identifier") || EndsWith(key, "Name")) && Words(key) <= 2) return 2;
  return 3;
}

}  // namespace

std::string_view ToString(OutputFormat format) {
  switch (format) {
    case OutputFormat::kDefault: return "default";
    case OutputFormat::kJson: return "json";
    case OutputFormat::kTable: return "table";
  }
  return "default";
}

std::optional<OutputFormat> ParseOutputFormat(std::string_view text) {
  if (text == "json") return OutputFormat::kJson;
  if (text == "table") return OutputFormat::kTable;
  return std::nullopt;
}

std::string PrettyJson(const Json& value) {
  return value.dump(2, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace) + "\n";
}

std::string CellText(const Json& value, size_t max_chars) {
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (!value.is_null()) {
    text = value.dump(-1, ' ', false, Json::error_handler_t::replace);
  }
  for (char& ch : text) {
    if (ch == '\n' || ch == '\r' || ch == '\t') ch = ' ';
  }
  if (Utf8Length(text) > max_chars && max_chars > 3) text = Utf8Prefix(text, max_chars - 3) + "...";
  return text;
}

std::string RenderTable(const Table& table) {
  std::vector<size_t> widths(table.header.size(), 0);
  auto measure = [&widths](const std::vector<std::string>& row) {
    if (row.size() > widths.size()) widths.resize(row.size(), 0);
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], Utf8Length(row[i]));
  };
  measure(table.header);
  for (const auto& row : table.rows) measure(row);
  std::string out;
  auto render = [&](const std::vector<std::string>& row) {
    std::string line;
    for (size_t i = 0; i < row.size(); ++i) {
      line += row[i];
      if (i + 1 < row.size()) line.append(widths[i] - Utf8Length(row[i]) + 2, ' ');
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  };
  render(table.header);
  for (const auto& row : table.rows) render(row);
  return out;
}

Table KeyValueTable(const Json& object) {
  Table table;
  table.header = {"KEY", "VALUE"};
  Flatten(object, "", &table);
  return table;
}

Table TableFromResponse(const Json& body) {
  const Json* rows = nullptr;
  FindObjectArrays(body, &rows);
  if (rows == nullptr) return KeyValueTable(body);
  Table table;
  for (const Json& row : *rows) {
    for (const auto& [key, v] : row.items()) {
      if (!IsScalar(v)) continue;
      if (std::find(table.header.begin(), table.header.end(), key) == table.header.end()) {
        table.header.push_back(key);
      }
    }
  }
  std::stable_sort(table.header.begin(), table.header.end(),
                   [](const std::string& a, const std::string& b) { return ColumnRank(a) < ColumnRank(b); });
  for (const Json& row : *rows) {
    std::vector<std::string> cells;
    for (const auto& key : table.header) {
      auto it = row.find(key);
      cells.push_back(it == row.end() ? "" : CellText(*it));
    }
    table.rows.push_back(std::move(cells));
  }
  return table;
}

}  // namespace disync::cli
