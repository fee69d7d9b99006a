// Environment references and their documents: a draft "ns/name", or a pushed version
// "ns/name@1.2.0" / "REGISTRY/NS/NAME:1.2.0" read from the local copy or pulled.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "asterai/common/error.h"
#include "asterai/env/document.h"
#include "asterai/oci/reference.h"

namespace asterai::host {

// Where pushed versions come from.
struct RegistryOptions {
  std::string registry;  // for "ns/name@VERSION"; default $ASTERAI_REGISTRY
  bool plain_http = false;
  // `registry`, else $ASTERAI_REGISTRY, else a usage error.
  Result<std::string> registry_host() const;
};

struct LoadedEnv {
  std::string label;   // what the user named
  std::string source;  // the file, for messages
  std::string text;
  env::Document doc;
  std::optional<oci::Reference> ref;  // set for a pushed version
  std::string layer_digest;           // of a pushed version
  std::string manifest_digest;        // of a pushed version (what a deployment pins)
};

// A draft name ("ns/name") or nullopt when `text` names a version.
std::optional<std::string> draft_name(const std::string& text);
// "ns/name@1.2.0" (with the options' registry) or "REGISTRY/NS/NAME:1.2.0".
Result<oci::Reference> version_reference(const std::string& text, const RegistryOptions& registry);
// The label load_env gives `text` (the key of its schedules' state), without loading it.
Result<std::string> env_label(const std::string& text, const RegistryOptions& registry);
// Loads a draft, or a version from the local copy (pulled from the registry when missing and
// not `offline`).
Result<LoadedEnv> load_env(const std::string& text, const RegistryOptions& registry, bool offline);
// Fetches a version from its registry and keeps the verified bytes locally.
Result<LoadedEnv> pull_env(const oci::Reference& ref, const RegistryOptions& registry);

// Reads the draft, applies `change`, and writes it back only when the result is a valid
// document: a failed edit leaves the draft as it was.
Result<void> edit_draft(const std::string& name,
                        const std::function<Result<void>(env::Document&)>& change);

}  // namespace asterai::host
