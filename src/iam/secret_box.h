// SecretBox: the Sealer of disync, AES-256-GCM (OpenSSL EVP) under one
// 32-byte master key, and the loading of that key at start-up.
//
// Seal draws a fresh 12-byte nonce for every call (RAND_bytes) and returns
// "sealed:v1:" + base64(nonce | ciphertext | 16-byte tag). Open checks the
// prefix, the base64 (canonical form only) and the tag; any failure is
// kCorruption with one fixed message, so that an error says nothing of the
// key or the data.
//
// Ownership: the composition root loads the key (LoadOrCreateMasterKey),
// builds one SecretBox and lends it by reference to the store; the box keeps
// its own copy of the key and wipes it when destroyed. Key bytes are never
// logged nor put in an error message.
// Thread-safety: SecretBox is immutable after construction; Seal and Open may
// be called concurrently. LoadOrCreateMasterKey blocks on file I/O: call it
// once at start-up.
#ifndef DISYNC_IAM_SECRET_BOX_H_
#define DISYNC_IAM_SECRET_BOX_H_

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "common/result.h"
#include "common/sealer.h"

namespace disync::iam {

inline constexpr size_t kMasterKeyBytes = 32;

class SecretBox final : public Sealer {
 public:
  // `key` must be exactly kMasterKeyBytes raw bytes (what
  // LoadOrCreateMasterKey returns); any other size is a bug and aborts.
  explicit SecretBox(std::string_view key);
  ~SecretBox() override;
  SecretBox(const SecretBox&) = delete;
  SecretBox& operator=(const SecretBox&) = delete;

  // kInvalidArgument only for a plaintext above 1 GiB.
  Result<std::string> Seal(std::string_view plaintext) const override;
  // kCorruption ("sealed secret cannot be opened: wrong master key or
  // altered data") for a bad prefix, bad base64, short input or wrong tag.
  Result<std::string> Open(std::string_view sealed) const override;

 private:
  std::array<unsigned char, kMasterKeyBytes> key_;
};

// The master key, kMasterKeyBytes raw bytes:
// - from env DISYNC_MASTER_KEY when it is set: 64 hex digits or the base64
//   of exactly 32 bytes (`openssl rand -hex 32`, `openssl rand -base64 32`);
//   anything else (empty included) is kInvalidArgument, whose message does
//   not repeat the value;
// - else from DATA_DIR/master.key: 32 raw bytes in a regular file of mode
//   0600 or stricter, else kInvalidArgument naming the path and the mode or
//   size;
// - else, on first start, 32 random bytes written to DATA_DIR/master.key
//   (mode 0600, atomically; a process that starts at the same time on the
//   same directory ends up with the same key, never a second one). Only the
//   path is logged.
// Other I/O failures are kInternal.
Result<std::string> LoadOrCreateMasterKey(const std::string& data_dir);

}  // namespace disync::iam

#endif  // DISYNC_IAM_SECRET_BOX_H_
