// SHA-256 as lower-case hex, the one digest the project computes: request
// signatures (openapi), ClientToken request hashes (api), schema
// fingerprints (di). Thread-safe.
#ifndef DISYNC_COMMON_DIGEST_H_
#define DISYNC_COMMON_DIGEST_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace disync {

// Lower-case hex of `size` bytes.
std::string LowerHex(const unsigned char* data, size_t size);

// The 32 bytes of the SHA-256 of `data`, and their lower-case hex.
using Sha256Bytes = std::array<unsigned char, 32>;
Sha256Bytes Sha256Digest(std::string_view data);
std::string Sha256Hex(std::string_view data);

// Appends `part` to `out` as its decimal length, ':' and its bytes, so that
// a sequence of parts hashed together cannot be read as another sequence.
void AppendFramed(std::string* out, std::string_view part);

// SHA-256 of data fed in pieces: Sha256Hex of their concatenation, without
// building it. Thread-compatible; one instance per thread.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(std::string_view data);
  // The lower-case hex digest of everything fed; the instance is spent.
  std::string HexDigest();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace disync

#endif  // DISYNC_COMMON_DIGEST_H_
