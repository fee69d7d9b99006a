// OCI descriptors, image manifests and indexes: building asterai's artifacts (the component
// in the CNCF Wasm layout, the WIT and tools referrers) and parsing what registries return.
// Manifests are serialized once and pushed as exactly those bytes (their digest).
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::oci {

struct Descriptor {
  std::string media_type;
  std::string digest;
  uint64_t size = 0;
  std::string artifact_type;  // optional
  std::map<std::string, std::string> annotations;

  nlohmann::json to_json() const;
};

Result<Descriptor> parse_descriptor(const nlohmann::json& j, std::string_view where);

// A blob with its descriptor, as pushed or stored.
struct Blob {
  Descriptor descriptor;
  std::vector<uint8_t> bytes;
};
Blob make_blob(std::string media_type, std::vector<uint8_t> bytes,
               std::map<std::string, std::string> annotations = {});

// A manifest ready to push: its exact bytes, digest and the blobs it references.
struct Artifact {
  std::string media_type;
  std::string bytes;
  std::string digest;
  std::vector<Blob> blobs;

  Descriptor descriptor() const;
};

// What the component config records (`component` in the CNCF config JSON).
struct ComponentInfo {
  std::vector<std::string> exports;
  std::vector<std::string> imports;
  std::string target;  // "ns:pkg/world@version" when known
};

// Manifest annotations and config fields; empty values are left out.
struct ComponentMetadata {
  std::string title;
  std::string description;
  std::string version;
  std::string source;
  std::string licenses;
  std::string author;
  std::string created;  // RFC 3339
};

// The component: an image manifest with config `application/vnd.wasm.config.v0+json` and
// exactly one `application/wasm` layer (the CNCF Wasm OCI artifact layout).
Artifact build_component_artifact(std::vector<uint8_t> wasm, const ComponentInfo& info,
                                  const ComponentMetadata& meta);

// A referrer: `artifactType`, the empty config, `subject` = the component manifest.
Artifact build_referrer(std::string_view artifact_type, const Descriptor& subject,
                        std::vector<Blob> layers, std::map<std::string, std::string> annotations);

struct Manifest {
  std::string media_type;
  std::string artifact_type;
  Descriptor config;
  std::vector<Descriptor> layers;
  std::optional<Descriptor> subject;
  std::map<std::string, std::string> annotations;

  // artifactType, else the config media type (how the referrers API reports it).
  std::string effective_artifact_type() const;
};

// Parses an image manifest (OCI or Docker v2); anything else is invalid-input.
Result<Manifest> parse_manifest(std::string_view bytes);
// The single `application/wasm` layer of a component manifest.
Result<Descriptor> wasm_layer(const Manifest& manifest);

// Image index: only the `manifests` list matters here (referrers answers, the tag fallback).
Result<std::vector<Descriptor>> parse_index(std::string_view bytes);
std::string build_index(const std::vector<Descriptor>& manifests);

// "2026-11-24T22:01:41Z": now, or $SOURCE_DATE_EPOCH for reproducible builds.
std::string rfc3339_now();

}  // namespace asterai::oci
