// SHA-256 as lower-case hex, the one digest the project computes: request
// signatures (openapi), ClientToken request hashes (api), schema
// fingerprints (di). Thread-safe.
#ifndef DISYNC_COMMON_DIGEST_H_
#define DISYNC_COMMON_DIGEST_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace disync {

// Lower-case hex of `size` bytes.
std::string LowerHex(const unsigned char* data, size_t size);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace disync

#endif  // DISYNC_COMMON_DIGEST_H_
