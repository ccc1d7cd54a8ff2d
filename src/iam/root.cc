#include "iam/root.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "common/random.h"

namespace disync::iam {
namespace {

constexpr char kRootKeyMeta[] = "root_access_key_id";

Error Errno(const std::string& what) {
  return Error::Internal(what + ": " + std::strerror(errno));
}

}  // namespace

std::optional<RootKeyFromEnv> RootKeyFromEnvironment() {
  const char* id = std::getenv("DISYNC_ROOT_ACCESS_KEY_ID");
  const char* secret = std::getenv("DISYNC_ROOT_ACCESS_KEY_SECRET");
  if (id == nullptr || secret == nullptr || *id == '\0' || *secret == '\0') return std::nullopt;
  return RootKeyFromEnv{id, secret};
}

std::string NewAccessKeyId() { return "LTAI" + RandomAlnum(20); }
std::string NewAccessKeySecret() { return RandomAlnum(30); }

Status WritePrivateFile(const std::string& path, const std::string& content) {
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Errno("open " + tmp);
  // O_CREAT's mode does not apply to an existing file.
  if (::fchmod(fd, 0600) != 0) {
    ::close(fd);
    return Errno("chmod " + tmp);
  }
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      return Errno("write " + tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    ::close(fd);
    return Errno("fsync " + tmp);
  }
  ::close(fd);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Errno("rename " + tmp);
  std::string dir = std::filesystem::path(path).parent_path().string();
  int dfd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return OkStatus();
}

Result<RootBootstrap> EnsureRootKey(store::MetadataStore& store, const std::string& data_dir,
                                    const std::optional<RootKeyFromEnv>& from_env) {
  auto now = std::chrono::system_clock::now();
  if (from_env) {
    DISYNC_RETURN_IF_ERROR(store.PutUser({kRootUserId, "root", /*superuser=*/true, now}));
    DISYNC_RETURN_IF_ERROR(store.PutAccessKey({from_env->access_key_id, from_env->secret,
                                               kRootUserId, store::AccessKeyStatus::kEnabled,
                                               now}));
    DISYNC_RETURN_IF_ERROR(store.PutMeta(kRootKeyMeta, from_env->access_key_id));
    return RootBootstrap{from_env->access_key_id, std::nullopt};
  }
  DISYNC_ASSIGN_OR_RETURN(std::optional<std::string> existing, store.GetMeta(kRootKeyMeta));
  if (existing && !existing->empty()) return RootBootstrap{*existing, std::nullopt};

  // A new store: make a root key and hand it over through a private file.
  std::string id = NewAccessKeyId();
  std::string secret = NewAccessKeySecret();
  std::string path = (std::filesystem::path(data_dir) / "root-credentials").string();
  DISYNC_RETURN_IF_ERROR(WritePrivateFile(
      path, "# disync root access key; keep this file private.\n"
            "DISYNC_ACCESS_KEY_ID=" + id + "\nDISYNC_ACCESS_KEY_SECRET=" + secret + "\n"));
  DISYNC_RETURN_IF_ERROR(store.PutUser({kRootUserId, "root", /*superuser=*/true, now}));
  DISYNC_RETURN_IF_ERROR(
      store.CreateAccessKey({id, secret, kRootUserId, store::AccessKeyStatus::kEnabled, now}));
  DISYNC_RETURN_IF_ERROR(store.PutMeta(kRootKeyMeta, id));
  return RootBootstrap{id, path};
}

}  // namespace disync::iam
