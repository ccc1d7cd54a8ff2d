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
// The fingerprints are kept in generations by expiry, each a flat table
// (open addressing, 16 bytes a slot, between three eighths and three
// quarters full: 21-43 bytes a pair) of the pairs that expire within one
// kGenerationSpan, dropped whole once its span has passed: no node, link or
// expiry queue per pair (the set and queue before took 88 bytes a pair;
// bench/README.md, tenth round). A pair is so remembered for up to
// kGenerationSpan longer than the window (the protocol asks for at least
// the window), and a lookup probes each live generation (eight or nine
// under steady traffic). A table grows by doubling, under the mutex.
//
// Thread-safety: thread-safe (one mutex around the set).
#ifndef DISYNC_OPENAPI_REPLAY_GUARD_H_
#define DISYNC_OPENAPI_REPLAY_GUARD_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "common/time_format.h"

namespace disync::openapi {

class ReplayGuard {
 public:
  static constexpr std::chrono::minutes kWindow{15};
  static constexpr std::chrono::minutes kGenerationSpan{2};

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
    bool empty() const { return high == 0 && low == 0; }  // an unused slot
  };
  // The fingerprints expiring within one span: a flat table, linear
  // probing from the fingerprint's low bits (uniform: they are SHA-256's).
  class Generation {
   public:
    bool Contains(const Fingerprint& fingerprint) const;
    // Adds one it does not hold.
    void Add(const Fingerprint& fingerprint);
    size_t size() const { return size_; }
    template <typename Fn>
    void ForEach(Fn&& fn) const {
      for (const Fingerprint& slot : slots_) {
        if (!slot.empty()) fn(slot);
      }
    }

   private:
    // Where `fingerprint` is, or the empty slot where it would go.
    size_t SlotOf(const Fingerprint& fingerprint) const;
    void Grow();
    std::vector<Fingerprint> slots_;  // a power of two of them, or none
    size_t size_ = 0;
  };
  static Fingerprint FingerprintOf(std::string_view access_key_id, std::string_view nonce);
  // The generation of a pair expiring at `expires`: its span's number.
  static int64_t GenerationOf(TimePoint expires);
  // The end of generation `number`'s span: when it may be dropped.
  static TimePoint EndOf(int64_t number);
  bool ContainsLocked(const Fingerprint& fingerprint) const;
  // Records `fingerprint` until at least `expires`; false when it is
  // already there.
  bool InsertLocked(const Fingerprint& fingerprint, TimePoint expires);
  void PruneLocked(TimePoint now);

  const Clock& clock_;
  std::mutex mu_;
  std::optional<TimePoint> floor_;             // guarded by mu_
  std::map<int64_t, Generation> generations_;  // by number; guarded by mu_
};

}  // namespace disync::openapi

#endif  // DISYNC_OPENAPI_REPLAY_GUARD_H_
