#include "jobs/accepted_scripts.h"

#include <algorithm>

namespace disync::jobs {

bool ReferenceAnswers::StillHold(const di::ScriptReferences& now) const {
  for (const auto& [name, type] : data_source_types) {
    if (now.DataSourceType(name) != type) return false;
  }
  for (const auto& [identifier, exists] : resource_groups) {
    if (now.ResourceGroupExists(identifier) != exists) return false;
  }
  return true;
}

std::optional<std::string> RecordingReferences::DataSourceType(const std::string& name) const {
  std::optional<std::string> type = inner_.DataSourceType(name);
  answers_.data_source_types.emplace_back(name, type);
  return type;
}

bool RecordingReferences::ResourceGroupExists(const std::string& identifier) const {
  const bool exists = inner_.ResourceGroupExists(identifier);
  answers_.resource_groups.emplace_back(identifier, exists);
  return exists;
}

void AcceptedScripts::Put(ProcessId id, di::RealtimeScript script, ReferenceAnswers answers) {
  size_t tables = 0;
  for (const di::SourceConnection& source : script.sources) {
    for (const di::TableSelection& selection : source.selections) tables += selection.tables.size();
  }
  std::lock_guard lock(mu_);
  if (auto old = scripts_.find(id.value()); old != scripts_.end()) EraseLocked(old);
  if (tables > kMaxTables) return;
  while (!order_.empty() && (scripts_.size() + 1 > kMaxScripts || tables_ + tables > kMaxTables)) {
    EraseLocked(scripts_.find(order_.front()));
  }
  scripts_.emplace(id.value(), Accepted{std::move(script), std::move(answers), tables});
  order_.push_back(id.value());
  tables_ += tables;
}

void AcceptedScripts::EraseLocked(std::map<int64_t, Accepted>::iterator it) {
  tables_ -= it->second.tables;
  order_.erase(std::find(order_.begin(), order_.end(), it->first));
  scripts_.erase(it);
}

std::optional<di::RealtimeScript> AcceptedScripts::TakeIfStillValid(
    ProcessId id, const di::ScriptReferences& now) {
  std::optional<Accepted> accepted;
  {
    std::lock_guard lock(mu_);
    auto it = scripts_.find(id.value());
    if (it == scripts_.end()) return std::nullopt;
    accepted.emplace(std::move(it->second));
    EraseLocked(it);
  }
  // The questions read the store: asked outside the lock.
  if (!accepted->answers.StillHold(now)) return std::nullopt;
  return std::move(accepted->script);
}

size_t AcceptedScripts::SizeForTest() const {
  std::lock_guard lock(mu_);
  return scripts_.size();
}

}  // namespace disync::jobs
