#include "env_publish_local.h"

#include "asterai/oci/publish.h"
#include "asterai/publish/publication.h"
#include "oci_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

std::string local_digest(const env::ComponentEntry& c) {
  return c.ref.substr(oci::kLocalRefPrefix.size());
}

// The request `asterai push FILE REF --no-latest` would make for the store's copy (no project
// applies to it, so its WIT is read from the component): `latest` is left to the repository's
// own releases.
Result<oci::PublishRequest> publish_request(const std::string& local_ref, const oci::Reference& ref,
                                            const runtime::Runtime& runtime) {
  auto store = ASTERAI_TRY(open_store());
  publish::PublicationInputs in;
  in.wasm = ASTERAI_TRY(store.find_local(local_ref));
  in.ref = ref;
  auto publication = ASTERAI_TRY(publish::prepare_publication(runtime, in));
  publication.request.move_latest = false;
  return std::move(publication.request);
}

}  // namespace

Result<void> reuse_previous_pins(env::Document& doc, const env::Document& previous,
                                 const EnvRegistryFlags& flags) {
  for (auto& [name, c] : doc.components) {
    auto old = previous.components.find(name);
    if (!oci::is_local_ref(c.ref) || old == previous.components.end()) continue;
    auto pinned = oci::parse_reference(old->second.ref);
    if (!pinned || !pinned->by_digest()) continue;
    auto client = ASTERAI_TRY(make_client(pinned->registry, flags.oci));
    auto wasm = ASTERAI_TRY(oci::wasm_digest_of(client, pinned->repository, pinned->digest));
    if (wasm != local_digest(c)) continue;
    c.ref = old->second.ref;
    c.path.clear();
  }
  return {};
}

Result<std::vector<PublishedComponent>> publish_local_components(env::Document& doc,
                                                                 oci::RegistryClient& client,
                                                                 const std::string& env_base,
                                                                 const std::string& version) {
  EngineFlags engine;
  engine.many_calls = false;
  auto runtime = ASTERAI_TRY(runtime::Runtime::create(engine.to_options(false)));
  const std::string ns = env_base.substr(0, env_base.rfind('/'));  // REGISTRY/NS
  std::vector<std::pair<std::string, oci::PublishRequest>> requests;
  for (const auto& [name, c] : doc.components) {
    if (!oci::is_local_ref(c.ref)) continue;
    auto ref = oci::parse_reference(ns + "/" + name + ":" + version);
    if (!ref)
      return make_error(
          ErrorKind::invalid_input,
          "component " + name + " cannot be published under its name: " + ref.error().message);
    auto req = ASTERAI_TRY(publish_request(c.ref, *ref, *runtime));
    // A released version holding another component is refused now, before any upload.
    if (auto existing = ASTERAI_TRY(client.resolve(ref->repository, ref->tag))) {
      auto theirs = ASTERAI_TRY(oci::wasm_digest_of(client, ref->repository, existing->digest));
      if (theirs != local_digest(c))
        return make_error(ErrorKind::conflict,
                          "component " + name + ": " + ref->to_string() + " already holds " +
                              existing->digest +
                              " (another component); push the environment as another version "
                              "(--version) or rename the component");
    }
    requests.emplace_back(name, std::move(req));
  }
  std::vector<PublishedComponent> out;
  for (auto& [name, req] : requests) {
    auto result = ASTERAI_TRY(oci::publish(client, req));
    auto& c = doc.components.at(name);
    c.ref = req.ref.name() + "@" + result.digest;
    c.path.clear();
    out.push_back({name, req.ref.to_string(), result.digest, result.already_published});
  }
  return out;
}

}  // namespace asterai::cli
