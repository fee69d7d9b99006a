#include "asterai/env/artifact.h"

#include <nlohmann/json.hpp>

#include "asterai/env/document.h"
#include "asterai/oci/digest.h"
#include "asterai/oci/media_types.h"

namespace asterai::env {
namespace {

std::vector<uint8_t> to_bytes(std::string_view s) {
  return {s.begin(), s.end()};
}

}  // namespace

oci::Artifact build_environment_artifact(const std::string& document, const std::string& version) {
  // image-spec 1.1 "empty descriptor": the two bytes `{}`.
  oci::Blob config = oci::make_blob(std::string(oci::kEmptyConfig), to_bytes("{}"));
  oci::Blob layer = oci::make_blob(std::string(kEnvironmentArtifact), to_bytes(document),
                                   {{std::string(oci::kAnnotationTitle), "environment.toml"}});
  nlohmann::json manifest = {{"schemaVersion", 2},
                             {"mediaType", oci::kImageManifest},
                             {"artifactType", kEnvironmentArtifact},
                             {"config", config.descriptor.to_json()},
                             {"layers", {layer.descriptor.to_json()}},
                             {"annotations",
                              {{std::string(oci::kAnnotationVersion), version},
                               {std::string(oci::kAnnotationCreated), oci::rfc3339_now()}}}};
  oci::Artifact a;
  a.media_type = std::string(oci::kImageManifest);
  a.bytes = manifest.dump();
  a.digest = oci::sha256_digest(a.bytes);
  a.blobs.push_back(std::move(config));
  a.blobs.push_back(std::move(layer));
  return a;
}

Result<void> check_version_free(oci::RegistryClient& client, const oci::Reference& ref) {
  if (ref.tag.empty() || !oci::parse_version(ref.tag))
    return make_error(ErrorKind::usage,
                      "an environment is pushed under a semver version, not \"" + ref.tag + "\"");
  // Checked before anything is uploaded: a version, once pushed, never changes (on any
  // registry; asterai's registry refuses it too).
  if (auto existing = ASTERAI_TRY(client.resolve(ref.repository, ref.tag)))
    return make_error(ErrorKind::conflict,
                      ref.to_string() + " already exists (" + existing->digest +
                          "); pushed versions are immutable: push a new version");
  return {};
}

Result<PushedEnvironment> push_environment(oci::RegistryClient& client, const oci::Reference& ref,
                                           const std::string& document) {
  // A local component exists on one machine only: a version naming one could not be used
  // anywhere else.
  if (has_local_components(ASTERAI_TRY(parse_document(document, ref.to_string()))))
    return make_error(ErrorKind::invalid_input,
                      ref.to_string() +
                          ": the document names a local component; publish it "
                          "and pin it by digest first");
  ASTERAI_TRY(check_version_free(client, ref));
  auto artifact = build_environment_artifact(document, ref.tag);
  for (const auto& blob : artifact.blobs)
    ASTERAI_TRY(client.push_blob(ref.repository, blob, nullptr));
  auto pushed = ASTERAI_TRY(
      client.put_manifest(ref.repository, ref.tag, artifact.media_type, artifact.bytes));
  return PushedEnvironment{pushed.digest, artifact.blobs[1].descriptor.digest};
}

Result<FetchedEnvironment> fetch_environment(oci::RegistryClient& client,
                                             const oci::Reference& ref) {
  auto fetched = ASTERAI_TRY(client.get_manifest(ref.repository, ref.identifier()));
  auto manifest = ASTERAI_TRY(oci::parse_manifest(fetched.bytes));
  if (manifest.artifact_type != kEnvironmentArtifact || manifest.layers.size() != 1 ||
      manifest.layers[0].media_type != kEnvironmentArtifact)
    return make_error(ErrorKind::invalid_input,
                      ref.to_string() + " is not an asterai environment (artifact type " +
                          manifest.effective_artifact_type() + ")");
  const auto& layer = manifest.layers[0];
  if (layer.size > (1u << 20))
    return make_error(ErrorKind::too_large,
                      ref.to_string() + ": the environment document is over 1 MiB");
  FetchedEnvironment out;
  oci::BlobSink sink{[&](std::span<const uint8_t> b) {
                       out.bytes.append(reinterpret_cast<const char*>(b.data()), b.size());
                       return out.bytes.size() <= layer.size;
                     },
                     [&] { out.bytes.clear(); }};
  ASTERAI_TRY(client.fetch_blob(ref.repository, layer, sink, nullptr));
  if (oci::sha256_digest(out.bytes) != layer.digest)
    return make_error(ErrorKind::digest_invalid,
                      ref.to_string() + ": the document does not match its digest " + layer.digest);
  out.manifest_digest = fetched.digest.empty() ? oci::sha256_digest(fetched.bytes) : fetched.digest;
  out.layer_digest = layer.digest;
  return out;
}

Result<std::optional<oci::Version>> latest_version(oci::RegistryClient& client,
                                                   const std::string& repository) {
  auto tags = client.list_tags(repository);
  if (!tags) {
    // A repository that does not exist yet has no versions.
    if (tags.error().kind == ErrorKind::not_found) return std::optional<oci::Version>();
    return tl::unexpected(tags.error());
  }
  std::optional<oci::Version> best;
  for (const auto& t : *tags) {
    auto v = oci::parse_version(t);
    // Pre-releases are pushed with explicit versions and never the base of a bump.
    if (v && v->prerelease.empty() && (!best || oci::compare_versions(*v, *best) > 0)) best = v;
  }
  return best;
}

std::string version_string(const oci::Version& v) {
  std::string s =
      std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
  return v.prerelease.empty() ? s : s + "-" + v.prerelease;
}

}  // namespace asterai::env
