// `disyncd admin ...`: offline commands against the store, safe while the
// server runs on the same data directory (SQLite serialises the writers).
// They share their rules with the superuser API through iam/accounts.h.
// Each command prints its result on stdout and returns the exit status.
#ifndef DISYNC_SERVER_ADMIN_H_
#define DISYNC_SERVER_ADMIN_H_

#include <cstdint>
#include <optional>
#include <string>

namespace disync::server {

struct AdminCommand {
  enum class Kind {
    kCreateProject,       // prints the new ProjectId
    kCreateUser,
    kCreateAccessKey,     // prints DISYNC_ACCESS_KEY_ID=... and DISYNC_ACCESS_KEY_SECRET=...
    kDisableAccessKey,
    kEnableAccessKey,
    kDeleteAccessKey,
    kCreateResourceGroup,
    kAddMember,           // grants --role in --project to --user-id
  };
  Kind kind = Kind::kCreateProject;
  std::string data_dir = "./var";
  std::string name;         // project identifier, user or resource group display name
  std::optional<int64_t> id;
  int32_t mode = 2;
  std::string description;
  std::string user_id;
  std::string access_key_id;
  std::string identifier;   // resource group
  int64_t project = 0;
  std::string role;
};

int RunAdmin(const AdminCommand& command);

}  // namespace disync::server

#endif  // DISYNC_SERVER_ADMIN_H_
