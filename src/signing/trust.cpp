#include "asterai/signing/trust.h"

#include <toml++/toml.h>
#include <algorithm>
#include <sstream>

#include "asterai/common/files.h"
#include "asterai/signing/signatures.h"

namespace asterai::signing {
namespace fs = std::filesystem;
namespace {

fs::path trust_file(const fs::path& home) {
  return home / "trust.toml";
}
fs::path key_file(const fs::path& home, const std::string& id) {
  return home / "trust" / (id + ".pub");
}
// Signers remembered per manifest digest, so a component verified when it was pulled is not
// verified over the network again on every call.
fs::path verified_file(const fs::path& home, const std::string& digest) {
  std::string name = digest;
  std::replace(name.begin(), name.end(), ':', '-');
  return home / "trust" / "verified" / name;
}

std::vector<uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

Result<std::string> text_of(const fs::path& path) {
  auto bytes = ASTERAI_TRY(read_file(path));
  return std::string(bytes.begin(), bytes.end());
}

// "registry" or "registry/repo-prefix", without a tag, digest or trailing '/'.
Result<std::string> scope_name(std::string name) {
  while (!name.empty() && name.back() == '/') name.pop_back();
  bool bad =
      name.empty() || name.find_first_of("@ \t") != std::string::npos ||
      (name.find('/') == std::string::npos ? false
                                           : name.find(':', name.find('/')) != std::string::npos);
  if (bad)
    return make_error(ErrorKind::usage,
                      "a trust scope is REGISTRY or REGISTRY/NAMESPACE (no tag "
                      "or digest), not \"" +
                          name + "\"");
  return name;
}

std::vector<std::string> remembered_signers(const fs::path& home, const std::string& digest) {
  std::vector<std::string> ids;
  auto text = text_of(verified_file(home, digest));
  if (!text) return ids;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) ids.push_back(line);
  return ids;
}

void remember_signers(const fs::path& home, const std::string& digest,
                      const std::vector<std::string>& ids) {
  std::string text;
  for (const auto& id : ids) text += id + "\n";
  std::error_code ec;
  fs::create_directories(verified_file(home, digest).parent_path(), ec);
  (void)write_file_atomic(verified_file(home, digest), bytes_of(text));  // a cache: best effort
}

}  // namespace

std::string_view policy_name(Policy p) {
  switch (p) {
    case Policy::off:
      return "off";
    case Policy::warn:
      return "warn";
    case Policy::require:
      return "require";
  }
  return "warn";
}

Result<Policy> parse_policy(std::string_view text) {
  if (text == "off") return Policy::off;
  if (text == "warn") return Policy::warn;
  if (text == "require") return Policy::require;
  return make_error(ErrorKind::usage,
                    "a trust policy is require, warn or off, not \"" + std::string(text) + "\"");
}

Result<Trust> Trust::load(const fs::path& home) {
  Trust t;
  t.home_ = home;
  std::error_code ec;
  fs::path file = trust_file(home);
  if (!fs::exists(file, ec)) return t;
  auto where = [&](const std::string& what) {
    return Error{ErrorKind::invalid_input,
                 file.string() + ": " + what + " (fix or remove it; docs/signing.md)", file};
  };
  toml::table doc;
  try {
    doc = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return tl::unexpected(where("line " + std::to_string(e.source().begin.line) + ": " +
                                std::string(e.description())));
  }
  if (auto* scopes = doc["scope"].as_array()) {
    for (const auto& node : *scopes) {
      const auto* s = node.as_table();
      auto name = s ? (*s)["name"].value<std::string>() : std::nullopt;
      if (!name) return tl::unexpected(where("every [[scope]] needs a name"));
      TrustScope scope;
      scope.name = *name;
      auto policy = parse_policy((*s)["policy"].value_or<std::string>("warn"));
      if (!policy) return tl::unexpected(where(policy.error().message));
      scope.policy = *policy;
      if (auto* keys = (*s)["keys"].as_array())
        for (const auto& k : *keys)
          if (auto id = k.value<std::string>()) scope.key_ids.push_back(*id);
      t.scopes_.push_back(std::move(scope));
    }
  }
  return t;
}

Result<void> Trust::save() const {
  toml::array scopes;
  for (const auto& s : scopes_) {
    toml::array keys;
    for (const auto& id : s.key_ids) keys.push_back(id);
    scopes.push_back(toml::table{{"name", s.name},
                                 {"policy", std::string(policy_name(s.policy))},
                                 {"keys", std::move(keys)}});
  }
  std::ostringstream out;
  out << "# Keys that components must be signed with, per registry or namespace "
         "(docs/signing.md).\n"
      << "# Edited by `asterai trust`.\n\n"
      << toml::table{{"scope", std::move(scopes)}} << "\n";
  std::error_code ec;
  fs::create_directories(home_, ec);
  return write_file_atomic(trust_file(home_), bytes_of(out.str()));
}

TrustScope& Trust::scope_named(const std::string& name) {
  for (auto& s : scopes_)
    if (s.name == name) return s;
  scopes_.push_back(TrustScope{name, Policy::warn, {}});
  return scopes_.back();
}

const TrustScope* Trust::match(const oci::Reference& ref) const {
  std::string full = ref.registry + "/" + ref.repository;
  const TrustScope* best = nullptr;
  for (const auto& s : scopes_) {
    bool covers = full == s.name || full.starts_with(s.name + "/");
    if (covers && (!best || s.name.size() > best->name.size())) best = &s;
  }
  return best;
}

