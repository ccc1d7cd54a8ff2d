#include "server/admin.h"

#include <cstdio>
#include <filesystem>
#include <regex>

#include "common/clock.h"
#include "iam/root.h"
#include "iam/secret_box.h"
#include "server/app.h"
#include "store/sqlite/sqlite_store.h"

namespace disync::server {
namespace {

int Fail(const std::string& message) {
  std::fprintf(stderr, "disyncd admin: %s\n", message.c_str());
  return 1;
}

}  // namespace

int AdminCreateProject(const CreateProjectArgs& args) {
  // Workspace identifiers: letters, digits and '_', starting with a letter
  // or digit (workspaces.md section 1.2).
  static const std::regex kIdentifier("[A-Za-z0-9][A-Za-z0-9_]{0,63}");
  if (!std::regex_match(args.name, kIdentifier)) {
    return Fail("--name must be 1-64 letters, digits or '_', starting with a letter or digit");
  }
  if (args.id && (*args.id < 1 || *args.id > 2147483647)) {
    return Fail("--id must be from 1 to 2147483647");
  }
  std::error_code ec;
  std::filesystem::create_directories(args.data_dir, ec);
  if (ec) return Fail("cannot create " + args.data_dir + ": " + ec.message());
  // The server's master key: the store re-seals with it at Open.
  auto master_key = iam::LoadOrCreateMasterKey(args.data_dir);
  if (!master_key.ok()) return Fail(master_key.error().message());
  iam::SecretBox sealer(master_key.value());
  SystemClock clock;
  auto store = store::SqliteStore::Open(StorePath(args.data_dir), clock, sealer);
  if (!store.ok()) return Fail(store.error().message());

  store::NewProject project;
  project.id = ProjectId(args.id.value_or(0));
  project.identifier = args.name;
  project.name = args.name;
  project.description = args.description;
  project.mode = args.mode;
  project.owner_user_id = iam::kRootUserId;
  auto created = (*store)->CreateProject(project);
  if (!created.ok()) {
    if (created.error().code() == ErrorCode::kAlreadyExists) {
      return Fail("a workspace with that name or id already exists");
    }
    return Fail(created.error().message());
  }
  std::printf("%lld\n", static_cast<long long>(created->id.value()));
  return 0;
}

}  // namespace disync::server
