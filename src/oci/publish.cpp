#include "asterai/oci/publish.h"

#include "asterai/oci/media_types.h"
#include "asterai/oci/referrers.h"
#include "asterai/oci/semver.h"

namespace asterai::oci {
namespace {

// Whether `version` is at least every release among `tags`.
bool is_newest_release(const std::string& version, const std::vector<std::string>& tags) {
  auto mine = parse_version(version);
  if (!mine || !mine->prerelease.empty()) return false;
  for (const auto& t : tags) {
    auto other = parse_version(t);
    if (other && other->prerelease.empty() && compare_versions(*other, *mine) > 0) return false;
  }
  return true;
}

// --public/--private apply on first publication only (like a package registry's access flag):
// later pushes must not flip what the owner chose since.
Result<void> apply_visibility(RegistryClient& client, const PublishRequest& req,
                              PublishResult& result) {
  const auto& repo = req.ref.repository;
  bool wanted = *req.visibility;
  const char* name = wanted ? "public" : "private";
  if (!ASTERAI_TRY(client.has_tags(repo))) {
    ASTERAI_TRY(client.set_visibility(repo, wanted));
    result.visibility_set = wanted;
    return {};
  }
  auto current = client.visibility(repo);
  if (current && *current && **current == wanted) return {};
  result.visibility_note = repo + " exists already and --" + name +
                           " applies on first publication only; its visibility is unchanged";
  if (current && *current)
    result.visibility_note += std::string(" (") + (**current ? "public" : "private") +
                              "; its owner changes it with PUT /v1/repositories/" + repo +
                              "/visibility)";
  return {};
}

}  // namespace

Result<std::string> wasm_digest_of(RegistryClient& client, const std::string& repo,
                                   const std::string& manifest_digest) {
  auto fetched = ASTERAI_TRY(client.get_manifest(repo, manifest_digest));
  auto m = parse_manifest(fetched.bytes);
  if (!m) return std::string();
  auto layer = wasm_layer(*m);
  return layer ? layer->digest : std::string();
}

ReferrerToPush tools_referrer(const Descriptor& subject, const std::string& tools_json,
                              const std::string& created) {
  std::vector<Blob> layers;
  layers.push_back(make_blob(std::string(kToolsLayer),
                             std::vector<uint8_t>(tools_json.begin(), tools_json.end()),
                             {{std::string(kAnnotationTitle), "tools.json"}}));
  return {std::string(kToolsArtifact),
          build_referrer(kToolsArtifact, subject, std::move(layers),
                         {{std::string(kAnnotationCreated), created}})};
}

Result<PublishResult> publish(RegistryClient& client, const PublishRequest& req) {
  const auto& repo = req.ref.repository;
  const auto& tag = req.ref.tag;
  if (tag.empty())
    return make_error(ErrorKind::usage, "push needs a version tag: REGISTRY/NS/NAME:VERSION");
  PublishResult result;
  result.digest = req.component.digest;
  // Before any upload: a registry without the API fails here with nothing pushed.
  if (req.visibility) ASTERAI_TRY(apply_visibility(client, req, result));
  // The client-side check makes released versions immutable on every registry; asterai's
  // registry enforces it too (409).
  if (is_release(tag)) {
    if (auto existing = ASTERAI_TRY(client.resolve(repo, tag))) {
      if (existing->digest != req.component.digest) {
        std::string ours;
        for (const auto& b : req.component.blobs)
          if (b.descriptor.media_type == "application/wasm") ours = b.descriptor.digest;
        auto theirs = ASTERAI_TRY(wasm_digest_of(client, repo, existing->digest));
        if (theirs.empty() || theirs != ours) {
          return make_error(ErrorKind::conflict,
                            req.ref.to_string() + " is a released version and already holds " +
                                existing->digest +
                                " (a different component); released versions are immutable: "
                                "publish it as a new version");
        }
      }
      result.digest = existing->digest;
      result.already_published = true;
      // The same component built at another time (another `created`): report what is there.
      // The very same manifest: re-attach its referrers, in case a push was interrupted.
      if (existing->digest != req.component.digest) return result;
    }
  }
  if (!result.already_published) {
    for (const auto& blob : req.component.blobs)
      ASTERAI_TRY(client.push_blob(repo, blob, req.progress));
    ASTERAI_TRY(client.put_manifest(repo, tag, req.component.media_type, req.component.bytes));
  }
  for (const auto& r : req.referrers) {
    auto attached = ASTERAI_TRY(attach_referrer(client, repo, r.artifact, r.artifact_type,
                                                req.component.digest, req.progress));
    result.used_fallback = result.used_fallback || attached.used_fallback;
    result.referrers.emplace_back(r.artifact_type, attached.digest);
  }
  if (req.move_latest && tag != "latest" && is_release(tag)) {
    auto tags = ASTERAI_TRY(client.list_tags(repo));
    if (is_newest_release(tag, tags)) {
      ASTERAI_TRY(
          client.put_manifest(repo, "latest", req.component.media_type, req.component.bytes));
      result.latest_moved = true;
    }
  }
  return result;
}

}  // namespace asterai::oci
