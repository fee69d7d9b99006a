// The media and artifact types asterai reads and writes (DESIGN.md, "Artifacts").
#pragma once

#include <string_view>

namespace asterai::oci {

inline constexpr std::string_view kImageManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view kImageIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view kDockerManifest =
    "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view kEmptyConfig = "application/vnd.oci.empty.v1+json";

// The CNCF "Wasm OCI artifact" layout: this config, exactly one layer of this type.
inline constexpr std::string_view kWasmConfig = "application/vnd.wasm.config.v0+json";
inline constexpr std::string_view kWasmLayer = "application/wasm";

// Referrers asterai attaches to a component manifest.
inline constexpr std::string_view kWitArtifact = "application/vnd.asterai.wit.v1+text";
inline constexpr std::string_view kWitLayer = "text/plain";
inline constexpr std::string_view kToolsArtifact = "application/vnd.asterai.tools.v1+json";
inline constexpr std::string_view kToolsLayer = "application/json";

// Annotation keys (image-spec "Pre-Defined Annotation Keys").
inline constexpr std::string_view kAnnotationTitle = "org.opencontainers.image.title";
inline constexpr std::string_view kAnnotationDescription = "org.opencontainers.image.description";
inline constexpr std::string_view kAnnotationVersion = "org.opencontainers.image.version";
inline constexpr std::string_view kAnnotationSource = "org.opencontainers.image.source";
inline constexpr std::string_view kAnnotationLicenses = "org.opencontainers.image.licenses";
inline constexpr std::string_view kAnnotationCreated = "org.opencontainers.image.created";
inline constexpr std::string_view kAnnotationRefName = "org.opencontainers.image.ref.name";

// Manifests larger than this are refused (the registry's own limit, dist-spec guidance).
inline constexpr size_t kMaxManifestBytes = 4 << 20;

}  // namespace asterai::oci
