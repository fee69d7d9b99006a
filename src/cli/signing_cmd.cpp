// `asterai key generate`, `asterai sign REF`, `asterai verify REF` and `asterai trust …`:
// cosign-compatible keys and signatures, and which keys pulls must find (docs/signing.md).
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "asterai/common/files.h"
#include "asterai/oci/credentials.h"
#include "asterai/signing/signatures.h"
#include "asterai/signing/trust.h"
#include "commands.h"
#include "oci_common.h"
#include "output.h"
#include "signing_key.h"

namespace asterai::cli {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

Result<std::string> text_of(const fs::path& path) {
  auto bytes = ASTERAI_TRY(read_file(path));
  return std::string(bytes.begin(), bytes.end());
}

// Reads a line from the terminal without echo; nullopt when there is no terminal.
std::optional<std::string> prompt_hidden(const char* prompt) {
  FILE* tty = std::fopen("/dev/tty", "r+");
  if (!tty) return std::nullopt;
  int fd = ::fileno(tty);
  termios old{};
  bool restore = ::tcgetattr(fd, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::fputs(prompt, tty);
  std::fflush(tty);
  std::string line;
  for (int c; (c = std::fgetc(tty)) != EOF && c != '\n';) line.push_back(static_cast<char>(c));
  std::fputs("\n", tty);
  if (restore) ::tcsetattr(fd, TCSAFLUSH, &old);
  std::fclose(tty);
  return line;
}

// $ASTERAI_KEY_PASSWORD, then $COSIGN_PASSWORD (scripts written for cosign keep working),
// then a prompt on the terminal (twice for a new key).
Result<std::string> key_password(bool confirm) {
  for (const char* name : {"ASTERAI_KEY_PASSWORD", "COSIGN_PASSWORD"})
    if (const char* p = std::getenv(name)) return std::string(p);
  auto first = prompt_hidden(confirm ? "Password for the new private key: "
                                     : "Password for the private key: ");
  if (!first)
    return make_error(ErrorKind::usage,
                      "no terminal to ask the key's password on; set ASTERAI_KEY_PASSWORD");
  if (confirm) {
    auto again = prompt_hidden("The same password again: ");
    if (!again || *again != *first)
      return make_error(ErrorKind::usage, "the two passwords differ; nothing was written");
  }
  return *first;
}

struct GenerateArgs {
  std::string out = "asterai";
  bool json = false;
};

int generate(const GenerateArgs& a) {
  auto fail = [&](const Error& e) { return report(e, a.json); };
  fs::path priv = a.out + ".key", pub = a.out + ".pub";
  std::error_code ec;
  for (const auto& p : {priv, pub})
    if (fs::exists(p, ec))
      return fail(
          {ErrorKind::conflict, p.string() + " exists; remove it or pick another --out prefix", p});
  auto password = key_password(true);
  if (!password) return fail(password.error());
  auto files = signing::generate_key_pair(*password);
  if (!files) return fail(files.error());
  auto as_bytes = [](const std::string& s) {
    return std::span(reinterpret_cast<const uint8_t*>(s.data()), s.size());
  };
  auto wrote = create_file_atomic(priv, as_bytes(files->private_pem), 0600);
  if (!wrote) return fail(wrote.error());
  wrote = create_file_atomic(pub, as_bytes(files->public_pem), 0644);
  if (!wrote) {
    fs::remove(priv, ec);  // no half pair left behind
    return fail(wrote.error());
  }
  auto key = signing::parse_public_key(files->public_pem);
  std::string id = key ? key->id() : "";
  if (a.json) {
    std::cout
        << json{{"private_key", priv.string()}, {"public_key", pub.string()}, {"id", id}}.dump()
        << "\n";
    return 0;
  }
  std::cout << "wrote " << priv.string() << " (private, encrypted; keep it secret) and "
            << pub.string() << "\n  key id  " << id << "\n";
  return 0;
}

struct SignArgs {
  std::string ref, key;
  bool json = false;
  RegistryFlags registry;
};

int sign(const SignArgs& a) {
  auto fail = [&](const Error& e) { return report(e, a.json); };
  auto key = load_signing_key(a.key);
  if (!key) return fail(key.error());
  auto ref = parse_ref(a.ref);
  if (!ref) return fail(ref.error());
  auto client = make_client(ref->registry, a.registry);
  if (!client) return fail(client.error());
  auto found = client->resolve(ref->repository, ref->identifier());
  if (!found) return fail(found.error());
  if (!*found) return fail({ErrorKind::not_found, ref->to_string() + " does not exist", {}});
  auto signed_ = signing::sign_manifest(*client, ref->repository, (*found)->digest, *key);
  if (!signed_) return fail(signed_.error());
  if (a.json) {
    std::cout << json{{"ref", ref->to_string()},
                      {"digest", (*found)->digest},
                      {"key", key->id()},
                      {"already_signed", signed_->already_signed},
                      {"signatures", signed_->manifest_digest}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << (signed_->already_signed ? "already signed " : "signed ") << ref->to_string()
            << "\n  digest  " << (*found)->digest << "\n  key     " << key->id() << "\n  tag     "
            << signing::signature_tag((*found)->digest) << "\n";
  return 0;
}

struct VerifyArgs {
  std::string ref;
  std::vector<std::string> keys;
  bool json = false;
  RegistryFlags registry;
};

int verify(const VerifyArgs& a) {
  auto fail = [&](const Error& e) { return report(e, a.json); };
  auto ref = parse_ref(a.ref);
  if (!ref) return fail(ref.error());
  std::vector<signing::Key> keys;
  std::string source;
  for (const auto& path : a.keys) {
    auto text = text_of(path);
    if (!text) return fail(text.error());
    auto key = signing::parse_public_key(*text);
    if (!key) return fail({key.error().kind, key.error().message, path});
    keys.push_back(std::move(*key));
  }
  if (keys.empty()) {
    auto trust = signing::Trust::load(oci::asterai_home());
    if (!trust) return fail(trust.error());
    const signing::TrustScope* scope = trust->match(*ref);
    if (!scope || scope->key_ids.empty())
      return fail({ErrorKind::usage,
                   "no keys to verify with: give --key KEY.pub, or trust one for this registry "
                   "with `asterai trust add`",
                   {}});
    auto trusted = trust->keys_of(*scope);
    if (!trusted) return fail(trusted.error());
    keys = std::move(*trusted);
    source = " (trusted for " + scope->name + ")";
  }
  auto client = make_client(ref->registry, a.registry);
  if (!client) return fail(client.error());
  auto found = client->resolve(ref->repository, ref->identifier());
  if (!found) return fail(found.error());
  if (!*found) return fail({ErrorKind::not_found, ref->to_string() + " does not exist", {}});
  const std::string& digest = (*found)->digest;
  auto signatures = signing::find_signatures(*client, ref->repository, digest);
  if (!signatures) return fail(signatures.error());
  auto verdict = signing::verify_signatures(*signatures, digest, keys);
  if (verdict.signers.empty())
    return fail({ErrorKind::signature,
                 ref->to_string() + " (" + digest + ") has " + std::to_string(verdict.found) +
                     " signature(s), none valid by the given key(s)" + source,
                 {}});
  if (a.json) {
    std::cout << json{{"ref", ref->to_string()},
                      {"digest", digest},
                      {"signers", verdict.signers},
                      {"signatures", verdict.found}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << "verified " << ref->to_string() << "\n  digest  " << digest << "\n";
  for (const auto& id : verdict.signers) std::cout << "  signed by key " << id << source << "\n";
  return 0;
}

struct TrustArgs {
  std::string scope, key, policy, key_id;
  bool json = false;
};

int trust_add(const TrustArgs& a) {
  auto text = text_of(a.key);
  if (!text) return report(text.error());
  auto key = signing::parse_public_key(*text);
  if (!key) return report({key.error().kind, key.error().message, a.key});
  std::optional<signing::Policy> policy;
  if (!a.policy.empty()) {
    auto p = signing::parse_policy(a.policy);
    if (!p) return report(p.error());
    policy = *p;
  }
  auto trust = signing::Trust::load(oci::asterai_home());
  if (!trust) return report(trust.error());
  if (auto added = trust->add(a.scope, *key, policy); !added) return report(added.error());
  std::cout << "trusting key " << key->id() << " for " << a.scope << "\n";
  return 0;
}

int trust_policy(const TrustArgs& a) {
  auto p = signing::parse_policy(a.policy);
  if (!p) return report(p.error());
  auto trust = signing::Trust::load(oci::asterai_home());
  if (!trust) return report(trust.error());
  if (auto set = trust->set_policy(a.scope, *p); !set) return report(set.error());
  std::cout << a.scope << ": policy " << a.policy << "\n";
  return 0;
}

int trust_rm(const TrustArgs& a) {
  auto trust = signing::Trust::load(oci::asterai_home());
  if (!trust) return report(trust.error());
  if (auto removed = trust->remove(a.scope, a.key_id); !removed) return report(removed.error());
  std::cout << "removed " << (a.key_id.empty() ? "scope " + a.scope : a.key_id + " from " + a.scope)
            << "\n";
  return 0;
}

int trust_ls(const TrustArgs& a) {
  auto trust = signing::Trust::load(oci::asterai_home());
  if (!trust) return report(trust.error(), a.json);
  if (a.json) {
    json out = json::array();
    for (const auto& s : trust->scopes())
      out.push_back(
          {{"scope", s.name}, {"policy", signing::policy_name(s.policy)}, {"keys", s.key_ids}});
    std::cout << out.dump() << "\n";
    return 0;
  }
  if (trust->empty())
    std::cout << "no trust scopes: a public component no trusted key signed gets a warning when "
                 "first pulled; private ones are not checked\n";
  for (const auto& s : trust->scopes()) {
    std::cout << s.name << "  policy " << signing::policy_name(s.policy) << "\n";
    for (const auto& id : s.key_ids) std::cout << "  key " << id << "\n";
  }
  return 0;
}

}  // namespace

Result<signing::Key> load_signing_key(const std::string& path) {
  auto text = text_of(path);
  if (!text) return tl::unexpected(text.error());
  auto password = ASTERAI_TRY(key_password(false));
  auto key = signing::decrypt_private_key(*text, password);
  if (!key) return tl::unexpected(Error{key.error().kind, key.error().message, path});
  return key;
}

void add_signing_commands(CLI::App& app, int& exit_code) {
  auto* key_cmd = app.add_subcommand("key", "Signing keys (cosign-compatible ECDSA P-256)");
  key_cmd->require_subcommand(1);
  auto g = std::make_shared<GenerateArgs>();
  auto* gen = key_cmd->add_subcommand(
      "generate", "Write PREFIX.key (encrypted with a password) and PREFIX.pub");
  gen->add_option("--out", g->out, "File name prefix (default: asterai)");
  gen->add_flag("--json", g->json, "Print the result as JSON");
  gen->callback([g, &exit_code] { exit_code = generate(*g); });

  auto s = std::make_shared<SignArgs>();
  auto* sign_cmd = app.add_subcommand(
      "sign", "Sign a published component (its manifest digest) with a private key");
  sign_cmd->add_option("ref", s->ref, "REGISTRY/NS/NAME:VERSION or …@sha256:…")->required();
  sign_cmd->add_option("--key", s->key, "Private key file (asterai key generate or cosign)")
      ->required();
  sign_cmd->add_flag("--json", s->json, "Print the result as JSON");
  s->registry.add_to(*sign_cmd);
  sign_cmd->callback([s, &exit_code] { exit_code = sign(*s); });

  auto v = std::make_shared<VerifyArgs>();
  auto* verify_cmd =
      app.add_subcommand("verify", "Check a component's signatures against public keys");
  verify_cmd->add_option("ref", v->ref, "REGISTRY/NS/NAME:VERSION or …@sha256:…")->required();
  verify_cmd->add_option("--key", v->keys,
                         "Public key file (repeatable; default: the keys trusted for the "
                         "reference's scope)");
  verify_cmd->add_flag("--json", v->json, "Print the result as JSON");
  v->registry.add_to(*verify_cmd);
  verify_cmd->callback([v, &exit_code] { exit_code = verify(*v); });

  auto* trust = app.add_subcommand(
      "trust", "Which keys components from a registry or namespace must be signed with");
  trust->require_subcommand(1);
  auto t = std::make_shared<TrustArgs>();
  auto* add = trust->add_subcommand("add", "Trust a public key for a scope");
  add->add_option("scope", t->scope, "REGISTRY or REGISTRY/NAMESPACE")->required();
  add->add_option("key", t->key, "Public key file (PEM)")->required();
  add->add_option("--policy", t->policy,
                  "require | warn | off (default: warn for a new scope, unchanged otherwise)");
  add->callback([t, &exit_code] { exit_code = trust_add(*t); });
  auto* policy = trust->add_subcommand("policy", "Set a scope's policy");
  policy->add_option("scope", t->scope, "REGISTRY or REGISTRY/NAMESPACE")->required();
  policy->add_option("policy", t->policy, "require | warn | off")->required();
  policy->callback([t, &exit_code] { exit_code = trust_policy(*t); });
  auto* rm = trust->add_subcommand("rm", "Stop trusting a key, or remove a whole scope");
  rm->add_option("scope", t->scope, "REGISTRY or REGISTRY/NAMESPACE")->required();
  rm->add_option("key-id", t->key_id, "The key id (default: the whole scope)");
  rm->callback([t, &exit_code] { exit_code = trust_rm(*t); });
  auto* ls = trust->add_subcommand("ls", "List trust scopes, their policies and keys");
  ls->add_flag("--json", t->json, "Print as JSON");
  ls->callback([t, &exit_code] { exit_code = trust_ls(*t); });
}

}  // namespace asterai::cli
