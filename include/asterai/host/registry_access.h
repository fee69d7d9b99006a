// How the host reaches registries: references with the default registry, clients with the
// stored credentials, and the local store of pulled components.
#pragma once

#include <string>

#include "asterai/common/error.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"
#include "asterai/oci/store.h"

namespace asterai::host {

// Parses REF; a reference without a registry host takes $ASTERAI_REGISTRY.
Result<oci::Reference> parse_ref(const std::string& text);

// A client for the registry with the stored credentials (asterai's, then Docker's).
// Plain HTTP when `plain_http` or ASTERAI_PLAIN_HTTP=1 (always for loopback registries);
// ASTERAI_CA_FILE adds a CA bundle for TLS. `anonymous`: no credentials (what anyone may read).
Result<oci::RegistryClient> make_client(const std::string& registry, bool plain_http,
                                        bool anonymous = false);

// $ASTERAI_HOME/store, opened (created when missing).
Result<oci::LocalStore> open_store();

}  // namespace asterai::host
