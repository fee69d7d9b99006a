#include "asterai/cloud/secrets.h"

#include "asterai/env/document.h"
#include "asterai/env/secret_store.h"

namespace asterai::cloud {
namespace {

// Binds a sealed value to its tenant and name (a NUL cannot occur in either).
std::string context(const std::string& tenant, const std::string& name) {
  return "asterai-cloud-secret" + std::string(1, '\0') + tenant + std::string(1, '\0') + name;
}

// The value `sealed` holds, opened with the first of `keys` it opens with.
std::optional<std::string> open_with_any(const Keys& keys, const std::string& sealed,
                                         const std::string& ctx, const std::string& what) {
  for (const auto& k : keys)
    if (auto opened = k->open(sealed, ctx, what)) return std::move(*opened);
  return std::nullopt;
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
  auto ctx = context(tenant, name);
  auto value = key_->open(*sealed, ctx, "secret " + name);
  if (!value && value.error().kind == ErrorKind::denied)
    if (auto opened = open_with_any(also_, *sealed, ctx, "secret " + name))
      return std::move(*opened);
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

Result<Resealed> reseal_secrets(Store& store, const env::SecretBox& key, const Keys& also) {
  Resealed done;
  std::string unopened;
  size_t unopened_count = 0;
  for (const auto& s : ASTERAI_TRY(store.all_sealed_secrets())) {
    auto ctx = context(s.tenant, s.name);
    if (key.open(s.sealed, ctx, "secret " + s.name)) {
      ++done.current;
      continue;
    }
    auto value = open_with_any(also, s.sealed, ctx, "secret " + s.name);
    if (!value) {
      unopened += (unopened_count++ ? ", " : "") + s.tenant + "/" + s.name;
      continue;
    }
    bool replaced = ASTERAI_TRY(store.reseal_secret(s, key.seal(*value, ctx)));
    ++(replaced ? done.resealed : done.changed);
  }
  if (unopened_count)
    return make_error(ErrorKind::denied,
                      std::to_string(unopened_count) + " secret(s) open with none of the keys " +
                          "given (" + unopened + "); pass the key they were sealed with as " +
                          "--secrets-extra-key-file (" + std::to_string(done.resealed) +
                          " others sealed again)");
  return done;
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
