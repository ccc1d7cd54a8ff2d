// The root (superuser) credentials of a disync installation.
//
// When DISYNC_ROOT_ACCESS_KEY_ID and DISYNC_ROOT_ACCESS_KEY_SECRET are set,
// that key is (re)installed as the root user's, enabled. When they are unset
// and the store has never had a root key, a fresh key is generated and
// written to DATA_DIR/root-credentials (mode 0600, shell syntax), and only
// that path is logged. Otherwise nothing changes.
// Blocking (store and file I/O); call once at start-up.
#ifndef DISYNC_IAM_ROOT_H_
#define DISYNC_IAM_ROOT_H_

#include <optional>
#include <string>

#include "common/result.h"
#include "store/metadata_store.h"

namespace disync::iam {

inline constexpr char kRootUserId[] = "root";

struct RootKeyFromEnv {
  std::string access_key_id;
  std::string secret;
};

// Reads the two variables; nullopt when either is unset or empty.
std::optional<RootKeyFromEnv> RootKeyFromEnvironment();

struct RootBootstrap {
  std::string access_key_id;
  // Set when a new key was generated and written there.
  std::optional<std::string> credentials_file;
};

Result<RootBootstrap> EnsureRootKey(store::MetadataStore& store, const std::string& data_dir,
                                    const std::optional<RootKeyFromEnv>& from_env);

// New key material in the shapes Alibaba Cloud uses ("LTAI" + 20, 30 chars).
std::string NewAccessKeyId();
std::string NewAccessKeySecret();

// Writes `content` to `path` atomically with mode 0600 (temp file, fsync,
// rename, fsync of the directory).
Status WritePrivateFile(const std::string& path, const std::string& content);

}  // namespace disync::iam

#endif  // DISYNC_IAM_ROOT_H_
