#include "openapi/replay_guard.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/digest.h"

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
  const Fingerprint fingerprint = FingerprintOf(access_key_id, nonce);
  auto now = clock_.Now();
  std::lock_guard lock(mu_);
  if (floor_ && timestamp <= *floor_) return NonceUsed();
  PruneLocked(now);
  // A nonce must stay refused as long as a request carrying it could still
  // pass the timestamp check: until its timestamp leaves the window.
  if (!InsertLocked(fingerprint, std::max(now, timestamp) + kWindow)) return NonceUsed();
  return OkStatus();
}

ReplayGuard::Fingerprint ReplayGuard::FingerprintOf(std::string_view access_key_id,
                                                    std::string_view nonce) {
  const Sha256Bytes digest = Sha256Digest(Key(access_key_id, nonce));
  Fingerprint fingerprint;
  std::memcpy(&fingerprint.high, digest.data(), sizeof fingerprint.high);
  std::memcpy(&fingerprint.low, digest.data() + sizeof fingerprint.high, sizeof fingerprint.low);
  return fingerprint;
}

bool ReplayGuard::InsertLocked(const Fingerprint& fingerprint, TimePoint expires) {
  if (!seen_.insert(fingerprint).second) return false;
  by_expiry_.push_back({fingerprint, expires});
  return true;
}

void ReplayGuard::PruneLocked(TimePoint now) {
  // Entries are appended with now + window (or later), so the front expires
  // first except for future-dated requests, which merely stay a little longer.
  while (!by_expiry_.empty() && by_expiry_.front().expires < now) {
    seen_.erase(by_expiry_.front().fingerprint);
    by_expiry_.pop_front();
  }
}

// Each entry: {"h": high, "l": low, "x": expiry in Unix ms}. Snapshots of
// binaries before fingerprints hold the pair's text instead, {"k": text};
// Restore reads both.
std::string ReplayGuard::Snapshot() {
  std::lock_guard lock(mu_);
  PruneLocked(clock_.Now());
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& e : by_expiry_) {
    entries.push_back(
        {{"h", e.fingerprint.high}, {"l", e.fingerprint.low}, {"x", ToUnixMillis(e.expires)}});
  }
  return entries.dump();
}

Status ReplayGuard::Restore(std::string_view snapshot) {
  auto entries = nlohmann::json::parse(snapshot, nullptr, /*allow_exceptions=*/false);
  if (!entries.is_array()) return Error(ErrorCode::kCorruption, "nonce snapshot is not an array");
  std::vector<Entry> restored;
  restored.reserve(entries.size());
  for (const auto& e : entries) {
    const bool fingerprinted = e.is_object() && e.contains("h") && e["h"].is_number_unsigned() &&
                               e.contains("l") && e["l"].is_number_unsigned();
    const bool text = e.is_object() && e.contains("k") && e["k"].is_string();
    if ((!fingerprinted && !text) || !e.contains("x") || !e["x"].is_number_integer()) {
      return Error(ErrorCode::kCorruption, "malformed nonce snapshot entry");
    }
    Entry entry;
    if (fingerprinted) {
      entry.fingerprint = {e["h"].get<uint64_t>(), e["l"].get<uint64_t>()};
    } else {
      const std::string& key = e["k"].get_ref<const std::string&>();
      const size_t nl = key.find('\n');
      if (nl == std::string::npos) {
        return Error(ErrorCode::kCorruption, "malformed nonce snapshot entry");
      }
      entry.fingerprint =
          FingerprintOf(std::string_view(key).substr(0, nl), std::string_view(key).substr(nl + 1));
    }
    entry.expires = FromUnixMillis(e["x"].get<int64_t>());
    restored.push_back(entry);
  }
  // All or nothing: a snapshot with a bad entry adds none of its entries.
  std::lock_guard lock(mu_);
  for (const Entry& entry : restored) InsertLocked(entry.fingerprint, entry.expires);
  return OkStatus();
}

size_t ReplayGuard::SizeForTest() {
  std::lock_guard lock(mu_);
  return seen_.size();
}

}  // namespace disync::openapi
