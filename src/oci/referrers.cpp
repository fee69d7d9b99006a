#include "asterai/oci/referrers.h"

#include "asterai/oci/digest.h"
#include "asterai/oci/media_types.h"

namespace asterai::oci {

std::string fallback_tag(const std::string& subject_digest) {
  return "sha256-" + std::string(digest_hex(subject_digest));
}

bool is_fallback_tag(std::string_view tag) {
  if (tag.ends_with(".sig")) tag.remove_suffix(4);  // cosign's signatures (src/signing)
  return tag.size() == 7 + 64 && tag.substr(0, 7) == "sha256-";
}

Result<AttachResult> attach_referrer(RegistryClient& client, const std::string& repo,
                                     const Artifact& referrer, const std::string& artifact_type,
                                     const std::string& subject_digest, Progress* progress) {
  for (const auto& blob : referrer.blobs) ASTERAI_TRY(client.push_blob(repo, blob, progress));
  auto pushed =
      ASTERAI_TRY(client.put_manifest(repo, referrer.digest, referrer.media_type, referrer.bytes));
  AttachResult result{pushed.digest, false};
  if (pushed.registry_saw_subject) return result;
  // No OCI-Subject header: ask whether the API exists before writing the fallback.
  if (ASTERAI_TRY(client.referrers(repo, subject_digest)).has_value()) return result;
  result.used_fallback = true;
  std::string tag = fallback_tag(subject_digest);
  std::vector<Descriptor> entries;
  if (ASTERAI_TRY(client.resolve(repo, tag))) {
    auto index = ASTERAI_TRY(client.get_manifest(repo, tag));
    entries = ASTERAI_TRY(parse_index(index.bytes));
  }
  for (const auto& e : entries)
    if (e.digest == referrer.digest) return result;
  Descriptor d = referrer.descriptor();
  d.artifact_type = artifact_type;
  if (auto m = parse_manifest(referrer.bytes)) d.annotations = m->annotations;
  entries.push_back(d);
  ASTERAI_TRY(client.put_manifest(repo, tag, std::string(kImageIndex), build_index(entries)));
  return result;
}

Result<std::vector<Descriptor>> list_referrers(RegistryClient& client, const std::string& repo,
                                               const std::string& subject_digest,
                                               const std::string& artifact_type) {
  auto api = ASTERAI_TRY(client.referrers(repo, subject_digest, artifact_type));
  if (api) return std::move(*api);
  std::string tag = fallback_tag(subject_digest);
  if (!ASTERAI_TRY(client.resolve(repo, tag))) return std::vector<Descriptor>();
  auto index = ASTERAI_TRY(client.get_manifest(repo, tag));
  auto entries = ASTERAI_TRY(parse_index(index.bytes));
  std::vector<Descriptor> out;
  for (auto& e : entries)
    if (artifact_type.empty() || e.artifact_type == artifact_type) out.push_back(std::move(e));
  return out;
}

}  // namespace asterai::oci
