#include "openapi/replay_guard.h"

#include <nlohmann/json.hpp>

namespace disync::openapi {
namespace {

std::string Key(std::string_view access_key_id, std::string_view nonce) {
  std::string key;
  key.reserve(access_key_id.size() + nonce.size() + 1);
  key.append(access_key_id);
  key += '\n';
  key.append(nonce);
  return key;
}

Error NonceUsed() {
  return {ErrorCode::kSignatureNonceUsed, "Specified signature nonce was used already."};
}

}  // namespace

void ReplayGuard::SetReplayFloor(std::optional<TimePoint> floor) {
  std::lock_guard lock(mu_);
  floor_ = floor;
}

Status ReplayGuard::CheckTimestamp(TimePoint timestamp) const {
  auto now = clock_.Now();
  if (timestamp < now - kWindow || timestamp > now + kWindow) {
    return Error(ErrorCode::kInvalidTimeStampExpired,
                 "Specified time stamp or date value is expired.");
  }
  return OkStatus();
}

Status ReplayGuard::CheckAndRecordNonce(std::string_view access_key_id, std::string_view nonce,
                                        TimePoint timestamp) {
  auto now = clock_.Now();
  std::lock_guard lock(mu_);
  if (floor_ && timestamp <= *floor_) return NonceUsed();
  PruneLocked(now);
  std::string key = Key(access_key_id, nonce);
  if (!seen_.insert(key).second) return NonceUsed();
  // A nonce must stay refused as long as a request carrying it could still
  // pass the timestamp check: until its timestamp leaves the window.
  by_expiry_.push_back({std::move(key), std::max(now, timestamp) + kWindow});
  return OkStatus();
}

void ReplayGuard::PruneLocked(TimePoint now) {
  // Entries are appended with now + window (or later), so the front expires
  // first except for future-dated requests, which merely stay a little longer.
  while (!by_expiry_.empty() && by_expiry_.front().expires < now) {
    seen_.erase(by_expiry_.front().key);
    by_expiry_.pop_front();
  }
}

std::string ReplayGuard::Snapshot() {
  std::lock_guard lock(mu_);
  PruneLocked(clock_.Now());
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : by_expiry_) {
    entries.push_back({{"k", e.key}, {"x", ToUnixMillis(e.expires)}});
  }
  return entries.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Status ReplayGuard::Restore(std::string_view snapshot) {
  auto entries = nlohmann::json::parse(snapshot, nullptr, /*allow_exceptions=*/false);
  if (!entries.is_array()) return Error(ErrorCode::kCorruption, "nonce snapshot is not an array");
  std::lock_guard lock(mu_);
  for (const auto& e : entries) {
    if (!e.is_object() || !e.contains("k") || !e["k"].is_string() || !e.contains("x") ||
        !e["x"].is_number_integer()) {
      return Error(ErrorCode::kCorruption, "malformed nonce snapshot entry");
    }
    std::string key = e["k"].get<std::string>();
    if (seen_.insert(key).second) {
      by_expiry_.push_back({std::move(key), FromUnixMillis(e["x"].get<int64_t>())});
    }
  }
  return OkStatus();
}

size_t ReplayGuard::SizeForTest() {
  std::lock_guard lock(mu_);
  return seen_.size();
}

}  // namespace disync::openapi
