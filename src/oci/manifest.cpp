#include "asterai/oci/manifest.h"

#include <cstdlib>
#include <ctime>

#include "asterai/oci/digest.h"
#include "asterai/oci/media_types.h"

namespace asterai::oci {
namespace {

using nlohmann::json;

std::vector<uint8_t> to_bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

Artifact finish(std::string media_type, const json& manifest, std::vector<Blob> blobs) {
  Artifact a;
  a.media_type = std::move(media_type);
  a.bytes = manifest.dump();
  a.digest = sha256_digest(a.bytes);
  a.blobs = std::move(blobs);
  return a;
}

Error invalid(std::string_view where, const std::string& what) {
  return Error{ErrorKind::invalid_input, std::string(where) + ": " + what, {}};
}

}  // namespace

json Descriptor::to_json() const {
  json j = {{"mediaType", media_type}, {"digest", digest}, {"size", size}};
  if (!artifact_type.empty()) j["artifactType"] = artifact_type;
  if (!annotations.empty()) j["annotations"] = annotations;
  return j;
}

Result<Descriptor> parse_descriptor(const json& j, std::string_view where) {
  if (!j.is_object()) return tl::unexpected(invalid(where, "a descriptor must be an object"));
  Descriptor d;
  if (!j.contains("mediaType") || !j["mediaType"].is_string())
    return tl::unexpected(invalid(where, "mediaType missing"));
  d.media_type = j["mediaType"].get<std::string>();
  if (!j.contains("digest") || !j["digest"].is_string() ||
      !is_valid_digest(j["digest"].get<std::string>()))
    return tl::unexpected(invalid(where, "digest missing or not sha256:<hex>"));
  d.digest = j["digest"].get<std::string>();
  if (!j.contains("size") || !j["size"].is_number_unsigned())
    return tl::unexpected(invalid(where, "size missing or negative"));
  d.size = j["size"].get<uint64_t>();
  if (j.contains("artifactType") && j["artifactType"].is_string())
    d.artifact_type = j["artifactType"].get<std::string>();
  if (j.contains("annotations") && j["annotations"].is_object()) {
    for (const auto& [k, v] : j["annotations"].items())
      if (v.is_string()) d.annotations[k] = v.get<std::string>();
  }
  return d;
}

Blob make_blob(std::string media_type, std::vector<uint8_t> bytes,
               std::map<std::string, std::string> annotations) {
  Blob b;
  b.descriptor.media_type = std::move(media_type);
  b.descriptor.digest = sha256_digest(bytes);
  b.descriptor.size = bytes.size();
  b.descriptor.annotations = std::move(annotations);
  b.bytes = std::move(bytes);
  return b;
}

Descriptor Artifact::descriptor() const {
  Descriptor d;
  d.media_type = media_type;
  d.digest = digest;
  d.size = bytes.size();
  return d;
}

Artifact build_component_artifact(std::vector<uint8_t> wasm, const ComponentInfo& info,
                                  const ComponentMetadata& meta) {
  Blob layer = make_blob(std::string(kWasmLayer), std::move(wasm));
  if (!meta.title.empty())
    layer.descriptor.annotations[std::string(kAnnotationTitle)] = meta.title + ".wasm";
  json config = {{"created", meta.created},
                 {"architecture", "wasm"},
                 {"os", "wasip2"},
                 {"layerDigests", {layer.descriptor.digest}},
                 {"component",
                  {{"exports", info.exports},
                   {"imports", info.imports},
                   {"target", info.target.empty() ? json(nullptr) : json(info.target)}}}};
  if (!meta.author.empty()) config["author"] = meta.author;
  Blob config_blob = make_blob(std::string(kWasmConfig), to_bytes(config.dump()));
  std::map<std::string, std::string> annotations;
  auto put = [&](std::string_view key, const std::string& value) {
    if (!value.empty()) annotations[std::string(key)] = value;
  };
  put(kAnnotationTitle, meta.title);
  put(kAnnotationDescription, meta.description);
  put(kAnnotationVersion, meta.version);
  put(kAnnotationSource, meta.source);
  put(kAnnotationLicenses, meta.licenses);
  put(kAnnotationCreated, meta.created);
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kImageManifest},
                   {"config", config_blob.descriptor.to_json()},
                   {"layers", {layer.descriptor.to_json()}}};
  if (!annotations.empty()) manifest["annotations"] = annotations;
  std::vector<Blob> blobs;
  blobs.push_back(std::move(config_blob));
  blobs.push_back(std::move(layer));
  return finish(std::string(kImageManifest), manifest, std::move(blobs));
}

