// What the `asterai env …` commands share: the registry flags, draft arguments, and adding
// component files. Reading ENV arguments and editing drafts is the host's
// (asterai/host/environment.h).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "asterai/common/error.h"
#include "asterai/env/document.h"
#include "asterai/env/local.h"
#include "asterai/env/local_component.h"
#include "asterai/host/composition.h"
#include "asterai/host/environment.h"
#include "asterai/oci/reference.h"
#include "oci_common.h"
#include "output.h"

namespace asterai::cli {

struct EnvRegistryFlags {
  std::string registry;  // for "ns/name@VERSION" and push; default $ASTERAI_REGISTRY
  RegistryFlags oci;
  void add_to(CLI::App& cmd);
  host::RegistryOptions options() const { return {registry, oci.plain_http}; }
  Result<std::string> registry_host() const { return options().registry_host(); }
};

// What host::load_composition needs from the command line; `progress` may be null.
host::LoadOptions load_options(const EnvRegistryFlags& registry, bool offline,
                               const EngineFlags& engine, oci::Progress* progress = nullptr);

using host::draft_name;
using host::edit_draft;
using host::LoadedEnv;

// An edit's exit code: its error reported, or `done` printed.
int finish_edit(Result<void> r, const std::string& done);
// A whole edit command: `env_arg` checked as a draft name, edit_draft with `change`, then
// finish_edit. `done` is printed on success.
int edit_draft_command(const std::string& env_arg,
                       const std::function<Result<void>(env::Document&)>& change,
                       const std::string& done);
// Validates a draft argument ("ns/name").
Result<std::string> require_draft(const std::string& text);

// Whether an `env add` argument means a file: it exists, or is shaped like a path (./x,
// /x, ~/x, x.wasm) rather than like a registry reference.
bool is_file_argument(const std::string& text);
// Checks that `file` is a component and copies it into the local store (env add, env update).
Result<env::LocalComponent> import_component_file(const std::string& file);

}  // namespace asterai::cli
