#include "asterai/signing/signatures.h"

#include <nlohmann/json.hpp>
#include <set>

#include "asterai/oci/credentials.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/media_types.h"

namespace asterai::signing {
namespace {

using nlohmann::json;

constexpr std::string_view kPayloadType = "cosign container image signature";
constexpr size_t kMaxPayload = 64 << 10;

std::vector<uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

// The signature layers of one manifest, with their payloads.
Result<std::vector<oci::Blob>> signature_layers(oci::RegistryClient& client,
                                                const std::string& repo,
                                                const std::string& manifest_bytes) {
  auto manifest = oci::parse_manifest(manifest_bytes);
  if (!manifest) return std::vector<oci::Blob>();  // not ours to read: skip, not fail
  std::vector<oci::Blob> out;
  for (const auto& layer : manifest->layers) {
    if (layer.media_type != kSimpleSigningLayer || layer.size > kMaxPayload ||
        !layer.annotations.contains(std::string(kSignatureAnnotation)))
      continue;
    auto payload = ASTERAI_TRY(client.fetch_small_blob(repo, layer, kMaxPayload));
    out.push_back(oci::Blob{layer, bytes_of(payload)});
  }
  return out;
}

std::optional<FoundSignature> decode(const oci::Blob& layer) {
  auto sig = oci::base64_decode(layer.descriptor.annotations.at(std::string(kSignatureAnnotation)));
  if (!sig) return std::nullopt;
  return FoundSignature{std::string(layer.bytes.begin(), layer.bytes.end()), std::move(*sig)};
}

bool signed_by(const FoundSignature& s, const std::string& digest, const Key& key) {
  auto claimed = signed_digest(s.payload);
  return claimed && *claimed == digest && key.verify(s.payload, s.signature);
}

// The layers of the manifest at the signature tag; empty when there is none.
Result<std::vector<oci::Blob>> tagged_layers(oci::RegistryClient& client, const std::string& repo,
                                             const std::string& digest) {
  std::string tag = signature_tag(digest);
  if (!ASTERAI_TRY(client.resolve(repo, tag))) return std::vector<oci::Blob>();
  auto manifest = ASTERAI_TRY(client.get_manifest(repo, tag));
  return signature_layers(client, repo, manifest.bytes);
}

}  // namespace

std::string signature_tag(std::string_view digest) {
  std::string tag(digest);
  if (auto colon = tag.find(':'); colon != std::string::npos) tag[colon] = '-';
  return tag + ".sig";
}

std::string simple_signing_payload(std::string_view docker_reference, std::string_view digest) {
  // nlohmann orders keys alphabetically, which is also the order cosign writes them in.
  json payload = {{"critical",
                   {{"identity", {{"docker-reference", docker_reference}}},
                    {"image", {{"docker-manifest-digest", digest}}},
                    {"type", kPayloadType}}},
                  {"optional", nullptr}};
  return payload.dump();
}

Result<std::string> signed_digest(std::string_view payload) {
  // Outside input: only find() and type checks, nothing that throws.
  const json j = json::parse(payload, nullptr, false);
  auto member = [](const json* j, const char* key) -> const json* {
    if (!j || !j->is_object()) return nullptr;
    auto it = j->find(key);
    return it == j->end() ? nullptr : &*it;
  };
  const json* critical = member(&j, "critical");
  const json* type = member(critical, "type");
  const json* digest = member(member(critical, "image"), "docker-manifest-digest");
  if (!type || !type->is_string() || type->get_ref<const std::string&>() != kPayloadType ||
      !digest || !digest->is_string())
    return make_error(ErrorKind::invalid_input, "not a cosign container image signature payload");
  return digest->get<std::string>();
}

Result<SignResult> sign_manifest(oci::RegistryClient& client, const std::string& repo,
                                 const std::string& digest, const Key& key) {
  auto subject = ASTERAI_TRY(client.resolve(repo, digest));
  if (!subject)
    return make_error(ErrorKind::not_found,
                      "no manifest " + digest + " in " + client.registry() + "/" + repo);
  auto layers = ASTERAI_TRY(tagged_layers(client, repo, digest));
  for (const auto& layer : layers) {
    auto found = decode(layer);
    if (found && signed_by(*found, digest, key)) {
      auto existing = ASTERAI_TRY(client.resolve(repo, signature_tag(digest)));
      return SignResult{existing ? existing->digest : "", true};
    }
  }
  std::string payload = simple_signing_payload(client.registry() + "/" + repo, digest);
  std::string signature = ASTERAI_TRY(key.sign(payload));
  layers.push_back(
      oci::make_blob(std::string(kSimpleSigningLayer), bytes_of(payload),
                     {{std::string(kSignatureAnnotation), oci::base64_encode(signature)}}));
  auto manifest = oci::build_referrer(kSignatureArtifact, *subject, std::move(layers), {});
  for (const auto& blob : manifest.blobs) ASTERAI_TRY(client.push_blob(repo, blob, nullptr));
  auto pushed = ASTERAI_TRY(
      client.put_manifest(repo, signature_tag(digest), manifest.media_type, manifest.bytes));
  return SignResult{pushed.digest, false};
}

Result<std::vector<FoundSignature>> find_signatures(oci::RegistryClient& client,
                                                    const std::string& repo,
                                                    const std::string& digest) {
  auto layers = ASTERAI_TRY(tagged_layers(client, repo, digest));
  std::set<std::string> manifests_seen;
  if (auto tagged = ASTERAI_TRY(client.resolve(repo, signature_tag(digest))))
    manifests_seen.insert(tagged->digest);
  // Referrers: ours (the tagged manifest again, and older ones it replaced) and cosign's
  // OCI 1.1 mode.
  auto referrers = ASTERAI_TRY(client.referrers(repo, digest, std::string(kSignatureArtifact)));
  for (const auto& r : referrers.value_or(std::vector<oci::Descriptor>{})) {
    if (!manifests_seen.insert(r.digest).second) continue;
    auto manifest = ASTERAI_TRY(client.get_manifest(repo, r.digest));
    auto more = ASTERAI_TRY(signature_layers(client, repo, manifest.bytes));
    for (auto& l : more) layers.push_back(std::move(l));
  }
  std::vector<FoundSignature> out;
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& layer : layers) {
    auto found = decode(layer);
    if (found && seen.insert({found->payload, found->signature}).second)
      out.push_back(std::move(*found));
  }
  return out;
}

Verdict verify_signatures(const std::vector<FoundSignature>& found, const std::string& digest,
                          const std::vector<Key>& keys) {
  Verdict v;
  v.found = found.size();
  for (const auto& key : keys)
    for (const auto& s : found)
      if (signed_by(s, digest, key)) {
        v.signers.push_back(key.id());
        break;
      }
  return v;
}

}  // namespace asterai::signing
