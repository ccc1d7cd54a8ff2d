#include "common/digest.h"

#include <openssl/evp.h>

#include <array>

#include "common/check.h"

namespace disync {
namespace {

// Fetched once: through the legacy EVP_sha256() handle OpenSSL 3 looks the
// algorithm up in its provider registry on every call, and every signed
// request hashes twice.
const EVP_MD* FetchedSha256() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  DISYNC_CHECK(md != nullptr);
  return md;
}

}  // namespace

std::string LowerHex(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0x0F]);
  }
  return out;
}

Sha256Bytes Sha256Digest(std::string_view data) {
  // OpenSSL may treat a null pointer specially even with a zero length.
  static constexpr unsigned char kEmpty[1] = {0};
  const auto* bytes =
      data.empty() ? kEmpty : reinterpret_cast<const unsigned char*>(data.data());
  Sha256Bytes digest{};
  unsigned int digest_size = 0;
  DISYNC_CHECK(EVP_Digest(bytes, data.size(), digest.data(), &digest_size, FetchedSha256(),
                          nullptr) == 1);
  DISYNC_CHECK(digest_size == digest.size());
  return digest;
}

std::string Sha256Hex(std::string_view data) {
  const Sha256Bytes digest = Sha256Digest(data);
  return LowerHex(digest.data(), digest.size());
}

void AppendFramed(std::string* out, std::string_view part) {
  *out += std::to_string(part.size());
  *out += ':';
  *out += part;
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  DISYNC_CHECK(ctx_ != nullptr && EVP_DigestInit_ex(ctx_, FetchedSha256(), nullptr) == 1);
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

Sha256& Sha256::Update(std::string_view data) {
  if (!data.empty()) DISYNC_CHECK(EVP_DigestUpdate(ctx_, data.data(), data.size()) == 1);
  return *this;
}

std::string Sha256::HexDigest() {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  DISYNC_CHECK(EVP_DigestFinal_ex(ctx_, digest.data(), &digest_size) == 1);
  return LowerHex(digest.data(), digest_size);
}

}  // namespace disync
