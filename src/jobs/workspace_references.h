// The workspace facts a generation script names, read from the store: data
// sources by name (production first, then development) and resource groups.
// Used by the API when a script is accepted and by the worker when it runs.
// Blocking (store reads); thread-compatible (one instance per request).
#ifndef DISYNC_JOBS_WORKSPACE_REFERENCES_H_
#define DISYNC_JOBS_WORKSPACE_REFERENCES_H_

#include <string>

#include "di/realtime_script.h"
#include "store/metadata_store.h"

namespace disync::jobs {

// The data source a script means by `name`: the production one (EnvType 1)
// when the workspace has it, else the development one. kNotFound otherwise.
Result<store::DataSource> FindScriptDataSource(store::MetadataStore& store, ProjectId project,
                                               const std::string& name);

class WorkspaceReferences final : public di::ScriptReferences {
 public:
  WorkspaceReferences(store::MetadataStore& store, ProjectId project)
      : store_(store), project_(project) {}

  std::optional<std::string> DataSourceType(const std::string& name) const override;
  bool ResourceGroupExists(const std::string& identifier) const override;

 private:
  store::MetadataStore& store_;
  ProjectId project_;
};

}  // namespace disync::jobs

#endif  // DISYNC_JOBS_WORKSPACE_REFERENCES_H_
