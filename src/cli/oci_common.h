// What the registry commands (push, pull, login, tags, ls, rm) share: registry flags,
// building a client with stored credentials, the local store, and progress bars.
#pragma once

#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "asterai/common/error.h"
#include "asterai/host/registry_access.h"
#include "asterai/oci/progress.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"
#include "asterai/oci/store.h"

namespace asterai::cli {

struct RegistryFlags {
  bool plain_http = false;
  void add_to(CLI::App& cmd);
};

using host::open_store;
using host::parse_ref;

// host::make_client with --plain-http.
inline Result<oci::RegistryClient> make_client(const std::string& registry,
                                               const RegistryFlags& flags) {
  return host::make_client(registry, flags.plain_http);
}

// A progress bar on stderr when stdout and stderr are terminals, not in --json mode and not
// under CI ($CI set); null otherwise.
std::unique_ptr<oci::Progress> make_progress(bool json);

}  // namespace asterai::cli
