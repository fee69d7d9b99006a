#include "asterai/cloud/secrets.h"

#include "asterai/env/document.h"
#include "asterai/env/secret_store.h"

namespace asterai::cloud {
namespace {

// Binds a sealed value to its tenant and name (a NUL cannot occur in either).
std::string context(const std::string& tenant, const std::string& name) {
  return "asterai-cloud-secret" + std::string(1, '\0') + tenant + std::string(1, '\0') + name;
}

}  // namespace

Result<void> TenantSecrets::set(const std::string& tenant, const std::string& name,
                                const std::string& value) const {
  if (!env::is_valid_var_name(name))
    return make_error(ErrorKind::invalid_input,
                      "bad secret name \"" + name + "\" (use [A-Za-z_][A-Za-z0-9_]*)");
  if (value.size() > env::kMaxSecretBytes)
    return make_error(ErrorKind::too_large, "secret " + name + " is larger than 64 KiB");
  return store_->put_secret(tenant, name, key_->seal(value, context(tenant, name)));
}

Result<std::string> TenantSecrets::get(const std::string& tenant, const std::string& name) const {
  auto sealed = ASTERAI_TRY(store_->sealed_secret(tenant, name));
  if (!sealed)
    return make_error(ErrorKind::not_found, "secret " + name + " is not set for " + tenant +
                                                " (asterai cloud secret set " + name + ")");
  auto value = key_->open(*sealed, context(tenant, name), "secret " + name);
  if (!value && value.error().kind == ErrorKind::denied)
    return make_error(ErrorKind::denied, value.error().message +
                                             " (is every node given the same --secrets-key-file?)");
  return value;
}

Result<std::vector<std::string>> TenantSecrets::names(const std::string& tenant) const {
  return store_->secret_names(tenant);
}

Result<void> TenantSecrets::remove(const std::string& tenant, const std::string& name) const {
  return store_->remove_secret(tenant, name);
}

host::LoadOptions tenant_load(host::LoadOptions load,
                              const std::shared_ptr<const TenantSecrets>& secrets,
                              const std::string& tenant) {
  load.tenant = true;  // tenant_rules.h, public addresses only
  if (secrets)
    load.secret = [secrets, tenant](const std::string& name) { return secrets->get(tenant, name); };
  return load;
}

}  // namespace asterai::cloud
