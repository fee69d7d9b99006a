#include "asterai/oci/component_view.h"

#include "asterai/oci/media_types.h"
#include "asterai/oci/pull.h"
#include "asterai/oci/referrers.h"
#include "asterai/oci/semver.h"
#include "json_fields.h"

namespace asterai::oci {
namespace {

using nlohmann::json;

// Bounds on what a view reads: a config, one WIT file, one tools document.
constexpr size_t kMaxConfigBytes = 1 << 20;
constexpr size_t kMaxWitFileBytes = 1 << 20;
constexpr size_t kMaxToolsBytes = 4 << 20;

// The registry's "no" for a manifest, as one line about the reference: asterai's registry
// answers a private repository exactly like a missing one, so both are said.
Error missing(const Error& e, const RegistryClient& client, const Reference& ref) {
  std::string what = ref.to_string();
  std::string tags_hint = "`asterai tags " + ref.name() +
                          "` lists its versions, `asterai search --registry " + ref.registry +
                          " WORDS` finds components";
  if (e.kind == ErrorKind::not_found)
    return {ErrorKind::not_found, what + " does not exist; " + tags_hint, {}};
  if (e.kind == ErrorKind::unauthorized && !client.has_credentials())
    return {ErrorKind::not_found,
            what +
                " does not exist or is private; to see your private components, run "
                "`asterai login " +
                ref.registry + "`",
            {}};
  if (e.kind == ErrorKind::denied)
    return {ErrorKind::not_found,
            what + " does not exist or is private to another account; " + tags_hint,
            {}};
  return e;
}

// The config's `component` section (manifest.h ComponentInfo); an empty one when absent.
Result<ComponentInfo> read_info(RegistryClient& client, const std::string& repo,
                                const Descriptor& config) {
  ComponentInfo info;
  auto text = ASTERAI_TRY(client.fetch_small_blob(repo, config, kMaxConfigBytes));
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || !j.contains("component") || !j["component"].is_object()) return info;
  const auto& c = j["component"];
  info.exports = strings_field(c, "exports");
  info.imports = strings_field(c, "imports");
  info.target = string_field(c, "target");
  return info;
}

// The layers of the first referrer of `artifact_type`, or none when there is no referrer.
Result<std::vector<std::pair<Descriptor, std::string>>> referrer_layers(
    RegistryClient& client, const std::string& repo, const std::string& subject,
    std::string_view artifact_type, size_t max_layer_bytes) {
  std::vector<std::pair<Descriptor, std::string>> out;
  auto found = ASTERAI_TRY(list_referrers(client, repo, subject, std::string(artifact_type)));
  if (found.empty()) return out;
  auto fetched = ASTERAI_TRY(client.get_manifest(repo, found.front().digest));
  auto manifest = ASTERAI_TRY(parse_manifest(fetched.bytes));
  for (const auto& layer : manifest.layers)
    out.emplace_back(layer, ASTERAI_TRY(client.fetch_small_blob(repo, layer, max_layer_bytes)));
  return out;
}

Result<std::vector<WitSource>> read_wit(RegistryClient& client, const std::string& repo,
                                        const std::string& subject) {
  std::vector<WitSource> out;
  auto layers = ASTERAI_TRY(referrer_layers(client, repo, subject, kWitArtifact, kMaxWitFileBytes));
  for (auto& [layer, text] : layers) {
    auto title = layer.annotations.find(std::string(kAnnotationTitle));
    out.push_back(
        {title == layer.annotations.end() ? layer.digest : title->second, std::move(text)});
  }
  return out;
}

// The tools document is `{"tools": [...]}` or, from other publishers, a bare array.
Result<json> read_tools(RegistryClient& client, const std::string& repo,
                        const std::string& subject) {
  auto layers = ASTERAI_TRY(referrer_layers(client, repo, subject, kToolsArtifact, kMaxToolsBytes));
  json tools = json::array();
  for (const auto& [layer, text] : layers) {
    json doc = json::parse(text, nullptr, false);
    const json* list = doc.is_object() && doc.contains("tools") ? &doc["tools"] : &doc;
    if (!list->is_array())
      return make_error(ErrorKind::invalid_input,
                        "the tools document " + layer.digest + " is not a list of tools");
    for (const auto& t : *list)
      if (t.is_object() && t.contains("name") && t["name"].is_string()) tools.push_back(t);
  }
  return tools;
}

}  // namespace

std::string ComponentView::description() const {
  auto it = annotations.find(std::string(kAnnotationDescription));
  return it == annotations.end() ? std::string() : it->second;
}

Result<ComponentView> view_component(RegistryClient& client, const Reference& ref) {
  const std::string& repo = ref.repository;
  auto fetched = client.get_manifest(repo, ref.identifier());
  if (!fetched) return tl::unexpected(missing(fetched.error(), client, ref));
  auto manifest = ASTERAI_TRY(parse_component(fetched->bytes, ref));

  ComponentView view;
  view.ref = ref;
  view.digest = fetched->digest;
  view.wasm = *wasm_layer(manifest);
  view.annotations = manifest.annotations;
  auto tags = ASTERAI_TRY(client.list_tags(repo));
  std::erase_if(tags, is_fallback_tag);
  view.versions = sort_tags(std::move(tags));
  view.latest = newest_version(view.versions);

  if (auto info = read_info(client, repo, manifest.config))
    view.info = std::move(*info);
  else
    view.warnings.push_back("could not read the config: " + info.error().message);
  if (auto wit = read_wit(client, repo, view.digest))
    view.wit = std::move(*wit);
  else
    view.warnings.push_back("could not read the WIT referrer: " + wit.error().message);
  if (auto tools = read_tools(client, repo, view.digest))
    view.tools = std::move(*tools);
  else
    view.warnings.push_back("could not read the tools referrer: " + tools.error().message);
  return view;
}

}  // namespace asterai::oci
