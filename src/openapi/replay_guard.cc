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
  if (fingerprint.empty()) fingerprint.low = 1;  // all zero marks an unused slot
  return fingerprint;
}

size_t ReplayGuard::Generation::SlotOf(const Fingerprint& fingerprint) const {
  const size_t mask = slots_.size() - 1;
  size_t i = static_cast<size_t>(fingerprint.low) & mask;
  // Never full (at most three quarters): the probe ends.
  while (!(slots_[i] == fingerprint) && !slots_[i].empty()) i = (i + 1) & mask;
  return i;
}

bool ReplayGuard::Generation::Contains(const Fingerprint& fingerprint) const {
  return !slots_.empty() && slots_[SlotOf(fingerprint)] == fingerprint;
}

void ReplayGuard::Generation::Add(const Fingerprint& fingerprint) {
  if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
  slots_[SlotOf(fingerprint)] = fingerprint;
  ++size_;
}

void ReplayGuard::Generation::Grow() {
  constexpr size_t kFirstSlots = 1024;
  std::vector<Fingerprint> old = std::move(slots_);
  slots_.assign(old.empty() ? kFirstSlots : old.size() * 2, Fingerprint{});
  size_ = 0;
  for (const Fingerprint& fingerprint : old) {
    if (!fingerprint.empty()) Add(fingerprint);
  }
}

int64_t ReplayGuard::GenerationOf(TimePoint expires) {
  const int64_t span = std::chrono::milliseconds(kGenerationSpan).count();
  const int64_t at = ToUnixMillis(expires);
  // The span whose end is the first at or after `expires`: the quotient
  // rounded up (division truncates toward zero).
  return at / span + (at % span > 0 ? 1 : 0);
}

TimePoint ReplayGuard::EndOf(int64_t number) {
  return FromUnixMillis(number * std::chrono::milliseconds(kGenerationSpan).count());
}

bool ReplayGuard::ContainsLocked(const Fingerprint& fingerprint) const {
  for (const auto& [number, generation] : generations_) {
    if (generation.Contains(fingerprint)) return true;
  }
  return false;
}

bool ReplayGuard::InsertLocked(const Fingerprint& fingerprint, TimePoint expires) {
  if (ContainsLocked(fingerprint)) return false;
  generations_[GenerationOf(expires)].Add(fingerprint);
  return true;
}

void ReplayGuard::PruneLocked(TimePoint now) {
  // A generation ends when its last pair expires.
  while (!generations_.empty() && EndOf(generations_.begin()->first) < now) {
    generations_.erase(generations_.begin());
  }
}

// Each entry: {"h": high, "l": low, "x": expiry in Unix ms}. Snapshots of
// binaries before fingerprints hold the pair's text instead, {"k": text};
// Restore reads both.
std::string ReplayGuard::Snapshot() {
  std::lock_guard lock(mu_);
  PruneLocked(clock_.Now());
  nlohmann::json entries = nlohmann::json::array();
  for (const auto& [number, generation] : generations_) {
    const int64_t expires = ToUnixMillis(EndOf(number));  // the latest any of them expires
    generation.ForEach([&](const Fingerprint& f) {
      entries.push_back({{"h", f.high}, {"l", f.low}, {"x", expires}});
    });
  }
  return entries.dump();
}

Status ReplayGuard::Restore(std::string_view snapshot) {
  auto entries = nlohmann::json::parse(snapshot, nullptr, /*allow_exceptions=*/false);
  if (!entries.is_array()) return Error(ErrorCode::kCorruption, "nonce snapshot is not an array");
  struct Restored {
    Fingerprint fingerprint;
    TimePoint expires;
  };
  std::vector<Restored> restored;
  restored.reserve(entries.size());
  for (const auto& e : entries) {
    const bool fingerprinted = e.is_object() && e.contains("h") && e["h"].is_number_unsigned() &&
                               e.contains("l") && e["l"].is_number_unsigned();
    const bool text = e.is_object() && e.contains("k") && e["k"].is_string();
    if ((!fingerprinted && !text) || !e.contains("x") || !e["x"].is_number_integer()) {
      return Error(ErrorCode::kCorruption, "malformed nonce snapshot entry");
    }
    Restored entry;
    if (fingerprinted) {
      entry.fingerprint = {e["h"].get<uint64_t>(), e["l"].get<uint64_t>()};
      if (entry.fingerprint.empty()) entry.fingerprint.low = 1;  // as FingerprintOf has it
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
  for (const Restored& entry : restored) InsertLocked(entry.fingerprint, entry.expires);
  return OkStatus();
}

size_t ReplayGuard::SizeForTest() {
  std::lock_guard lock(mu_);
  size_t size = 0;
  for (const auto& [number, generation] : generations_) size += generation.size();
  return size;
}

}  // namespace disync::openapi
