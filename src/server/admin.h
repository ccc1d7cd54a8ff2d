// `disyncd admin ...`: offline commands against the store, safe while the
// server runs on the same data directory (SQLite serialises the writers).
// Each command prints its result on stdout and returns the exit status.
#ifndef DISYNC_SERVER_ADMIN_H_
#define DISYNC_SERVER_ADMIN_H_

#include <cstdint>
#include <optional>
#include <string>

namespace disync::server {

struct CreateProjectArgs {
  std::string data_dir;
  std::string name;
  std::optional<int64_t> id;
  int32_t mode = 2;
  std::string description;
};

// Prints the new ProjectId.
int AdminCreateProject(const CreateProjectArgs& args);

}  // namespace disync::server

#endif  // DISYNC_SERVER_ADMIN_H_
