// Records kept by the MetadataStore: plain value types, no behaviour.
// Thread-compatible.
#ifndef DISYNC_STORE_RECORDS_H_
#define DISYNC_STORE_RECORDS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/ids.h"
#include "common/time_format.h"

namespace disync::store {

struct Tag {
  std::string key;
  std::string value;
  bool operator==(const Tag&) const = default;
};

// A DataWorks workspace (workspaces.md section 1.2).
struct Project {
  ProjectId id;                    // <= INT32_MAX: GetProject declares int32
  std::string identifier;          // unique workspace name
  std::string name;                // display name
  std::string description;
  int32_t mode = 2;                // 2 basic, 3 standard
  int32_t status = 0;              // 0 AVAILABLE ... 9 UPDATE_FAILED
  bool disable_development = false;
  int32_t is_allow_download = 1;
  int32_t is_default = 0;
  std::string resource_manager_resource_group_id;
  std::string default_di_resource_group;
  std::string owner_user_id;
  std::vector<Tag> tags;
  TimePoint created;
  TimePoint modified;
};

// What CreateProject needs; id 0 lets the store allocate the next id.
struct NewProject {
  ProjectId id;
  std::string identifier;
  std::string name;
  std::string description;
  int32_t mode = 2;
  bool disable_development = false;
  int32_t is_allow_download = 1;
  std::string resource_manager_resource_group_id;
  std::string owner_user_id;
  std::vector<Tag> tags;
};

struct ListProjectsQuery {
  int32_t page_number = 1;  // from 1
  int32_t page_size = 10;
  std::string resource_manager_resource_group_id;  // "" = any
  std::vector<Tag> tags;                           // all must match
  // When set, only workspaces in which this user holds a role.
  std::optional<std::string> member_user_id;
};

struct ProjectPage {
  std::vector<Project> projects;
  int64_t total_count = 0;
};

// A principal that holds access keys. The superuser passes every check.
struct User {
  std::string id;  // opaque string (Alibaba account / RAM user id)
  std::string name;
  bool superuser = false;
  TimePoint created;
};

enum class AccessKeyStatus { kEnabled, kDisabled };

struct AccessKey {
  std::string id;
  std::string secret;  // plaintext in memory only
  std::string user_id;
  AccessKeyStatus status = AccessKeyStatus::kEnabled;
  TimePoint created;
};

}  // namespace disync::store

#endif  // DISYNC_STORE_RECORDS_H_
