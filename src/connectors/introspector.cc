#include "connectors/introspector.h"

#include <set>
#include <utility>

#include <fmt/format.h>

namespace disync::connectors {

Result<std::unique_ptr<SchemaIntrospector>> ConnectIntrospector(const ConnectionConfig& config) {
  switch (config.kind) {
    case ConnectionConfig::Kind::kMysql: return ConnectMysql(config);
    case ConnectionConfig::Kind::kPostgres: return ConnectPostgres(config);
  }
  return Error::InvalidArgument("unknown connection kind");
}

namespace internal {

std::string Redact(std::string message, std::string_view secret) {
  if (secret.empty()) return message;
  for (size_t pos = message.find(secret); pos != std::string::npos;
       pos = message.find(secret, pos + 3)) {
    message.replace(pos, secret.size(), "***");
  }
  return message;
}

std::vector<std::string> Deduplicate(const std::vector<std::string>& requested) {
  std::vector<std::string> unique;
  std::set<std::string_view> seen;
  for (const std::string& name : requested) {
    if (seen.insert(name).second) unique.push_back(name);
  }
  return unique;
}

Result<std::vector<TableSchema>> SelectRequested(std::map<std::string, TableSchema> found,
                                                 const std::vector<std::string>& requested,
                                                 std::string_view database_label,
                                                 const ProgressFn& progress) {
  std::vector<TableSchema> tables;
  if (requested.empty()) {
    tables.reserve(found.size());
    for (auto& [name, table] : found) {
      tables.push_back(std::move(table));
      if (progress) progress(tables.size(), found.size());
    }
    return tables;
  }
  std::vector<std::string> wanted = Deduplicate(requested);
  std::vector<std::string> missing;
  for (const std::string& name : wanted) {
    if (found.find(name) == found.end()) missing.push_back(name);
  }
  if (!missing.empty()) {
    return Error::NotFound(fmt::format("table(s) not found in database `{}`: {}", database_label,
                                       fmt::join(missing, ", ")));
  }
  tables.reserve(wanted.size());
  for (const std::string& name : wanted) {
    tables.push_back(std::move(found.at(name)));
    if (progress) progress(tables.size(), wanted.size());
  }
  return tables;
}

}  // namespace internal
}  // namespace disync::connectors
