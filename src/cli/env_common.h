// What the `asterai env …` commands share: reading ENV arguments (a draft "ns/name", or a
// pushed version "ns/name@1.2.0" / "REGISTRY/NS/NAME:1.2.0"), editing drafts, and the
// registry flags.
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <optional>
#include <string>

#include "asterai/common/error.h"
#include "asterai/env/document.h"
#include "asterai/env/local.h"
#include "asterai/env/local_component.h"
#include "asterai/oci/reference.h"
#include "oci_common.h"

namespace asterai::cli {

struct EnvRegistryFlags {
  std::string registry;  // for "ns/name@VERSION" and push; default $ASTERAI_REGISTRY
  RegistryFlags oci;
  void add_to(CLI::App& cmd);
  Result<std::string> registry_host() const;
};

struct LoadedEnv {
  std::string label;   // what the user named
  std::string source;  // the file, for messages
  std::string text;
  env::Document doc;
  std::optional<oci::Reference> ref;  // set for a pushed version
  std::string layer_digest;           // of a pushed version
};

// A draft name ("ns/name") or nullopt when `text` names a version.
std::optional<std::string> draft_name(const std::string& text);
// "ns/name@1.2.0" (with the flags' registry) or "REGISTRY/NS/NAME:1.2.0".
Result<oci::Reference> version_reference(const std::string& text, const EnvRegistryFlags& flags);
// Loads a draft, or a version from the local copy (pulled from the registry when missing and
// not `offline`).
Result<LoadedEnv> load_env(const std::string& text, const EnvRegistryFlags& flags, bool offline);
// Fetches a version from its registry and keeps the verified bytes locally.
Result<LoadedEnv> pull_env(const oci::Reference& ref, const EnvRegistryFlags& flags);

// Reads the draft, applies `change`, and writes it back only when the result is a valid
// document: a failed edit leaves the draft as it was.
Result<void> edit_draft(const std::string& name,
                        const std::function<Result<void>(env::Document&)>& change);
// Validates a draft argument ("ns/name").
Result<std::string> require_draft(const std::string& text);

// Whether an `env add` argument means a file: it exists, or is shaped like a path (./x,
// /x, ~/x, x.wasm) rather than like a registry reference.
bool is_file_argument(const std::string& text);
// Checks that `file` is a component and copies it into the local store (env add, env update).
Result<env::LocalComponent> import_component_file(const std::string& file);

}  // namespace asterai::cli
