#include "iam/credentials.h"

namespace disync::iam {

Result<openapi::Credential> StoreCredentialSource::Find(std::string_view access_key_id) {
  DISYNC_ASSIGN_OR_RETURN(store::AccessKey key, store_.GetAccessKey(std::string(access_key_id)));
  DISYNC_ASSIGN_OR_RETURN(store::User user, store_.GetUser(key.user_id));
  return openapi::Credential{key.id, key.secret, key.user_id,
                             key.status == store::AccessKeyStatus::kEnabled, user.superuser};
}

}  // namespace disync::iam
