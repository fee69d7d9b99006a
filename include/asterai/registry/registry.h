// One registry instance: its storage, domain store and token service, opened from a root.
// The HTTP server and the admin commands both work through this object.
#pragma once

#include <memory>
#include <string>

#include "asterai/registry/auth/token.h"
#include "asterai/registry/catalog/sessions.h"
#include "asterai/registry/clock.h"
#include "asterai/registry/search/search.h"
#include "asterai/registry/storage/embedded.h"
#include "asterai/registry/storage/registry_store.h"

namespace asterai::registry {

struct RegistryConfig {
  std::string root;
  bool auth = true;             // false: anyone may do anything (local development only)
  bool default_public = false;  // visibility of repositories created by a push
  std::string service = "asterai-registry";
  std::string realm;  // token endpoint URL; empty = derived from the Host header
  int64_t token_ttl_seconds = 300;
  RegistryLimits limits;
};

class Registry {
 public:
  // `clock` must outlive the registry.
  static Result<std::unique_ptr<Registry>> open(const RegistryConfig& config, const Clock& clock);

  const RegistryConfig& config() const { return config_; }
  RegistryStore& store() { return *store_; }
  MetadataStore& metadata() { return *storage_.metadata; }
  CredentialStore& credentials() { return *storage_.credentials; }
  BlobDriver& blobs() { return *storage_.blobs; }
  const TokenService& tokens() const { return *tokens_; }
  const Clock& clock() const { return clock_; }
  // Sign-ins to the web catalog (in memory).
  catalog::Sessions& sessions() { return *sessions_; }
  // What /v1/search and the catalog's search pages read (rebuilt after writes).
  SearchIndex& search_index() { return search_index_; }

 private:
  Registry(RegistryConfig config, const Clock& clock) : config_(std::move(config)), clock_(clock) {}

  RegistryConfig config_;
  const Clock& clock_;
  Storage storage_;
  std::unique_ptr<RegistryStore> store_;
  std::unique_ptr<TokenService> tokens_;
  std::unique_ptr<catalog::Sessions> sessions_;
  SearchIndex search_index_;
};

}  // namespace asterai::registry
