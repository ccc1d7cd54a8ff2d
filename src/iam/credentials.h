// StoreCredentialSource: resolves an AccessKeyId to its secret and owner for
// the Dispatcher, from the MetadataStore. Blocking; thread-safe (the store
// is).
#ifndef DISYNC_IAM_CREDENTIALS_H_
#define DISYNC_IAM_CREDENTIALS_H_

#include "openapi/dispatcher.h"
#include "store/metadata_store.h"

namespace disync::iam {

class StoreCredentialSource final : public openapi::CredentialSource {
 public:
  explicit StoreCredentialSource(store::MetadataStore& store) : store_(store) {}
  Result<openapi::Credential> Find(std::string_view access_key_id) override;

 private:
  store::MetadataStore& store_;
};

}  // namespace disync::iam

#endif  // DISYNC_IAM_CREDENTIALS_H_
