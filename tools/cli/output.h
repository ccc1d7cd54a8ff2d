// How `disync` prints answers: pretty JSON (the default, like the aliyun
// CLI), or aligned text tables for people. Tables come either from a verb's
// own projection or, for any response, from TableFromResponse.
//
// Pure functions returning strings; thread-safe.
#ifndef DISYNC_TOOLS_CLI_OUTPUT_H_
#define DISYNC_TOOLS_CLI_OUTPUT_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace disync::cli {

using Json = nlohmann::json;

// kDefault lets each verb choose (JSON for API answers, text lines for validate).
enum class OutputFormat { kDefault, kJson, kTable };
std::string_view ToString(OutputFormat format);
std::optional<OutputFormat> ParseOutputFormat(std::string_view text);  // "json", "table"

// Two-space indented JSON and a newline; non-ASCII kept as UTF-8.
std::string PrettyJson(const Json& value);

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

// The text of a cell: strings as they are, null as "", other values as
// compact JSON. Newlines and tabs become spaces; longer than max_chars
// characters is cut with "...".
std::string CellText(const Json& value, size_t max_chars = 80);

// Columns padded to their widest cell (counted in UTF-8 characters), two
// spaces apart, header first. An empty table is the header alone.
std::string RenderTable(const Table& table);

// A table for any response: the largest array of objects found in the body
// (e.g. PageResult.ProjectList, Data.DataSources) with a column per scalar
// member (identifying columns such as Id, ProjectId, Name first, then in key
// order); otherwise a KEY/VALUE table of every scalar
// leaf, keys as dotted paths ("Data.Status"). RequestId is left out.
Table TableFromResponse(const Json& body);

// The KEY/VALUE table of `object`'s scalar leaves, dotted paths.
Table KeyValueTable(const Json& object);

}  // namespace disync::cli

#endif  // DISYNC_TOOLS_CLI_OUTPUT_H_