Result<std::vector<Key>> Trust::keys_of(const TrustScope& scope) const {
  std::vector<Key> keys;
  for (const auto& id : scope.key_ids) {
    auto text = text_of(key_file(home_, id));
    if (!text)
      return make_error(ErrorKind::not_found, "trusted key " + id + " of " + scope.name +
                                                  " is missing its file " +
                                                  key_file(home_, id).string() +
                                                  "; add it again with `asterai trust add`");
    keys.push_back(ASTERAI_TRY(parse_public_key(*text)));
  }
  return keys;
}

Result<void> Trust::add(const std::string& scope, const Key& key, std::optional<Policy> policy) {
  std::string name = ASTERAI_TRY(scope_name(scope));
  std::string id = key.id();
  std::error_code ec;
  fs::create_directories(key_file(home_, id).parent_path(), ec);
  ASTERAI_TRY(write_file_atomic(key_file(home_, id), bytes_of(key.public_pem())));
  TrustScope& s = scope_named(name);
  if (std::find(s.key_ids.begin(), s.key_ids.end(), id) == s.key_ids.end()) s.key_ids.push_back(id);
  if (policy) s.policy = *policy;
  return save();
}

Result<void> Trust::set_policy(const std::string& scope, Policy policy) {
  std::string name = ASTERAI_TRY(scope_name(scope));
  scope_named(name).policy = policy;
  return save();
}

Result<void> Trust::remove(const std::string& scope, const std::string& key_id) {
  std::string name = ASTERAI_TRY(scope_name(scope));
  auto it = std::find_if(scopes_.begin(), scopes_.end(),
                         [&](const TrustScope& s) { return s.name == name; });
  if (it == scopes_.end())
    return make_error(ErrorKind::not_found, "no trust scope " + name + " (see `asterai trust ls`)");
  if (key_id.empty()) {
    scopes_.erase(it);
  } else {
    auto k = std::find(it->key_ids.begin(), it->key_ids.end(), key_id);
    if (k == it->key_ids.end())
      return make_error(ErrorKind::not_found, "scope " + name + " does not trust key " + key_id);
    it->key_ids.erase(k);
  }
  return save();
}

Result<Verdict> signature_status(const Trust& trust, oci::RegistryClient& client,
                                 const oci::Reference& ref, const std::string& digest) {
  std::vector<Key> keys;
  if (const TrustScope* scope = trust.match(ref)) keys = ASTERAI_TRY(trust.keys_of(*scope));
  auto found = ASTERAI_TRY(find_signatures(client, ref.repository, digest));
  return verify_signatures(found, digest, keys);
}

namespace {

// Outside every scope: a component anyone may pull gets a warning unless it is signed, since
// anyone may have published it; a private one was published by someone with access to it.
// Registries without asterai's visibility API count as public: nothing says otherwise.
Result<TrustCheck> default_check(oci::RegistryClient& client, const oci::Reference& ref,
                                 const std::string& digest) {
  auto visibility = client.visibility(ref.repository);
  if (visibility && *visibility && !**visibility) return TrustCheck{};
  auto found = ASTERAI_TRY(find_signatures(client, ref.repository, digest));
  TrustCheck check;
  std::string scope = ref.registry + "/" + ref.repository.substr(0, ref.repository.find('/'));
  check.warning = ref.to_string() + " (" + digest + ") " +
                  (found.empty() ? std::string("is not signed")
                                 : "has " + std::to_string(found.size()) +
                                       " signature(s) by keys you have not trusted") +
                  "; trust its publisher with `asterai trust add " + scope +
                  " KEY.pub`, or silence this with `asterai trust policy " + ref.registry + " off`";
  return check;
}

}  // namespace

Result<TrustCheck> check_trust(const Trust& trust, oci::RegistryClient& client,
                               const oci::Reference& ref, const std::string& digest) {
  const TrustScope* scope = trust.match(ref);
  if (!scope) return default_check(client, ref, digest);
  if (scope->policy == Policy::off) return TrustCheck{};
  TrustCheck check;
  for (const auto& id : remembered_signers(trust.home(), digest))
    if (std::find(scope->key_ids.begin(), scope->key_ids.end(), id) != scope->key_ids.end())
      check.signers.push_back(id);
  if (!check.signers.empty()) return check;

  auto keys = ASTERAI_TRY(trust.keys_of(*scope));
  auto found = ASTERAI_TRY(find_signatures(client, ref.repository, digest));
  Verdict verdict = verify_signatures(found, digest, keys);
  if (!verdict.signers.empty()) {
    remember_signers(trust.home(), digest, verdict.signers);
    check.signers = std::move(verdict.signers);
    return check;
  }
  std::string what = ref.to_string() + " (" + digest + ") ";
  what += verdict.found == 0 ? "is not signed"
                             : "has " + std::to_string(verdict.found) +
                                   " signature(s), none valid by a key trusted for " + scope->name;
  if (scope->key_ids.empty()) what += "; no keys are trusted for " + scope->name;
  if (scope->policy == Policy::warn) {
    check.warning = what;
    return check;
  }
  return make_error(ErrorKind::signature,
                    what +
                        "; trust policy require refuses it (its publisher signs with "
                        "`asterai sign`; trust their key with `asterai trust add`)");
}

}  // namespace asterai::signing
