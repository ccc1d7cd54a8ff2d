#include "jobs/workspace_references.h"

namespace disync::jobs {

Result<store::DataSource> FindScriptDataSource(store::MetadataStore& store, ProjectId project,
                                               const std::string& name) {
  auto production = store.GetDataSourceByName(project, 1, name);
  if (production.ok() || production.error().code() != ErrorCode::kNotFound) return production;
  return store.GetDataSourceByName(project, 0, name);
}

std::optional<std::string> WorkspaceReferences::DataSourceType(const std::string& name) const {
  auto ds = FindScriptDataSource(store_, project_, name);
  if (!ds.ok()) return std::nullopt;
  // MySQL-compatible RDS instances read as mysql.
  if (ds->type == "rds" && ds->sub_type == "mysql") return std::string("mysql");
  return ds->type;
}

bool WorkspaceReferences::ResourceGroupExists(const std::string& identifier) const {
  return store_.GetResourceGroup(identifier).ok();
}

}  // namespace disync::jobs
