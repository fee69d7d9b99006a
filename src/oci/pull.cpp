#include "asterai/oci/pull.h"

#include "asterai/oci/media_types.h"
#include "asterai/oci/referrers.h"

namespace asterai::oci {
namespace {

std::span<const uint8_t> bytes_of(const std::string& s) {
  return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

Result<void> fetch_to_store(RegistryClient& client, LocalStore& store, const std::string& repo,
                            const Descriptor& blob, Progress* progress) {
  if (store.has_blob(blob)) {
    if (progress) {
      progress->start(blob.digest.substr(7, 12), blob.size);
      progress->finish(true);
    }
    return {};
  }
  auto writer = ASTERAI_TRY(store.blob_writer(blob));
  BlobSink sink{[&](std::span<const uint8_t> b) { return writer.write(b); },
                [&] { writer.restart(); }};
  auto fetched = client.fetch_blob(repo, blob, sink, progress);
  // The writer's own verdict (too long, digest mismatch) explains an aborted transfer best.
  if (!fetched && fetched.error().kind != ErrorKind::io) return fetched;
  return writer.commit();
}

}  // namespace

Result<Manifest> parse_component(const std::string& bytes, const Reference& ref) {
  auto m = parse_manifest(bytes);
  if (!m)
    return make_error(ErrorKind::invalid_input,
                      ref.to_string() + " is not a component: " + m.error().message);
  auto layer = wasm_layer(*m);
  if (!layer)
    return make_error(ErrorKind::invalid_input, ref.to_string() + ": " + layer.error().message);
  return m;
}

Result<PullResult> pull(RegistryClient& client, LocalStore& store, const Reference& ref,
                        const PullOptions& options) {
  auto lock = ASTERAI_TRY(store.lock_for_writing());
  const auto& repo = ref.repository;
  auto fetched = ASTERAI_TRY(client.get_manifest(repo, ref.identifier()));
  auto manifest = ASTERAI_TRY(parse_component(fetched.bytes, ref));
  if (options.before_store) ASTERAI_TRY(options.before_store(fetched.digest));
  PullResult result;
  result.digest = fetched.digest;
  result.wasm = *wasm_layer(manifest);
  ASTERAI_TRY(fetch_to_store(client, store, repo, manifest.config, nullptr));
  ASTERAI_TRY(fetch_to_store(client, store, repo, result.wasm, options.progress));
  Descriptor md;
  md.media_type = fetched.media_type.empty() ? manifest.media_type : fetched.media_type;
  md.digest = fetched.digest;
  md.size = fetched.bytes.size();
  md.artifact_type = manifest.effective_artifact_type();
  ASTERAI_TRY(store.put_blob(md, bytes_of(fetched.bytes)));

  if (options.referrers) {
    for (std::string_view type : {kWitArtifact, kToolsArtifact}) {
      auto found = list_referrers(client, repo, fetched.digest, std::string(type));
      if (!found) {
        result.warnings.push_back("could not list " + std::string(type) +
                                  " referrers: " + found.error().message);
        continue;
      }
      for (const auto& d : *found) {
        auto stored = [&]() -> Result<void> {
          auto rm = ASTERAI_TRY(client.get_manifest(repo, d.digest));
          auto rman = ASTERAI_TRY(parse_manifest(rm.bytes));
          ASTERAI_TRY(fetch_to_store(client, store, repo, rman.config, nullptr));
          for (const auto& l : rman.layers)
            ASTERAI_TRY(fetch_to_store(client, store, repo, l, nullptr));
          Descriptor rd{
              std::string(kImageManifest), d.digest, rm.bytes.size(), std::string(type), {}};
          ASTERAI_TRY(store.put_blob(rd, bytes_of(rm.bytes)));
          return store.add(StoreEntry{"", rd, fetched.digest});
        }();
        if (stored)
          ++result.referrers;
        else
          result.warnings.push_back("referrer " + d.digest + ": " + stored.error().message);
      }
    }
  }
  ASTERAI_TRY(store.add(StoreEntry{ref.to_string(), md, ""}));
  result.wasm_path = store.blob_path(result.wasm.digest);
  return result;
}

Result<PullResult> find_local(const LocalStore& store, const Reference& ref) {
  auto entry = ASTERAI_TRY(store.find(ref));
  if (!entry)
    return make_error(ErrorKind::not_found, ref.to_string() +
                                                " is not in the local store; run `asterai pull " +
                                                ref.to_string() + "` (or drop --offline)");
  auto bytes = ASTERAI_TRY(store.read_blob(entry->manifest.digest));
  auto manifest = ASTERAI_TRY(parse_component(std::string(bytes.begin(), bytes.end()), ref));
  PullResult result;
  result.digest = entry->manifest.digest;
  result.wasm = *wasm_layer(manifest);
  if (!store.has_blob(result.wasm))
    return make_error(ErrorKind::not_found, "the local store lost the wasm of " + ref.to_string() +
                                                "; run `asterai pull " + ref.to_string() + "`");
  result.wasm_path = store.blob_path(result.wasm.digest);
  return result;
}

}  // namespace asterai::oci
