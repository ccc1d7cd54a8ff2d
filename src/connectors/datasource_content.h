// Data source Content (datasources.md): validation per type, secret masking
// and the "***" merge of updates, and the connection settings of the types
// disync can reach (mysql; postgresql and holo over libpq).
// Pure functions; thread-safe.
#ifndef DISYNC_CONNECTORS_DATASOURCE_CONTENT_H_
#define DISYNC_CONNECTORS_DATASOURCE_CONTENT_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "connectors/connection_config.h"

namespace disync::connectors {

// One problem of a Content, with its JSON Pointer inside the Content.
struct ContentProblem {
  std::string pointer;  // e.g. "/jdbcUrl"
  std::string message;  // what was expected
};

// Types whose Content is checked field by field; any other type's Content
// must be a JSON object and is kept as it is.
bool IsCheckedType(std::string_view type);

// Parses and checks `content` for `type`. Returns the parsed object, or
// every problem found (never just the first).
Result<nlohmann::ordered_json> ValidateContent(std::string_view type, std::string_view content,
                                               std::vector<ContentProblem>* problems);

// The same Content with every secret replaced by "***".
nlohmann::ordered_json MaskSecrets(const nlohmann::ordered_json& content);
bool IsSecretKey(std::string_view key);

// An update's Content where a secret sent back as "***" keeps its old value.
nlohmann::ordered_json MergeMaskedSecrets(const nlohmann::ordered_json& updated,
                                          const nlohmann::ordered_json& previous);

// For mysql, postgresql and holo: where to connect. kInvalidArgument for
// other types.
Result<ConnectionConfig> ConnectionFor(std::string_view type,
                                                   const nlohmann::ordered_json& content);

// "Content is invalid: /a: ...; /b: ..." as an Invalid.Param error.
Error ContentError(const std::vector<ContentProblem>& problems);

}  // namespace disync::connectors

#endif  // DISYNC_CONNECTORS_DATASOURCE_CONTENT_H_
