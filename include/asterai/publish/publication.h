// Turning a component file into a registry publication: the component artifact, its WIT
// referrer and its tools referrer, ready for oci::publish. Shared by `asterai push` and by
// `asterai env push` (an environment's local members are published first).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "asterai/common/error.h"
#include "asterai/oci/publish.h"
#include "asterai/oci/reference.h"
#include "asterai/project/project.h"
#include "asterai/runtime/runtime.h"

namespace asterai::publish {

// Where the WIT referrer's files come from.
enum class WitSource {
  folder,     // a WIT folder: `--wit DIR`, or the project the component belongs to
  component,  // read back from the component's own type information (no project applies)
  none,       // `--no-wit`
};

struct PublicationInputs {
  std::filesystem::path wasm;
  oci::Reference ref;                        // registry/ns/name:version
  std::optional<std::filesystem::path> wit;  // an explicit WIT folder
  bool no_wit = false;
  // Annotations; empty ones default to the owning project's (asterai.toml), the author to
  // the namespace.
  std::string description, license, source, author;
};

struct Publication {
  oci::PublishRequest request;  // move_latest, visibility and progress are the caller's
  WitSource wit_source = WitSource::none;
  std::filesystem::path wit_folder;  // with WitSource::folder
};

// The project a component file belongs to: the nearest asterai.toml in the file's folder or
// above it. None when there is none; an error when that file is broken.
Result<std::optional<project::Project>> project_of(const std::filesystem::path& wasm);

// Loads the component as the runtime will (a core module or a broken file is refused before
// anything is uploaded) and builds everything that is published for it.
Result<Publication> prepare_publication(const runtime::Runtime& runtime,
                                        const PublicationInputs& inputs);

}  // namespace asterai::publish