Artifact build_referrer(std::string_view artifact_type, const Descriptor& subject,
                        std::vector<Blob> layers, std::map<std::string, std::string> annotations) {
  // image-spec 1.1 "empty descriptor": the two bytes `{}`.
  Blob config = make_blob(std::string(kEmptyConfig), to_bytes("{}"));
  json manifest = {{"schemaVersion", 2},
                   {"mediaType", kImageManifest},
                   {"artifactType", artifact_type},
                   {"config", config.descriptor.to_json()},
                   {"layers", json::array()},
                   {"subject", subject.to_json()}};
  for (const auto& l : layers) manifest["layers"].push_back(l.descriptor.to_json());
  if (!annotations.empty()) manifest["annotations"] = annotations;
  std::vector<Blob> blobs;
  blobs.push_back(std::move(config));
  for (auto& l : layers) blobs.push_back(std::move(l));
  return finish(std::string(kImageManifest), manifest, std::move(blobs));
}

std::string Manifest::effective_artifact_type() const {
  return artifact_type.empty() ? config.media_type : artifact_type;
}

Result<Manifest> parse_manifest(std::string_view bytes) {
  json j = json::parse(bytes, nullptr, false);
  if (!j.is_object()) return tl::unexpected(invalid("manifest", "not a JSON object"));
  Manifest m;
  if (j.contains("mediaType") && j["mediaType"].is_string())
    m.media_type = j["mediaType"].get<std::string>();
  if (m.media_type.empty()) m.media_type = std::string(kImageManifest);
  if (m.media_type == kImageIndex || j.contains("manifests"))
    return tl::unexpected(invalid("manifest", "an image index, not an image manifest"));
  if (m.media_type != kImageManifest && m.media_type != kDockerManifest)
    return tl::unexpected(invalid("manifest", "unsupported media type " + m.media_type));
  if (j.contains("artifactType") && j["artifactType"].is_string())
    m.artifact_type = j["artifactType"].get<std::string>();
  if (!j.contains("config")) return tl::unexpected(invalid("manifest", "config missing"));
  m.config = ASTERAI_TRY(parse_descriptor(j["config"], "manifest config"));
  if (!j.contains("layers") || !j["layers"].is_array())
    return tl::unexpected(invalid("manifest", "layers missing"));
  for (const auto& l : j["layers"]) m.layers.push_back(ASTERAI_TRY(parse_descriptor(l, "layer")));
  if (j.contains("subject")) m.subject = ASTERAI_TRY(parse_descriptor(j["subject"], "subject"));
  if (j.contains("annotations") && j["annotations"].is_object()) {
    for (const auto& [k, v] : j["annotations"].items())
      if (v.is_string()) m.annotations[k] = v.get<std::string>();
  }
  return m;
}

Result<Descriptor> wasm_layer(const Manifest& manifest) {
  const Descriptor* found = nullptr;
  for (const auto& l : manifest.layers) {
    if (l.media_type != kWasmLayer) continue;
    if (found)
      return make_error(ErrorKind::invalid_input,
                        "the manifest has several application/wasm layers; a component has one");
    found = &l;
  }
  if (!found)
    return make_error(ErrorKind::invalid_input,
                      "not a WebAssembly component artifact: no application/wasm layer "
                      "(artifact type " +
                          manifest.effective_artifact_type() + ")");
  return *found;
}

Result<std::vector<Descriptor>> parse_index(std::string_view bytes) {
  json j = json::parse(bytes, nullptr, false);
  if (!j.is_object() || !j.contains("manifests") || !j["manifests"].is_array())
    return tl::unexpected(invalid("index", "not an image index"));
  std::vector<Descriptor> out;
  for (const auto& m : j["manifests"]) out.push_back(ASTERAI_TRY(parse_descriptor(m, "index")));
  return out;
}

std::string build_index(const std::vector<Descriptor>& manifests) {
  json j = {{"schemaVersion", 2}, {"mediaType", kImageIndex}, {"manifests", json::array()}};
  for (const auto& m : manifests) j["manifests"].push_back(m.to_json());
  return j.dump();
}

std::string rfc3339_now() {
  std::time_t t = std::time(nullptr);
  if (const char* epoch = std::getenv("SOURCE_DATE_EPOCH"); epoch && *epoch)
    t = static_cast<std::time_t>(std::strtoll(epoch, nullptr, 10));
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace asterai::oci
