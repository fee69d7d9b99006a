// What the registry commands (push, pull, login, tags, ls, rm) share: registry flags,
// building a client with stored credentials, the local store, and progress bars.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "asterai/common/error.h"
#include "asterai/oci/progress.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"
#include "asterai/oci/store.h"

namespace asterai::cli {

struct RegistryFlags {
  bool plain_http = false;
  void add_to(CLI::App& cmd);
};

// Parses REF; a reference without a registry host takes $ASTERAI_REGISTRY.
Result<oci::Reference> parse_ref(const std::string& text);

// A client for the registry with the stored credentials (asterai's, then Docker's).
// Plain HTTP with --plain-http or ASTERAI_PLAIN_HTTP=1 (always for loopback registries);
// ASTERAI_CA_FILE adds a CA bundle for TLS.
Result<oci::RegistryClient> make_client(const std::string& registry, const RegistryFlags& flags);

// $ASTERAI_HOME/store, opened (created when missing).
Result<oci::LocalStore> open_store();

// A progress bar on stderr when stdout and stderr are terminals, not in --json mode and not
// under CI ($CI set); null otherwise.
std::unique_ptr<oci::Progress> make_progress(bool json);

}  // namespace asterai::cli
