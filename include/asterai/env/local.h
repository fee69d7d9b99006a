// Environments on this machine, under $ASTERAI_HOME/envs:
//
//   envs/
//   ├── drafts/<ns>/<name>.toml                  local edits, until pushed
//   └── pulled/<registry>/<ns>/<name>/<version>.toml   pulled versions, exactly as pushed
//                         └─ <version>.json       {"manifest": digest, "layer": digest}
//
// A pulled version is immutable: its bytes are checked against the layer digest every time
// they are read.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/reference.h"

namespace asterai::env {

// "ns/name": two lower-case path parts, as in a repository name.
bool is_valid_env_name(std::string_view name);

struct PulledVersion {
  std::string ref;  // registry/ns/name:version
  std::string manifest_digest;
  std::string layer_digest;
  std::filesystem::path path;
};

class LocalEnvs {
 public:
  explicit LocalEnvs(std::filesystem::path root) : root_(std::move(root)) {}
  static LocalEnvs open_default();  // $ASTERAI_HOME/envs

  std::filesystem::path draft_path(const std::string& name) const;
  bool has_draft(const std::string& name) const;
  // Every draft's "ns/name", sorted.
  std::vector<std::string> drafts() const;
  Result<std::string> read_draft(const std::string& name) const;
  Result<void> write_draft(const std::string& name, const std::string& text) const;
  Result<void> remove_draft(const std::string& name) const;

  // Stores a pulled version's bytes (already verified against `layer_digest`).
  Result<PulledVersion> save_pulled(const oci::Reference& ref, const std::string& manifest_digest,
                                    const std::string& layer_digest,
                                    const std::string& bytes) const;
  // The stored copy of a version, verified; nullopt when it was never pulled.
  Result<std::optional<std::pair<PulledVersion, std::string>>> find_pulled(
      const oci::Reference& ref) const;
  std::vector<PulledVersion> pulled() const;

 private:
  std::filesystem::path pulled_base(const oci::Reference& ref) const;
  std::filesystem::path root_;
};

}  // namespace asterai::env
