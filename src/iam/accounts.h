// Account administration shared by `disyncd admin` and the superuser API:
// users, access keys, resource groups and workspaces, with their naming
// rules. One implementation, two front ends.
// Blocking (store I/O); thread-safe.
#ifndef DISYNC_IAM_ACCOUNTS_H_
#define DISYNC_IAM_ACCOUNTS_H_

#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "store/metadata_store.h"

namespace disync::iam {

// Workspace identifiers: 1-64 letters, digits or '_', starting with a letter
// or digit (workspaces.md section 1.2).
bool IsValidProjectIdentifier(std::string_view identifier);
// User ids: 1-64 characters from [A-Za-z0-9_.@-].
bool IsValidUserId(std::string_view user_id);
// Resource group identifiers: 1-128 characters from [A-Za-z0-9_-].
bool IsValidResourceGroupIdentifier(std::string_view identifier);

// Each returns kInvalidParam for a bad name, kAlreadyExists for a taken one,
// kNotFound for an unknown user or key.
Result<store::Project> CreateProject(store::MetadataStore& store, store::NewProject project);
Result<store::User> CreateUser(store::MetadataStore& store, const Clock& clock,
                               const std::string& user_id, const std::string& name);
// Generates the key pair; the secret is returned once and stored sealed.
Result<store::AccessKey> CreateAccessKey(store::MetadataStore& store, const Clock& clock,
                                         const std::string& user_id);
Status SetAccessKeyStatus(store::MetadataStore& store, const std::string& access_key_id,
                          store::AccessKeyStatus status);
Status DeleteAccessKey(store::MetadataStore& store, const std::string& access_key_id);
Result<store::ResourceGroup> CreateResourceGroup(store::MetadataStore& store, const Clock& clock,
                                                 const std::string& identifier,
                                                 const std::string& name);

}  // namespace disync::iam

#endif  // DISYNC_IAM_ACCOUNTS_H_
