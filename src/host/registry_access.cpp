#include "asterai/host/registry_access.h"

#include <cstdlib>
#include <optional>
#include <string_view>

#include "asterai/oci/credentials.h"

#ifndef ASTERAI_VERSION
#define ASTERAI_VERSION "0.0.0"
#endif

namespace asterai::host {
namespace {

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string_view(v) != "0";
}

}  // namespace

Result<oci::Reference> parse_ref(const std::string& text) {
  std::optional<std::string> fallback;
  if (const char* r = std::getenv("ASTERAI_REGISTRY"); r && *r) fallback = r;
  return oci::parse_reference(text, fallback);
}

Result<oci::RegistryClient> make_client(const std::string& registry, bool plain_http,
                                        bool anonymous) {
  oci::ClientOptions options;
  options.plain_http = plain_http || env_flag("ASTERAI_PLAIN_HTTP");
  if (const char* ca = std::getenv("ASTERAI_CA_FILE"); ca && *ca) options.http.ca_file = ca;
  options.http.user_agent = "asterai/" ASTERAI_VERSION;
  if (!anonymous) {
    auto creds = oci::CredentialStore::open_default();
    options.credentials = ASTERAI_TRY(creds.find(registry));
  }
  return oci::RegistryClient(registry, std::move(options));
}

Result<oci::LocalStore> open_store() {
  return oci::LocalStore::open(oci::LocalStore::default_root());
}

}  // namespace asterai::host
