// MetadataStore: everything disync keeps, behind one interface. The SQLite
// implementation (sqlite/sqlite_store.h) is the embedded default; tests may
// use the same class on a temp file.
//
// Durability contract: when a mutating call returns OK, its effect is on disk
// (fsync'd); the API answers only after that.
// Thread-safety: implementations are thread-safe. Calls block on disk I/O and
// must never run on an io_context thread.
#ifndef DISYNC_STORE_METADATA_STORE_H_
#define DISYNC_STORE_METADATA_STORE_H_

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace disync::store {

class MetadataStore {
 public:
  virtual ~MetadataStore() = default;

  // ---- workspaces ----
  // kAlreadyExists when the identifier or the explicit id is taken.
  virtual Result<Project> CreateProject(const NewProject& project) = 0;
  // kNotFound when absent.
  virtual Result<Project> GetProject(ProjectId id) = 0;
  virtual Result<Project> GetProjectByIdentifier(const std::string& identifier) = 0;
  // Ordered by id ascending.
  virtual Result<ProjectPage> ListProjects(const ListProjectsQuery& query) = 0;

  // ---- workspace members ----
  // Grants `role_code` to the user in the workspace; granting a role held
  // already is a no-op. kNotFound when the workspace or the user is unknown.
  virtual Status AddMemberRole(ProjectId project, const std::string& user_id,
                               const std::string& role_code) = 0;
  // The user's role codes in the workspace, sorted; empty for a non-member.
  virtual Result<std::vector<std::string>> GetMemberRoles(ProjectId project,
                                                          const std::string& user_id) = 0;

  // ---- users and access keys ----
  // Creates or replaces.
  virtual Status PutUser(const User& user) = 0;
  virtual Result<User> GetUser(const std::string& user_id) = 0;
  // kAlreadyExists when the id is taken.
  virtual Status CreateAccessKey(const AccessKey& key) = 0;
  // Creates or replaces (for the root key given by environment).
  virtual Status PutAccessKey(const AccessKey& key) = 0;
  virtual Result<AccessKey> GetAccessKey(const std::string& access_key_id) = 0;
  virtual Status SetAccessKeyStatus(const std::string& access_key_id,
                                    AccessKeyStatus status) = 0;
  virtual Status DeleteAccessKey(const std::string& access_key_id) = 0;

  // ---- small server state (nonce heartbeat, ...) ----
  virtual Result<std::optional<std::string>> GetMeta(const std::string& key) = 0;
  virtual Status PutMeta(const std::string& key, const std::string& value) = 0;
};

}  // namespace disync::store

#endif  // DISYNC_STORE_METADATA_STORE_H_
