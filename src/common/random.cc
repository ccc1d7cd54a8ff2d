#include "common/random.h"

#include <openssl/rand.h>

#include <array>
#include <cstdint>
#include <random>
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
  // Every answer carries one: RAND_bytes cost 6.8k of the 360k instructions
  // of a whole Query request (callgrind, bench/api_load).
  thread_local std::mt19937_64 generator = [] {
    std::array<std::uint32_t, 8> seed{};
    DISYNC_CHECK(RAND_bytes(reinterpret_cast<unsigned char*>(seed.data()),
                            static_cast<int>(sizeof(seed))) == 1);
    std::seed_seq sequence(seed.begin(), seed.end());
    return std::mt19937_64(sequence);
  }();
  std::array<unsigned char, 16> b{};
  for (size_t half = 0; half < 2; ++half) {
    const std::uint64_t bits = generator();
    for (size_t i = 0; i < 8; ++i) b[half * 8 + i] = static_cast<unsigned char>(bits >> (8 * i));
  }
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
