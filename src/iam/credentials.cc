#include "iam/credentials.h"

namespace disync::iam {

Result<openapi::Credential> StoreCredentialSource::Find(std::string_view access_key_id) {
  DISYNC_ASSIGN_OR_RETURN(store::AccessKeyAndOwner found,
                          store_.GetAccessKeyAndOwner(std::string(access_key_id)));
  const store::AccessKey& key = found.key;
  return openapi::Credential{key.id, key.secret, key.user_id,
                             key.status == store::AccessKeyStatus::kEnabled, found.owner.superuser};
}

}  // namespace disync::iam
