#include "asterai/host/environment.h"

#include <cstdlib>

#include "asterai/env/artifact.h"
#include "asterai/env/local.h"
#include "asterai/host/registry_access.h"

namespace asterai::host {

Result<std::string> RegistryOptions::registry_host() const {
  if (!registry.empty()) return registry;
  if (const char* r = std::getenv("ASTERAI_REGISTRY"); r && *r) return std::string(r);
  return make_error(ErrorKind::usage,
                    "no registry given: pass --registry HOST or set ASTERAI_REGISTRY");
}

std::optional<std::string> draft_name(const std::string& text) {
  if (env::is_valid_env_name(text)) return text;
  return std::nullopt;
}

Result<oci::Reference> version_reference(const std::string& text, const RegistryOptions& registry) {
  std::string full = text;
  if (auto at = text.find('@'); at != std::string::npos &&
                                text.compare(at + 1, 7, "sha256:") != 0 &&
                                draft_name(text.substr(0, at))) {
    full = ASTERAI_TRY(registry.registry_host()) + "/" + text.substr(0, at) + ":" +
           text.substr(at + 1);
  }
  auto ref = oci::parse_reference(full);
  if (!ref || !oci::looks_like_reference(full))
    return make_error(ErrorKind::usage,
                      "\"" + text +
                          "\" is neither a draft (NS/NAME) nor a version (NS/NAME@1.2.0 or "
                          "REGISTRY/NS/NAME:1.2.0)");
  return *ref;
}

Result<std::string> env_label(const std::string& text, const RegistryOptions& registry) {
  if (auto name = draft_name(text)) return *name;
  return ASTERAI_TRY(version_reference(text, registry)).to_string();
}

Result<LoadedEnv> pull_env(const oci::Reference& ref, const RegistryOptions& registry) {
  auto client = ASTERAI_TRY(make_client(ref.registry, registry.plain_http));
  auto fetched = ASTERAI_TRY(env::fetch_environment(client, ref));
  LoadedEnv out;
  out.label = ref.to_string();
  out.doc = ASTERAI_TRY(env::parse_document(fetched.bytes, out.label));
  if (env::has_local_components(out.doc))
    return make_error(ErrorKind::invalid_input,
                      out.label + " names a local component, which no pushed version may");
  if (!ref.tag.empty()) {
    auto saved = ASTERAI_TRY(env::LocalEnvs::open_default().save_pulled(
        ref, fetched.manifest_digest, fetched.layer_digest, fetched.bytes));
    out.source = saved.path.string();
  }
  out.text = std::move(fetched.bytes);
  out.ref = ref;
  out.layer_digest = fetched.layer_digest;
  out.manifest_digest = fetched.manifest_digest;
  return out;
}

Result<LoadedEnv> load_env(const std::string& text, const RegistryOptions& registry, bool offline) {
  auto local = env::LocalEnvs::open_default();
  if (auto name = draft_name(text)) {
    LoadedEnv out;
    out.label = *name;
    out.source = local.draft_path(*name).string();
    out.text = ASTERAI_TRY(local.read_draft(*name));
    out.doc = ASTERAI_TRY(env::parse_document(out.text, out.source));
    return out;
  }
  auto ref = ASTERAI_TRY(version_reference(text, registry));
  if (auto found = ASTERAI_TRY(local.find_pulled(ref))) {
    LoadedEnv out;
    out.label = ref.to_string();
    out.source = found->first.path.string();
    out.text = std::move(found->second);
    out.doc = ASTERAI_TRY(env::parse_document(out.text, out.source));
    out.ref = ref;
    out.layer_digest = found->first.layer_digest;
    out.manifest_digest = found->first.manifest_digest;
    return out;
  }
  if (offline)
    return make_error(
        ErrorKind::not_found,
        ref.to_string() + " was never pulled (run `asterai env pull " + ref.to_string() + "`)");
  return pull_env(ref, registry);
}

Result<void> edit_draft(const std::string& name,
                        const std::function<Result<void>(env::Document&)>& change) {
  auto local = env::LocalEnvs::open_default();
  auto path = local.draft_path(name).string();
  auto doc = ASTERAI_TRY(env::parse_document(ASTERAI_TRY(local.read_draft(name)), path));
  ASTERAI_TRY(change(doc));
  std::string text = env::serialize_document(doc);
  // The edited document must stand on its own (vars exist, wires name components …).
  ASTERAI_TRY(env::parse_document(text, path));
  return local.write_draft(name, text);
}

}  // namespace asterai::host
