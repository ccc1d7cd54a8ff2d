// Sealer: authenticated encryption of secrets at rest (access key secrets,
// data source passwords and keys). The store seals before writing and opens
// after reading, so that a store file alone reveals no secret. The
// implementation (iam/secret_box.h, AES-256-GCM) is chosen by the
// composition root; tests may use it with a fixed key.
// Thread-safety: implementations are thread-safe.
#ifndef DISYNC_COMMON_SEALER_H_
#define DISYNC_COMMON_SEALER_H_

#include <string>
#include <string_view>

#include "common/result.h"

namespace disync {

class Sealer {
 public:
  virtual ~Sealer() = default;
  // Returns printable text ("sealed:v1:" + base64 of nonce|ciphertext|tag).
  virtual Result<std::string> Seal(std::string_view plaintext) const = 0;
  // kCorruption when the text was not sealed by this key or was altered.
  virtual Result<std::string> Open(std::string_view sealed) const = 0;
  // True for text produced by Seal (by its prefix; says nothing of the key).
  static bool IsSealed(std::string_view text) { return text.substr(0, 10) == "sealed:v1:"; }
};

}  // namespace disync

#endif  // DISYNC_COMMON_SEALER_H_
