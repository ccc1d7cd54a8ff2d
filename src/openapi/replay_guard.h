// ReplayGuard: the time window and nonce rules of the protocol.
// A request's timestamp must lie within +-15 minutes of the server clock
// (InvalidTimeStamp.Expired), and its (AccessKeyId, nonce) pair must not have
// been seen inside that window (SignatureNonceUsed).
//
// Across restarts (rpc-protocol.md section 9): the nonce set lives in memory;
// the server persists a heartbeat of its clock about once a second. After an
// unclean stop, every request whose timestamp is not later than the last
// heartbeat plus one interval is refused as SignatureNonceUsed, since it may
// have been seen before the crash. After a clean stop the set itself is
// saved (Snapshot) and restored (Restore), and no request is refused for its
// age alone.
//
// Memory: every accepted request's pair stays for the window, so the set
// holds 15 minutes of traffic (10.8 million pairs at 12,000 req/s). A pair
// is kept as a 128-bit fingerprint, the first half of the SHA-256 of the
// pair, not as its text (an access key id and a nonce of about 60 bytes,
// kept twice): 88 bytes a request where the text took 246
// (bench/README.md, ninth round). Two pairs share a fingerprint with odds
// of about n^2 / 2^129; such a pair would be refused, never let through.
//
// Thread-safety: thread-safe (one mutex around the set).
#ifndef DISYNC_OPENAPI_REPLAY_GUARD_H_
#define DISYNC_OPENAPI_REPLAY_GUARD_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>

#include "common/clock.h"
#include "common/result.h"
#include "common/time_format.h"

namespace disync::openapi {

class ReplayGuard {
 public:
  static constexpr std::chrono::minutes kWindow{15};

  explicit ReplayGuard(const Clock& clock) : clock_(clock) {}

  // Requests stamped at or before `floor` are refused (after a crash).
  void SetReplayFloor(std::optional<TimePoint> floor);

  // kInvalidTimeStampExpired when `timestamp` is outside the window.
  Status CheckTimestamp(TimePoint timestamp) const;

  // Records the nonce; kSignatureNonceUsed when it was seen inside the
  // window or when the request is not later than the replay floor.
  Status CheckAndRecordNonce(std::string_view access_key_id, std::string_view nonce,
                             TimePoint timestamp);

  // The live entries as JSON text, for a clean shutdown; and back.
  std::string Snapshot();
  Status Restore(std::string_view snapshot);

  size_t SizeForTest();

 private:
  struct Fingerprint {
    uint64_t high = 0;
    uint64_t low = 0;
    bool operator==(const Fingerprint&) const = default;
  };
  struct FingerprintHash {
    size_t operator()(const Fingerprint& f) const { return static_cast<size_t>(f.low); }
  };
  struct Entry {
    Fingerprint fingerprint;
    TimePoint expires;
  };
  static Fingerprint FingerprintOf(std::string_view access_key_id, std::string_view nonce);
  // Records `fingerprint` until `expires`; false when it is already there.
  bool InsertLocked(const Fingerprint& fingerprint, TimePoint expires);
  void PruneLocked(TimePoint now);

  const Clock& clock_;
  std::mutex mu_;
  std::optional<TimePoint> floor_;                         // guarded by mu_
  std::unordered_set<Fingerprint, FingerprintHash> seen_;  // guarded by mu_
  std::deque<Entry> by_expiry_;                            // guarded by mu_, ordered by insertion
};

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_REPLAY_GUARD_H_
