#include "common/random.h"

#include <openssl/rand.h>

#include <vector>

#include "common/check.h"

namespace disync {
namespace {

std::vector<unsigned char> Bytes(size_t n) {
  std::vector<unsigned char> b(n);
  DISYNC_CHECK(RAND_bytes(b.data(), static_cast<int>(n)) == 1);
  return b;
}

}  // namespace

std::string RandomHex(size_t n_bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(n_bytes * 2);
  for (unsigned char c : Bytes(n_bytes)) {
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string NewRequestId() {
  static constexpr char kHex[] = "0123456789ABCDEF";
  auto b = Bytes(16);
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  std::string out;
  out.reserve(36);
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += kHex[b[i] >> 4];
    out += kHex[b[i] & 15];
  }
  return out;
}

std::string RandomAlnum(size_t n) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(n);
  // Rejection sampling keeps the distribution uniform over 62 symbols.
  while (out.size() < n) {
    for (unsigned char c : Bytes(n)) {
      if (c < 248 && out.size() < n) out += kAlphabet[c % 62];
    }
  }
  return out;
}

}  // namespace disync
