#include "jobs/prepared_contents.h"

#include <algorithm>

namespace disync::jobs {

bool PreparedContents::Worthwhile(size_t content_bytes) const {
  // The literal is somewhat longer than the content (a quote every few bytes
  // gains a backslash); a content near the budget would not fit.
  return content_bytes >= kMinContentBytes && content_bytes + content_bytes / 4 <= budget_;
}

void PreparedContents::Expect(ProcessId id) {
  std::lock_guard lock(mu_);
  entries_.push_back({id, false, {}, SteadyClock::now()});
}

void PreparedContents::Fulfil(ProcessId id, std::vector<std::uint8_t> literal) {
  {
    std::lock_guard lock(mu_);
    auto entry = std::find_if(entries_.begin(), entries_.end(),
                              [&](const Entry& e) { return e.id == id && !e.ready; });
    if (entry == entries_.end()) return;
    if (literal.size() > budget_) {
      entries_.erase(entry);
    } else {
      const auto now = SteadyClock::now();
      MakeRoomLocked(literal.size(), now);
      entry->ready = true;
      entry->since = now;
      held_ += literal.size();
      entry->literal = std::move(literal);
    }
  }
  changed_.notify_all();
}

void PreparedContents::Abandon(ProcessId id) {
  {
    std::lock_guard lock(mu_);
    auto entry = std::find_if(entries_.begin(), entries_.end(),
                              [&](const Entry& e) { return e.id == id && !e.ready; });
    if (entry != entries_.end()) entries_.erase(entry);
  }
  changed_.notify_all();
}

bool PreparedContents::Holds(ProcessId id) const {
  std::lock_guard lock(mu_);
  return std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
}

std::optional<std::vector<std::uint8_t>> PreparedContents::Take(ProcessId id,
                                                                std::chrono::milliseconds patience) {
  std::unique_lock lock(mu_);
  auto find = [&] {
    return std::find_if(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.id == id; });
  };
  auto entry = find();
  const auto deadline = SteadyClock::now() + patience;
  while (entry != entries_.end() && !entry->ready) {
    if (changed_.wait_until(lock, deadline) == std::cv_status::timeout) return std::nullopt;
    entry = find();
  }
  if (entry == entries_.end()) return std::nullopt;
  std::vector<std::uint8_t> literal = std::move(entry->literal);
  held_ -= literal.size();
  entries_.erase(entry);
  return literal;
}

size_t PreparedContents::held_bytes() const {
  std::lock_guard lock(mu_);
  return held_;
}

void PreparedContents::MakeRoomLocked(size_t incoming, SteadyClock::time_point now) {
  for (auto it = entries_.begin(); it != entries_.end();) {
    const bool over_budget = held_ + incoming > budget_;
    if (!it->ready || (!over_budget && now - it->since <= kMaxAge)) {
      ++it;
      continue;
    }
    held_ -= it->literal.size();
    it = entries_.erase(it);
  }
}

}  // namespace disync::jobs
