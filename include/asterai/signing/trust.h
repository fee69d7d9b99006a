// Which keys a registry's (or a namespace's) components must be signed with, and what happens
// when they are not: $ASTERAI_HOME/trust.toml lists scopes, each with a policy and key ids;
// the keys themselves are $ASTERAI_HOME/trust/<id>.pub (docs/signing.md).
//
//   [[scope]]
//   name = "registry.example.com/alice"   # a registry, or a registry + repository prefix
//   policy = "require"                    # require | warn | off
//   keys = ["3f1c0e9a2b7d4c55"]
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"
#include "asterai/signing/keys.h"
#include "asterai/signing/signatures.h"

namespace asterai::signing {

enum class Policy { off, warn, require };
std::string_view policy_name(Policy p);
Result<Policy> parse_policy(std::string_view text);

struct TrustScope {
  std::string name;
  Policy policy = Policy::warn;
  std::vector<std::string> key_ids;
};

class Trust {
 public:
  // The configuration under `home`; empty (no scopes) when the file does not exist.
  static Result<Trust> load(const std::filesystem::path& home);
  bool empty() const { return scopes_.empty(); }
  const std::filesystem::path& home() const { return home_; }
  const std::vector<TrustScope>& scopes() const { return scopes_; }

  // The most specific scope covering `ref`: "registry" covers all of it, "registry/alice"
  // covers alice/x and alice/y/z but not alicex/y. Null when none does.
  const TrustScope* match(const oci::Reference& ref) const;
  // The public keys of a scope, read from their files.
  Result<std::vector<Key>> keys_of(const TrustScope& scope) const;

  // Adds `key` to the scope (created with `policy`, or warn when nullopt; an existing scope's
  // policy changes only when one is given) and saves.
  Result<void> add(const std::string& scope, const Key& key, std::optional<Policy> policy);
  // Sets a scope's policy (creating the scope) and saves.
  Result<void> set_policy(const std::string& scope, Policy policy);
  // Removes a scope (all of it when `key_id` is empty, else that key) and saves; not-found
  // when there is nothing to remove.
  Result<void> remove(const std::string& scope, const std::string& key_id);

 private:
  Result<void> save() const;
  TrustScope& scope_named(const std::string& name);

  std::filesystem::path home_;
  std::vector<TrustScope> scopes_;
};

// What a trust check concluded about one component manifest.
struct TrustCheck {
  std::vector<std::string> signers;  // trusted key ids whose signature verified
  std::string warning;               // non-empty under `warn` when no trusted key signed
};

// How many signatures `digest` has, and which keys trusted for `ref`'s scope made them (none
// without a scope): what `asterai show` reports.
Result<Verdict> signature_status(const Trust& trust, oci::RegistryClient& client,
                                 const oci::Reference& ref, const std::string& digest);

// Checks `digest` (the manifest `ref` resolved to) against the scope covering `ref`: nothing
// to do under `off`; under `warn` a warning when no trusted key signed it; under `require` a
// `signature` error saying what is missing and what to do. Without a scope, `warn` holds for
// a public repository (or one on a registry that does not say) and nothing for a private one.
Result<TrustCheck> check_trust(const Trust& trust, oci::RegistryClient& client,
                               const oci::Reference& ref, const std::string& digest);

}  // namespace asterai::signing
