// Random values from OpenSSL's CSPRNG: request ids, access key ids and
// secrets, nonces. Thread-safe.
#ifndef DISYNC_COMMON_RANDOM_H_
#define DISYNC_COMMON_RANDOM_H_

#include <string>

namespace disync {

// n random bytes as 2n lowercase hex digits.
std::string RandomHex(size_t n_bytes);

// An upper-case UUID-shaped id ("6A2D3E1A-0000-4000-8000-000000000000").
std::string NewRequestId();

// n characters from [A-Za-z0-9].
std::string RandomAlnum(size_t n);

}  // namespace disync

#endif  // DISYNC_COMMON_RANDOM_H_
