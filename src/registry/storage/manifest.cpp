#include "asterai/registry/storage/manifest.h"

#include <nlohmann/json.hpp>

#include "asterai/registry/digest.h"

namespace asterai::registry {
namespace {

using nlohmann::json;

constexpr std::string_view kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr std::string_view kDockerList =
    "application/vnd.docker.distribution.manifest.list.v2+json";
// Withdrawn before OCI 1.1 final but still pushed by older clients.
constexpr std::string_view kOciArtifact = "application/vnd.oci.artifact.manifest.v1+json";

tl::unexpected<Error> invalid(std::string message, std::string path = {}) {
  return make_error(ErrorKind::invalid_input, std::move(message), std::move(path));
}

Result<Descriptor> parse_descriptor(const json& j, const std::string& path) {
  if (!j.is_object()) return invalid("expected a descriptor object", path);
  auto mt = j.find("mediaType");
  auto dg = j.find("digest");
  auto sz = j.find("size");
  if (mt == j.end() || !mt->is_string())
    return invalid("descriptor needs a string mediaType", path);
  if (dg == j.end() || !dg->is_string() || !parse_digest(dg->get<std::string>())) {
    return invalid("descriptor needs a valid digest", path);
  }
  if (sz == j.end() || !sz->is_number_unsigned())
    return invalid("descriptor needs a non-negative size", path);
  return Descriptor{mt->get<std::string>(), dg->get<std::string>(), sz->get<uint64_t>()};
}

Result<std::vector<Descriptor>> parse_list(const json& doc, const char* key, bool required) {
  std::vector<Descriptor> out;
  auto it = doc.find(key);
  if (it == doc.end()) {
    if (required) return invalid(std::string("missing ") + key);
    return out;
  }
  if (!it->is_array()) return invalid(std::string(key) + " must be an array");
  for (size_t i = 0; i < it->size(); ++i) {
    out.push_back(
        ASTERAI_TRY(parse_descriptor((*it)[i], std::string(key) + "[" + std::to_string(i) + "]")));
  }
  return out;
}

Result<std::string> decide_media_type(const json& doc, std::string_view content_type) {
  std::string declared;
  if (auto it = doc.find("mediaType"); it != doc.end()) {
    if (!it->is_string()) return invalid("mediaType must be a string");
    declared = it->get<std::string>();
  }
  std::string header(content_type.substr(0, content_type.find(';')));
  if (!declared.empty() && !header.empty() && declared != header) {
    return invalid("Content-Type " + header + " contradicts mediaType " + declared);
  }
  std::string type = declared.empty() ? header : declared;
  if (type.empty()) {
    // An OCI manifest may omit mediaType; infer it from its shape.
    type = std::string(doc.contains("manifests") ? kOciIndex : kOciManifest);
  }
  for (auto known : {kOciManifest, kOciIndex, kDockerManifest, kDockerList, kOciArtifact}) {
    if (type == known) return type;
  }
  return invalid("unsupported manifest media type " + type);
}

}  // namespace

Result<ParsedManifest> parse_manifest(std::string_view bytes, std::string_view content_type) {
  if (bytes.size() > kMaxManifestBytes)
    return make_error(ErrorKind::too_large, "manifest larger than 4 MiB");
  json doc = json::parse(bytes, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) return invalid("manifest is not a JSON object");
  ParsedManifest m;
  m.media_type = ASTERAI_TRY(decide_media_type(doc, content_type));
  if (m.media_type != kOciArtifact) {
    auto sv = doc.find("schemaVersion");
    if (sv == doc.end() || !sv->is_number_integer() || sv->get<int>() != 2)
      return invalid("schemaVersion must be 2");
  }
  m.is_index = m.media_type == kOciIndex || m.media_type == kDockerList;
  if (m.is_index) {
    m.manifests = ASTERAI_TRY(parse_list(doc, "manifests", true));
  } else if (m.media_type == kOciArtifact) {
    m.blobs = ASTERAI_TRY(parse_list(doc, "blobs", false));
  } else {
    auto config = doc.find("config");
    if (config == doc.end()) return invalid("missing config");
    Descriptor c = ASTERAI_TRY(parse_descriptor(*config, "config"));
    m.artifact_type = c.media_type;
    m.blobs.push_back(std::move(c));
    auto layers = ASTERAI_TRY(parse_list(doc, "layers", true));
    m.blobs.insert(m.blobs.end(), layers.begin(), layers.end());
  }
  if (auto it = doc.find("artifactType"); it != doc.end()) {
    if (!it->is_string()) return invalid("artifactType must be a string");
    m.artifact_type = it->get<std::string>();
  }
  if (auto it = doc.find("subject"); it != doc.end()) {
    m.subject = ASTERAI_TRY(parse_descriptor(*it, "subject")).digest;
  }
  if (auto it = doc.find("annotations"); it != doc.end()) {
    if (!it->is_object()) return invalid("annotations must be an object");
    for (auto& [k, v] : it->items()) {
      if (!v.is_string()) return invalid("annotation values must be strings", "annotations." + k);
    }
    m.annotations = it->dump();
  }
  return m;
}

}  // namespace asterai::registry
