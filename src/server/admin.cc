#include "server/admin.h"

#include <cstdio>
#include <filesystem>

#include "common/clock.h"
#include "iam/accounts.h"
#include "iam/role_table.h"
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

int Fail(const Error& error) { return Fail(error.message()); }

int Run(const AdminCommand& c, store::MetadataStore& store, const Clock& clock) {
  using Kind = AdminCommand::Kind;
  switch (c.kind) {
    case Kind::kCreateProject: {
      store::NewProject project;
      project.id = ProjectId(c.id.value_or(0));
      project.identifier = c.name;
      project.name = c.name;
      project.description = c.description;
      project.mode = c.mode;
      auto created = iam::CreateProject(store, project);
      if (!created.ok()) return Fail(created.error());
      std::printf("%lld\n", static_cast<long long>(created->id.value()));
      return 0;
    }
    case Kind::kCreateUser: {
      auto user = iam::CreateUser(store, clock, c.user_id, c.name);
      if (!user.ok()) return Fail(user.error());
      std::printf("%s\n", user->id.c_str());
      return 0;
    }
    case Kind::kCreateAccessKey: {
      auto key = iam::CreateAccessKey(store, clock, c.user_id);
      if (!key.ok()) return Fail(key.error());
      // Shown once; shell syntax so that `eval "$(disyncd admin ...)"` works.
      std::printf("DISYNC_ACCESS_KEY_ID=%s\nDISYNC_ACCESS_KEY_SECRET=%s\n", key->id.c_str(),
                  key->secret.c_str());
      return 0;
    }
    case Kind::kDisableAccessKey:
    case Kind::kEnableAccessKey: {
      auto done = iam::SetAccessKeyStatus(store, c.access_key_id,
                                          c.kind == Kind::kEnableAccessKey
                                              ? store::AccessKeyStatus::kEnabled
                                              : store::AccessKeyStatus::kDisabled);
      return done.ok() ? 0 : Fail(done.error());
    }
    case Kind::kDeleteAccessKey: {
      auto done = iam::DeleteAccessKey(store, c.access_key_id);
      return done.ok() ? 0 : Fail(done.error());
    }
    case Kind::kCreateResourceGroup: {
      auto group = iam::CreateResourceGroup(store, clock, c.identifier, c.name);
      if (!group.ok()) return Fail(group.error());
      std::printf("%s\n", group->identifier.c_str());
      return 0;
    }
    case Kind::kAddMember: {
      if (iam::FindRole(c.role) == nullptr) return Fail("--role " + c.role + " is not a built-in role");
      auto done = store.AddMemberRole(ProjectId(c.project), c.user_id, c.role);
      return done.ok() ? 0 : Fail(done.error());
    }
  }
  return Fail("unknown command");
}

}  // namespace

int RunAdmin(const AdminCommand& command) {
  std::error_code ec;
  std::filesystem::create_directories(command.data_dir, ec);
  if (ec) return Fail("cannot create " + command.data_dir + ": " + ec.message());
  // The server's master key: the store seals and opens secrets with it.
  auto master_key = iam::LoadOrCreateMasterKey(command.data_dir);
  if (!master_key.ok()) return Fail(master_key.error());
  iam::SecretBox sealer(master_key.value());
  SystemClock clock;
  auto store = store::SqliteStore::Open(StorePath(command.data_dir), clock, sealer);
  if (!store.ok()) return Fail(store.error());
  return Run(command, **store, clock);
}

}  // namespace disync::server
