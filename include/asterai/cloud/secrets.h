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

class TenantSecrets {
 public:
  TenantSecrets(std::shared_ptr<Store> store, std::shared_ptr<const env::SecretBox> key)
      : store_(std::move(store)), key_(std::move(key)) {}

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
};

// `load` giving a tenant's members that tenant's secrets (`secrets` null: a node that keeps
// none, and then tenants' environments may name none).
host::LoadOptions tenant_load(host::LoadOptions load,
                              const std::shared_ptr<const TenantSecrets>& secrets,
                              const std::string& tenant);

}  // namespace asterai::cloud
