// Tenants' secrets on a cloud: values sealed by the node with the cloud's secrets key
// (`cloud node --secrets-key-file`, the same file on every node) before they reach the store,
// with the tenant and the name as associated data, so the store (a database many people may
// read) holds no value, and a row copied to another tenant or name does not open. A member
// that names a secret gets its tenant's value when a node loads the deployment; nothing else
// ever returns a value (listing gives names only).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "asterai/cloud/store.h"
#include "asterai/common/error.h"
#include "asterai/env/secret_box.h"
#include "asterai/host/composition.h"

namespace asterai::cloud {

using Keys = std::vector<std::shared_ptr<const env::SecretBox>>;

class TenantSecrets {
 public:
  // Values are sealed with `key`, and open with it or with one of `also` (the keys of a
  // rotation: docs/cloud.md, "Rotating the secrets key").
  TenantSecrets(std::shared_ptr<Store> store, std::shared_ptr<const env::SecretBox> key,
                Keys also = {})
      : store_(std::move(store)), key_(std::move(key)), also_(std::move(also)) {}

  // A name as for environment variables; a value of at most 64 KiB.
  Result<void> set(const std::string& tenant, const std::string& name,
                   const std::string& value) const;
  // not-found (saying how to set it) when the tenant has no such secret.
  Result<std::string> get(const std::string& tenant, const std::string& name) const;
  Result<std::vector<std::string>> names(const std::string& tenant) const;
  Result<void> remove(const std::string& tenant, const std::string& name) const;

 private:
  std::shared_ptr<Store> store_;
  std::shared_ptr<const env::SecretBox> key_;
  Keys also_;
};

// What reseal_secrets did.
struct Resealed {
  size_t resealed = 0;  // opened with one of `also`, sealed again with `key`
  size_t current = 0;   // sealed with `key` already
  size_t changed = 0;   // set again or removed while this ran: left as they were
};

// Every tenant's secret in `store` sealed again with `key`, for retiring the keys in `also`.
// Safe beside running nodes: a secret set meanwhile is left as it was, values never change,
// and the stamps stay (loaded deployments keep their values). A secret that opens with none
// of the keys is an error naming every such secret (the others are done).
Result<Resealed> reseal_secrets(Store& store, const env::SecretBox& key, const Keys& also);

// `load` giving a tenant's members that tenant's secrets (`secrets` null: a node that keeps
// none, and then tenants' environments may name none).
host::LoadOptions tenant_load(host::LoadOptions load,
                              const std::shared_ptr<const TenantSecrets>& secrets,
                              const std::string& tenant);

}  // namespace asterai::cloud
