#include "iam/accounts.h"

#include "iam/root.h"

namespace disync::iam {
namespace {

bool AllOf(std::string_view s, size_t max, bool (*ok)(char)) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s) {
    if (!ok(c)) return false;
  }
  return true;
}

bool IsAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

Error InvalidParam(std::string message) { return {ErrorCode::kInvalidParam, std::move(message)}; }

}  // namespace

bool IsValidProjectIdentifier(std::string_view s) {
  return AllOf(s, 64, [](char c) { return IsAlnum(c) || c == '_'; }) && IsAlnum(s[0]);
}

bool IsValidUserId(std::string_view s) {
  return AllOf(s, 64, [](char c) {
    return IsAlnum(c) || c == '_' || c == '.' || c == '@' || c == '-';
  });
}

bool IsValidResourceGroupIdentifier(std::string_view s) {
  return AllOf(s, 128, [](char c) { return IsAlnum(c) || c == '_' || c == '-'; });
}

Result<store::Project> CreateProject(store::MetadataStore& store, store::NewProject project) {
  if (!IsValidProjectIdentifier(project.identifier)) {
    return InvalidParam("ProjectIdentifier must be 1-64 letters, digits or '_', starting with a "
                        "letter or digit.");
  }
  if (project.name.empty()) project.name = project.identifier;
  if (project.mode != 2 && project.mode != 3) {
    return InvalidParam("ProjectMode must be 2 (basic) or 3 (standard).");
  }
  if (project.id.value() < 0 || project.id.value() > 2147483647) {
    return InvalidParam("ProjectId must be from 1 to 2147483647.");
  }
  if (project.owner_user_id.empty()) project.owner_user_id = kRootUserId;
  auto created = store.CreateProject(project);
  if (!created.ok() && created.error().code() == ErrorCode::kAlreadyExists) {
    return Error(ErrorCode::kAlreadyExists, "a workspace with the identifier \"" +
                                                project.identifier + "\" or that id exists");
  }
  return created;
}

Result<store::User> CreateUser(store::MetadataStore& store, const Clock& clock,
                               const std::string& user_id, const std::string& name) {
  if (!IsValidUserId(user_id)) {
    return InvalidParam("UserId must be 1-64 characters from A-Z a-z 0-9 _ . @ -.");
  }
  if (user_id == kRootUserId) return Error::AlreadyExists("user \"root\" exists");
  auto existing = store.GetUser(user_id);
  if (existing.ok()) return Error::AlreadyExists("user \"" + user_id + "\" exists");
  if (existing.error().code() != ErrorCode::kNotFound) return std::move(existing).error();
  store::User user{user_id, name.empty() ? user_id : name, /*superuser=*/false, clock.Now()};
  DISYNC_RETURN_IF_ERROR(store.PutUser(user));
  return user;
}

Result<store::AccessKey> CreateAccessKey(store::MetadataStore& store, const Clock& clock,
                                         const std::string& user_id) {
  DISYNC_RETURN_IF_ERROR(store.GetUser(user_id));
  store::AccessKey key{NewAccessKeyId(), NewAccessKeySecret(), user_id,
                       store::AccessKeyStatus::kEnabled, clock.Now()};
  DISYNC_RETURN_IF_ERROR(store.CreateAccessKey(key));
  return key;
}

Status SetAccessKeyStatus(store::MetadataStore& store, const std::string& access_key_id,
                          store::AccessKeyStatus status) {
  return store.SetAccessKeyStatus(access_key_id, status);
}

Status DeleteAccessKey(store::MetadataStore& store, const std::string& access_key_id) {
  return store.DeleteAccessKey(access_key_id);
}

Result<store::ResourceGroup> CreateResourceGroup(store::MetadataStore& store, const Clock& clock,
                                                 const std::string& identifier,
                                                 const std::string& name) {
  if (!IsValidResourceGroupIdentifier(identifier)) {
    return InvalidParam("the resource group identifier must be 1-128 characters from "
                        "A-Z a-z 0-9 _ -.");
  }
  store::ResourceGroup group{0, identifier, name.empty() ? identifier : name, clock.Now()};
  return store.CreateResourceGroup(group);
}

}  // namespace disync::iam
