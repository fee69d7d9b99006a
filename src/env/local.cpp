#include "asterai/env/local.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <regex>

#include "asterai/common/files.h"
#include "asterai/oci/credentials.h"
#include "asterai/oci/digest.h"

namespace asterai::env {
namespace fs = std::filesystem;
namespace {

std::span<const uint8_t> as_bytes(const std::string& s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

}  // namespace

bool is_valid_env_name(std::string_view name) {
  static const std::regex re("[a-z0-9]+([._-][a-z0-9]+)*/[a-z0-9]+([._-][a-z0-9]+)*");
  return std::regex_match(name.begin(), name.end(), re);
}

LocalEnvs LocalEnvs::open_default() {
  return LocalEnvs(oci::asterai_home() / "envs");
}

fs::path LocalEnvs::draft_path(const std::string& name) const {
  return root_ / "drafts" / (name + ".toml");
}

bool LocalEnvs::has_draft(const std::string& name) const {
  std::error_code ec;
  return fs::exists(draft_path(name), ec);
}

std::vector<std::string> LocalEnvs::drafts() const {
  std::vector<std::string> out;
  std::error_code ec;
  fs::path base = root_ / "drafts";
  for (auto it = fs::recursive_directory_iterator(base, ec); !ec && it != fs::end(it); ++it) {
    if (it->path().extension() != ".toml") continue;
    auto rel = fs::relative(it->path(), base, ec).replace_extension("").generic_string();
    if (is_valid_env_name(rel)) out.push_back(rel);
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::string> LocalEnvs::read_draft(const std::string& name) const {
  if (!has_draft(name))
    return make_error(
        ErrorKind::not_found,
        "no draft environment " + name + " (create it with `asterai env init " + name + "`)");
  auto bytes = ASTERAI_TRY(read_file(draft_path(name)));
  return std::string(bytes.begin(), bytes.end());
}

Result<void> LocalEnvs::write_draft(const std::string& name, const std::string& text) const {
  std::error_code ec;
  fs::create_directories(draft_path(name).parent_path(), ec);
  if (ec)
    return make_error(ErrorKind::io, "cannot create " + draft_path(name).parent_path().string() +
                                         " (set ASTERAI_HOME to a writable folder)");
  return write_file_atomic(draft_path(name), as_bytes(text));
}

Result<void> LocalEnvs::remove_draft(const std::string& name) const {
  std::error_code ec;
  if (!fs::remove(draft_path(name), ec))
    return make_error(ErrorKind::not_found, "no draft environment " + name);
  return {};
}

fs::path LocalEnvs::pulled_base(const oci::Reference& ref) const {
  return root_ / "pulled" / ref.registry / ref.repository / ref.tag;
}

Result<PulledVersion> LocalEnvs::save_pulled(const oci::Reference& ref,
                                             const std::string& manifest_digest,
                                             const std::string& layer_digest,
                                             const std::string& bytes) const {
  fs::path base = pulled_base(ref);
  std::error_code ec;
  fs::create_directories(base.parent_path(), ec);
  if (ec) return make_error(ErrorKind::io, "cannot create " + base.parent_path().string());
  fs::path toml = base.string() + ".toml";
  fs::path meta = base.string() + ".json";
  ASTERAI_TRY(write_file_atomic(toml, as_bytes(bytes)));
  std::string j =
      nlohmann::json{
          {"ref", ref.to_string()}, {"manifest", manifest_digest}, {"layer", layer_digest}}
          .dump() +
      "\n";
  ASTERAI_TRY(write_file_atomic(meta, as_bytes(j)));
  return PulledVersion{ref.to_string(), manifest_digest, layer_digest, toml};
}

Result<std::optional<std::pair<PulledVersion, std::string>>> LocalEnvs::find_pulled(
    const oci::Reference& ref) const {
  using Found = std::optional<std::pair<PulledVersion, std::string>>;
  fs::path base = pulled_base(ref);
  fs::path toml = base.string() + ".toml";
  fs::path meta = base.string() + ".json";
  std::error_code ec;
  if (ref.tag.empty() || !fs::exists(toml, ec) || !fs::exists(meta, ec)) return Found();
  auto m = ASTERAI_TRY(read_file(meta));
  auto j = nlohmann::json::parse(m.begin(), m.end(), nullptr, false);
  if (!j.is_object() || !j.contains("layer") || !j.contains("manifest")) return Found();
  auto bytes = ASTERAI_TRY(read_file(toml));
  std::string text(bytes.begin(), bytes.end());
  PulledVersion v{ref.to_string(), j["manifest"].get<std::string>(), j["layer"].get<std::string>(),
                  toml};
  if (oci::sha256_digest(text) != v.layer_digest)
    return make_error(ErrorKind::digest_invalid, toml.string() + " no longer matches " +
                                                     v.layer_digest +
                                                     " (changed on disk); pull it again");
  return Found(std::pair{std::move(v), std::move(text)});
}

std::vector<PulledVersion> LocalEnvs::pulled() const {
  std::vector<PulledVersion> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root_ / "pulled", ec); !ec && it != fs::end(it);
       ++it) {
    if (it->path().extension() != ".json") continue;
    auto m = read_file(it->path());
    if (!m) continue;
    auto j = nlohmann::json::parse(m->begin(), m->end(), nullptr, false);
    if (!j.is_object() || !j.contains("ref")) continue;
    auto toml = it->path();
    out.push_back({j.value("ref", ""), j.value("manifest", ""), j.value("layer", ""),
                   toml.replace_extension(".toml")});
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.ref < b.ref; });
  return out;
}

}  // namespace asterai::env
