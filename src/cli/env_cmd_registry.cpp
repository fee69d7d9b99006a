// `asterai env push | pull | diff`: versions in a registry. Push pins every component by
// digest (publishing local ones first), picks the version (given, or bumped from what
// changed since the last one) and refuses a version that exists; pull verifies the document
// against its digest.
#include <fstream>
#include <iostream>
#include <map>

#include "asterai/env/artifact.h"
#include "asterai/env/diff.h"
#include "env_cmd.h"
#include "env_common.h"
#include "env_publish_local.h"
#include "output.h"

namespace asterai::cli {
namespace {

// Every component reference as REGISTRY/NS/NAME@sha256:… (DESIGN.md: pinned by digest).
Result<env::Document> pin(env::Document doc, const EnvRegistryFlags& flags) {
  std::map<std::string, oci::RegistryClient> clients;
  for (auto& [name, c] : doc.components) {
    if (oci::is_local_ref(c.ref)) continue;  // published by publish_local_components
    auto ref = oci::parse_reference(c.ref);
    if (!ref)
      return make_error(ErrorKind::invalid_input, "component " + name + ": " + ref.error().message);
    if (!ref->by_digest()) {
      auto it = clients.find(ref->registry);
      if (it == clients.end())
        it = clients.emplace(ref->registry, ASTERAI_TRY(make_client(ref->registry, flags.oci)))
                 .first;
      auto found = ASTERAI_TRY(it->second.resolve(ref->repository, ref->tag));
      if (!found)
        return make_error(
            ErrorKind::not_found,
            "component " + name + ": " + c.ref + " does not exist in its registry (push it first)");
      ref->digest = found->digest;
    }
    c.ref = ref->name() + "@" + ref->digest;
  }
  return doc;
}

struct PushArgs {
  std::string env, version;
  bool json = false;
  EnvRegistryFlags registry;
};

int push(const PushArgs& a) {
  auto emit = [&](const Error& e) {
    if (a.json) std::cout << nlohmann::json{{"ok", false}, {"error", error_json(e)}}.dump() << "\n";
    return report(e);
  };
  auto name = require_draft(a.env);
  if (!name) return emit(name.error());
  auto draft = host::load_env(*name, a.registry.options(), true);
  if (!draft) return emit(draft.error());
  auto host = a.registry.registry_host();
  if (!host && env::has_local_components(draft->doc))
    return emit(
        make_error(ErrorKind::usage, *name + " has local components, which push publishes to the "
                                             "environment's registry: pass --registry HOST or set "
                                             "ASTERAI_REGISTRY")
            .value());
  if (!host) return emit(host.error());
  if (!a.version.empty() && (!oci::parse_version(a.version) || !oci::is_valid_tag(a.version)))
    return emit(make_error(ErrorKind::usage,
                           "--version " + a.version + " is not a semantic version (e.g. 1.2.0)")
                    .value());
  auto pinned = pin(draft->doc, a.registry);
  if (!pinned) return emit(pinned.error());

  auto base = oci::parse_reference(*host + "/" + *name + ":0.0.0");
  if (!base) return emit(base.error());
  auto client = make_client(base->registry, a.registry.oci);
  if (!client) return emit(client.error());
  auto last = env::latest_version(*client, base->repository);
  if (!last) return emit(last.error());
  std::string previous;
  std::optional<env::Document> old_doc;
  if (*last) {
    previous = env::version_string(**last);
    auto old = host::pull_env(base->with_tag(previous), a.registry.options());
    if (!old) return emit(old.error());
    old_doc = std::move(old->doc);
    if (auto ok = reuse_previous_pins(*pinned, *old_doc, a.registry); !ok) return emit(ok.error());
  }
  // A local component still unpinned here is a new build: it counts as added or upgraded.
  auto changes_to = [&](const env::Document& doc) {
    if (old_doc) return env::diff_documents(*old_doc, doc);
    std::vector<env::Change> added;
    for (const auto& [n, c] : doc.components)
      added.push_back({"component-added", n, c.ref, env::Bump::minor});
    return added;
  };
  auto changes = changes_to(*pinned);
  auto bump = env::bump_for(changes);
  std::string version = a.version;
  if (version.empty()) {
    if (*last && bump == env::Bump::none)
      return emit(
          make_error(ErrorKind::conflict, "nothing changed since " + previous + "; not pushed")
              .value());
    version = env::next_version(*last, bump);
  }
  auto ref = base->with_tag(version);
  // The version last: components first, and nothing at all when the version is taken.
  if (auto free = env::check_version_free(*client, ref); !free) return emit(free.error());
  auto published = publish_local_components(*pinned, *client, base->name(), version);
  if (!published) return emit(published.error());
  if (!published->empty()) changes = changes_to(*pinned);
  std::string text = env::serialize_document(*pinned);
  auto pushed = env::push_environment(*client, ref, text);
  if (!pushed) return emit(pushed.error());
  // The exact bytes just pushed are a pulled copy already.
  env::LocalEnvs::open_default().save_pulled(ref, pushed->manifest_digest, pushed->layer_digest,
                                             text);
  if (a.json) {
    nlohmann::json j = {{"ok", true},
                        {"ref", ref.to_string()},
                        {"version", version},
                        {"previous", previous},
                        {"bump", env::bump_name(bump)},
                        {"digest", pushed->manifest_digest},
                        {"document_digest", pushed->layer_digest},
                        {"changes", nlohmann::json::array()},
                        {"published", nlohmann::json::array()}};
    for (const auto& c : changes) j["changes"].push_back(env::to_json(c));
    for (const auto& p : *published)
      j["published"].push_back({{"component", p.component},
                                {"ref", p.ref},
                                {"digest", p.digest},
                                {"already_published", p.already_published}});
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  for (const auto& p : *published)
    std::cout << (p.already_published ? "already published " : "published ") << "local component "
              << p.component << " as " << p.ref << " (" << p.digest << ")\n";
  std::cout << "pushed " << ref.to_string() << " (" << env::bump_name(bump)
            << (previous.empty() ? ", first version" : " after " + previous) << ")\n"
            << "digest: " << pushed->manifest_digest << "\n";
  for (const auto& c : changes) std::cout << "  " << env::describe(c) << "\n";
  return 0;
}

struct PullArgs {
  std::string ref, output;
  bool json = false;
  EnvRegistryFlags registry;
};

int pull(const PullArgs& a) {
  auto ref = host::version_reference(a.ref, a.registry.options());
  if (!ref) return report(ref.error());
  auto got = host::pull_env(*ref, a.registry.options());
  if (!got) return report(got.error());
  if (!a.output.empty()) {
    std::ofstream out(a.output, std::ios::binary);
    out << got->text;
    if (!out.flush()) return report(make_error(ErrorKind::io, "cannot write " + a.output).value());
  }
  if (a.json) {
    std::cout << nlohmann::json{{"ref", got->label},
                                {"document_digest", got->layer_digest},
                                {"path", got->source}}
                     .dump()
              << "\n";
  } else {
    std::cout << "pulled " << got->label << "\ndigest: " << got->layer_digest << "\n"
              << got->source << "\n";
  }
  return 0;
}

struct DiffArgs {
  std::string from, to;
  bool json = false, offline = false;
  EnvRegistryFlags registry;
};

int diff(const DiffArgs& a) {
  auto from = host::load_env(a.from, a.registry.options(), a.offline);
  if (!from) return report(from.error());
  auto to = host::load_env(a.to, a.registry.options(), a.offline);
  if (!to) return report(to.error());
  auto changes = env::diff_documents(from->doc, to->doc);
  auto bump = env::bump_for(changes);
  if (a.json) {
    nlohmann::json j = {{"from", from->label},
                        {"to", to->label},
                        {"bump", env::bump_name(bump)},
                        {"changes", nlohmann::json::array()}};
    for (const auto& c : changes) j["changes"].push_back(env::to_json(c));
    std::cout << j.dump(2) << "\n";
    return 0;
  }
  if (changes.empty()) std::cout << "no changes\n";
  for (const auto& c : changes) std::cout << env::describe(c) << "\n";
  if (!changes.empty()) std::cout << "bump: " << env::bump_name(bump) << "\n";
  return 0;
}

}  // namespace

void add_env_registry_commands(CLI::App& env, int& exit_code) {
  {
    auto a = std::make_shared<PushArgs>();
    auto* cmd = env.add_subcommand(
        "push",
        "Pin a draft's components by digest (local ones are first published to the registry as "
        "REGISTRY/NS/COMPONENT:VERSION) and push it as a new, immutable version");
    cmd->add_option("env", a->env, "NS/NAME (a draft)")->required();
    cmd->add_option("--version", a->version,
                    "X.Y.Z (default: the last version bumped by what changed)");
    cmd->add_flag("--json", a->json, "Print JSON");
    a->registry.add_to(*cmd);
    cmd->callback([a, &exit_code] { exit_code = push(*a); });
  }
  {
    auto a = std::make_shared<PullArgs>();
    auto* cmd = env.add_subcommand(
        "pull", "Fetch a pushed version (verified by digest) into the local store");
    cmd->add_option("ref", a->ref, "NS/NAME@VERSION or REGISTRY/NS/NAME:VERSION")->required();
    cmd->add_option("-o,--output", a->output, "Also write the document's exact bytes to this file");
    cmd->add_flag("--json", a->json, "Print JSON");
    a->registry.add_to(*cmd);
    cmd->callback([a, &exit_code] { exit_code = pull(*a); });
  }
  {
    auto a = std::make_shared<DiffArgs>();
    auto* cmd =
        env.add_subcommand("diff", "What changed between two environments (drafts or versions)");
    cmd->add_option("from", a->from,
                    "The older: NS/NAME (draft), NS/NAME@VERSION or REGISTRY/NS/NAME:VERSION")
        ->required();
    cmd->add_option("to", a->to, "The newer, the same forms")->required();
    cmd->add_flag("--json", a->json, "Print JSON");
    cmd->add_flag("--offline", a->offline, "Use local copies only; never pull");
    a->registry.add_to(*cmd);
    cmd->callback([a, &exit_code] { exit_code = diff(*a); });
  }
}

}  // namespace asterai::cli
