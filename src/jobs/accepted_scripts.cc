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
  std::lock_guard lock(mu_);
  auto [it, inserted] =
      scripts_.insert_or_assign(id.value(), Accepted{std::move(script), std::move(answers)});
  if (inserted) order_.push_back(id.value());
  while (scripts_.size() > kMaxScripts) {
    scripts_.erase(order_.front());
    order_.pop_front();
  }
}

std::optional<di::RealtimeScript> AcceptedScripts::TakeIfStillValid(
    ProcessId id, const di::ScriptReferences& now) {
  std::optional<Accepted> accepted;
  {
    std::lock_guard lock(mu_);
    auto it = scripts_.find(id.value());
    if (it == scripts_.end()) return std::nullopt;
    accepted.emplace(std::move(it->second));
    scripts_.erase(it);
    order_.erase(std::find(order_.begin(), order_.end(), id.value()));
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
