#include "iam/secret_box.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <optional>

#include "common/check.h"
#include "common/logging.h"
#include "common/random.h"
#include "iam/root.h"

namespace disync::iam {
namespace {

constexpr std::string_view kSealedPrefix = "sealed:v1:";
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;
// Keeps every length below INT_MAX for the EVP calls, base64 included.
constexpr size_t kMaxPlaintextBytes = size_t{1} << 30;

constexpr char kMasterKeyEnv[] = "DISYNC_MASTER_KEY";
constexpr char kMasterKeyFile[] = "master.key";

Error CannotOpen() {
  return Error(ErrorCode::kCorruption,
               "sealed secret cannot be opened: wrong master key or altered data");
}

unsigned char* Bytes(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }
const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

void Wipe(std::string& s) { OPENSSL_cleanse(s.data(), s.size()); }

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;

// Fetched once: through the legacy EVP_aes_256_gcm() handle OpenSSL 3 looks
// the cipher up in its provider registry on every use, and every signed
// request opens its access key's secret.
const EVP_CIPHER* Aes256Gcm() {
  static EVP_CIPHER* const cipher = EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr);
  DISYNC_CHECK(cipher != nullptr);
  return cipher;
}

std::string Base64Encode(std::string_view data) {
  // EVP_EncodeBlock writes a NUL after the text.
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(Bytes(out), Bytes(data), static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

bool IsBase64Char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '+' || c == '/';
}

// The bytes of canonical, padded base64, else nullopt. EVP_DecodeBlock alone
// is too lenient (it skips surrounding white space) and counts padding as
// decoded zero bytes; the re-encoding check also refuses non-zero pad bits,
// so that only one text opens to given bytes.
std::optional<std::string> Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0 || text.size() > INT_MAX) return std::nullopt;
  size_t pad = 0;
  if (text.back() == '=') pad = text[text.size() - 2] == '=' ? 2 : 1;
  for (size_t i = 0; i < text.size() - pad; ++i) {
    if (!IsBase64Char(text[i])) return std::nullopt;
  }
  std::string out(text.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(Bytes(out), Bytes(text), static_cast<int>(text.size()));
  if (n < 0 || static_cast<size_t>(n) != out.size()) return std::nullopt;
  out.resize(out.size() - pad);
  if (Base64Encode(out) != text) {
    Wipe(out);
    return std::nullopt;
  }
  return out;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<std::string> HexDecode(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  std::string out(text.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(text[2 * i]);
    int lo = HexValue(text[2 * i + 1]);
    if (hi < 0 || lo < 0) {
      Wipe(out);
      return std::nullopt;
    }
    out[i] = static_cast<char>(hi << 4 | lo);
  }
  return out;
}

Error Errno(const std::string& what, int error_number) {
  return Error::Internal(what + ": " + std::strerror(error_number));
}

std::string OctalMode(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

// The value of DISYNC_MASTER_KEY as key bytes. The message never repeats it.
Result<std::string> KeyFromEnvironment(std::string_view value) {
  if (value.size() == 2 * kMasterKeyBytes) {
    if (std::optional<std::string> key = HexDecode(value)) return std::move(*key);
  }
  if (std::optional<std::string> key = Base64Decode(value)) {
    if (key->size() == kMasterKeyBytes) return std::move(*key);
    Wipe(*key);
  }
  return Error::InvalidArgument(std::string(kMasterKeyEnv) +
                                " must be 64 hex digits or the base64 of exactly 32 bytes "
                                "(its value has " +
                                std::to_string(value.size()) + " characters)");
}

// The key in `path`; nullopt when there is no such file.
Result<std::optional<std::string>> ReadKeyFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<std::string>();
    return Errno("open " + path, errno);
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int error_number = errno;
    ::close(fd);
    return Errno("stat " + path, error_number);
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return Error::InvalidArgument(path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    return Error::InvalidArgument(path + " has mode " + OctalMode(st.st_mode) +
                                  "; the master key file must be mode 0600 or stricter "
                                  "(chmod 600 " + path + ")");
  }
  // One byte more than a key, to tell a longer file from a key.
  std::string key(kMasterKeyBytes + 1, '\0');
  size_t size = 0;
  while (size < key.size()) {
    ssize_t n = ::read(fd, key.data() + size, key.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      int error_number = errno;
      ::close(fd);
      Wipe(key);
      return Errno("read " + path, error_number);
    }
    if (n == 0) break;
    size += static_cast<size_t>(n);
  }
  ::close(fd);
  if (size != kMasterKeyBytes) {
    Wipe(key);
    return Error::InvalidArgument(path + " is not a master key: it must hold exactly " +
                                  std::to_string(kMasterKeyBytes) + " raw bytes");
  }
  key.resize(kMasterKeyBytes);
  return std::optional<std::string>(std::move(key));
}

// Writes a new random key to `path`; nullopt when another process created
// the file first.
Result<std::optional<std::string>> CreateKeyFile(const std::string& path) {
  std::string key(kMasterKeyBytes, '\0');
  if (RAND_bytes(Bytes(key), static_cast<int>(key.size())) != 1) {
    return Error::Internal("RAND_bytes failed for the master key");
  }
  // Staged under a name of its own and linked into place: link() fails when
  // the key exists already, where WritePrivateFile's rename would replace a
  // key that another process may have started sealing with.
  const std::string staged = path + ".new." + RandomHex(8);
  if (Status written = WritePrivateFile(staged, key); !written.ok()) {
    Wipe(key);
    ::unlink(staged.c_str());
    return std::move(written).error();
  }
  int rc = ::link(staged.c_str(), path.c_str());
  int link_errno = errno;
  ::unlink(staged.c_str());
  if (rc != 0) {
    Wipe(key);
    if (link_errno == EEXIST) return std::optional<std::string>();
    return Errno("link " + staged + " to " + path, link_errno);
  }
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  logging::Info(
      "created a new master key; back it up: the sealed secrets in the store cannot be "
      "read without it",
      {{"path", path}});
  return std::optional<std::string>(std::move(key));
}

}  // namespace

SecretBox::SecretBox(std::string_view key) {
  DISYNC_CHECK(key.size() == kMasterKeyBytes);
  std::memcpy(key_.data(), key.data(), key_.size());
}

SecretBox::~SecretBox() { OPENSSL_cleanse(key_.data(), key_.size()); }

Result<std::string> SecretBox::Seal(std::string_view plaintext) const {
  if (plaintext.size() > kMaxPlaintextBytes) {
    return Error::InvalidArgument("secret of " + std::to_string(plaintext.size()) +
                                  " bytes is too large to seal");
  }
  // nonce | ciphertext | tag; GCM's ciphertext is as long as the plaintext.
  std::string raw(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  unsigned char* nonce = Bytes(raw);
  unsigned char* ciphertext = nonce + kNonceBytes;
  unsigned char* tag = ciphertext + plaintext.size();
  if (RAND_bytes(nonce, kNonceBytes) != 1) return Error::Internal("RAND_bytes failed for a nonce");

  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  int final_len = 0;
  if (ctx == nullptr ||
      EVP_EncryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), nonce) != 1 ||
      (!plaintext.empty() && EVP_EncryptUpdate(ctx.get(), ciphertext, &len, Bytes(plaintext),
                                               static_cast<int>(plaintext.size())) != 1) ||
      EVP_EncryptFinal_ex(ctx.get(), ciphertext + len, &final_len) != 1 ||
      static_cast<size_t>(len) + static_cast<size_t>(final_len) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag) != 1) {
    return Error::Internal("AES-256-GCM encryption failed");
  }
  return std::string(kSealedPrefix) + Base64Encode(raw);
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  if (!IsSealed(sealed)) return CannotOpen();
  std::optional<std::string> raw = Base64Decode(sealed.substr(kSealedPrefix.size()));
  if (!raw || raw->size() < static_cast<size_t>(kNonceBytes + kTagBytes)) return CannotOpen();
  const size_t size = raw->size() - kNonceBytes - kTagBytes;
  unsigned char* nonce = Bytes(*raw);
  unsigned char* ciphertext = nonce + kNonceBytes;
  unsigned char* tag = ciphertext + size;

  std::string plaintext(size, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (ctx == nullptr ||
      EVP_DecryptInit_ex(ctx.get(), Aes256Gcm(), nullptr, nullptr, nullptr) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
      EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, key_.data(), nonce) != 1) {
    return Error::Internal("AES-256-GCM set-up failed");
  }
  int len = 0;
  int final_len = 0;
  // The tag is checked by DecryptFinal; until then the plaintext is unverified.
  if ((size > 0 && EVP_DecryptUpdate(ctx.get(), Bytes(plaintext), &len, ciphertext,
                                     static_cast<int>(size)) != 1) ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), Bytes(plaintext) + len, &final_len) != 1 ||
      static_cast<size_t>(len) + static_cast<size_t>(final_len) != size) {
    Wipe(plaintext);
    return CannotOpen();
  }
  return plaintext;
}

Result<std::string> LoadOrCreateMasterKey(const std::string& data_dir) {
  if (const char* value = std::getenv(kMasterKeyEnv); value != nullptr) {
    return KeyFromEnvironment(value);
  }
  const std::string path = (std::filesystem::path(data_dir) / kMasterKeyFile).string();
  // Twice at most: a lost creation race is followed by reading the winner's key.
  for (int attempt = 0; attempt < 2; ++attempt) {
    DISYNC_ASSIGN_OR_RETURN(std::optional<std::string> existing, ReadKeyFile(path));
    if (existing) return std::move(*existing);
    DISYNC_ASSIGN_OR_RETURN(std::optional<std::string> created, CreateKeyFile(path));
    if (created) return std::move(*created);
  }
  return Error::Internal(path + " appeared and then disappeared while it was being created");
}

}  // namespace disync::iam
