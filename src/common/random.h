// Random values: from OpenSSL's CSPRNG for access key ids and secrets and
// nonces; request ids, which are public and need only be unique, from a
// generator per thread seeded by it. Thread-safe.
#ifndef DISYNC_COMMON_RANDOM_H_
#define DISYNC_COMMON_RANDOM_H_

#include <string>

namespace disync {

// n random bytes as 2n lowercase hex digits.
std::string RandomHex(size_t n_bytes);

// An upper-case UUID-shaped id ("6A2D3E1A-0000-4000-8000-000000000000"):
// 122 random bits, not for secrets.
std::string NewRequestId();

// n characters from [A-Za-z0-9].
std::string RandomAlnum(size_t n);

}  // namespace disync

#endif  // DISYNC_COMMON_RANDOM_H_
