#include "asterai/registry/registry.h"

namespace asterai::registry {

Result<std::unique_ptr<Registry>> Registry::open(const RegistryConfig& config, const Clock& clock) {
  std::unique_ptr<Registry> r(new Registry(config, clock));
  r->storage_ =
      ASTERAI_TRY(open_embedded_storage(StorageOptions{config.root, config.default_public}));
  r->store_ = std::make_unique<RegistryStore>(*r->storage_.blobs, *r->storage_.metadata, clock,
                                              config.limits);
  auto key = ASTERAI_TRY(token_signing_key(config.root));
  r->tokens_ = std::make_unique<TokenService>(std::move(key), config.service, clock,
                                              config.token_ttl_seconds);
  r->sessions_ = std::make_unique<catalog::Sessions>(clock);
  return r;
}

}  // namespace asterai::registry
