// `asterai push [COMPONENT.wasm] REF` and `asterai pull REF`: publishing a component with its
// WIT and tools referrers, and fetching one into the local store (docs/publishing.md).
#include <cstdio>
#include <iostream>

#include "asterai/common/files.h"
#include "asterai/oci/credentials.h"
#include "asterai/oci/media_types.h"
#include "asterai/oci/publish.h"
#include "asterai/oci/pull.h"
#include "asterai/project/project.h"
#include "asterai/publish/publication.h"
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

struct PushArgs {
  std::vector<std::string> positionals;  // [COMPONENT] [REF]
  std::string wit;
  bool no_wit = false;
  std::string description, license, source, author;
  bool is_public = false, is_private = false;
  bool no_latest = false;
  bool json = false;
  std::string sign_key;
  RegistryFlags registry;
};

using Project = std::optional<project::Project>;

// ./asterai.toml when there is one (docs/authoring.md): defaults for push.
Result<Project> current_project() {
  std::error_code ec;
  if (!fs::exists(fs::path(project::kProjectFile), ec)) return Project();
  return Project(ASTERAI_TRY(project::load_project(fs::current_path())));
}

// "registry/ns/name:version" from the project, when it names a registry.
std::string project_reference(const Project& p) {
  if (!p || p->registry.empty()) return {};
  return p->registry + "/" + p->namespace_ + "/" + p->name + ":" + p->version;
}

// Which positional is the component and which the reference; defaults from asterai.toml.
Result<std::pair<fs::path, std::string>> push_inputs(const PushArgs& a, const Project& project) {
  fs::path wasm;
  std::string ref;
  const auto& p = a.positionals;
  if (p.size() == 2) {
    wasm = p[0];
    ref = p[1];
  } else if (p.size() == 1) {
    std::error_code ec;
    bool is_file = fs::is_regular_file(p[0], ec) || p[0].ends_with(".wasm");
    if (is_file)
      wasm = p[0];
    else
      ref = p[0];
  }
  if (wasm.empty() && project) wasm = project->wasm;
  if (ref.empty()) ref = project_reference(project);
  if (wasm.empty())
    return make_error(
        ErrorKind::usage,
        "which component? give COMPONENT.wasm, or set [component] wasm in asterai.toml");
  if (ref.empty())
    return make_error(ErrorKind::usage,
                      "where to? give REF as REGISTRY/NAMESPACE/NAME:VERSION (or set [component] "
                      "registry in asterai.toml)");
  return std::make_pair(wasm, ref);
}

const char* wit_source_name(publish::WitSource s) {
  switch (s) {
    case publish::WitSource::folder:
      return "folder";
    case publish::WitSource::component:
      return "component";
    case publish::WitSource::none:
      break;
  }
  return "none";
}

int push(const PushArgs& a) {
  auto fail = [&](const Error& e) { return report(e, a.json); };
  if (a.is_public && a.is_private)
    return fail({ErrorKind::usage, "--public or --private, not both", {}});
  auto project = current_project();
  if (!project) return fail(project.error());
  auto inputs = push_inputs(a, *project);
  if (!inputs) return fail(inputs.error());
  auto& [wasm_path, ref_text] = *inputs;
  auto ref = parse_ref(ref_text);
  if (!ref) return fail(ref.error());
  if (ref->by_digest() || ref->tag.empty())
    return fail(
        {ErrorKind::usage, "push to a version tag (REGISTRY/NS/NAME:VERSION), not a digest", {}});

  EngineFlags engine;  // push takes no engine flags: the defaults and $ASTERAI_CACHE_*
  engine.many_calls = false;
  auto rt = runtime::Runtime::create(engine.to_options(false));
  if (!rt) return fail(rt.error());
  publish::PublicationInputs in{
      .wasm = wasm_path,
      .ref = *ref,
      .wit = a.wit.empty() ? std::nullopt : std::optional<fs::path>(a.wit),
      .no_wit = a.no_wit,
      .description = a.description,
      .license = a.license,
      .source = a.source,
      .author = a.author};
  auto publication = publish::prepare_publication(**rt, in);
  if (!publication) return fail(publication.error());
  oci::PublishRequest& req = publication->request;
  req.move_latest = !a.no_latest;
  if (a.is_public || a.is_private) req.visibility = a.is_public;
  // The key (and its password) before anything is uploaded: a typo must not leave an
  // unsigned version behind.
  std::optional<signing::Key> key;
  if (!a.sign_key.empty()) {
    auto loaded = load_signing_key(a.sign_key);
    if (!loaded) return fail(loaded.error());
    key = std::move(*loaded);
  }
  auto progress = make_progress(a.json);
  req.progress = progress.get();

  auto client = make_client(ref->registry, a.registry);
  if (!client) return fail(client.error());
  auto result = oci::publish(*client, req);
  if (!result) return fail(result.error());
  std::optional<signing::SignResult> signature;
  if (key) {
    auto signed_ = signing::sign_manifest(*client, ref->repository, result->digest, *key);
    if (!signed_)
      return fail({signed_.error().kind,
                   "pushed " + ref->to_string() + " but could not sign it: " +
                       signed_.error().message + "; retry with `asterai sign`",
                   {}});
    signature = *signed_;
  }

  const std::string& visibility_note = result->visibility_note;
  if (a.json) {
    json out = {{"ref", ref->to_string()},
                {"digest", result->digest},
                {"already_published", result->already_published},
                {"latest_moved", result->latest_moved},
                {"referrers_tag_fallback", result->used_fallback},
                {"wit_source", wit_source_name(publication->wit_source)},
                {"referrers", json::array()}};
    for (const auto& [type, digest] : result->referrers)
      out["referrers"].push_back({{"artifactType", type}, {"digest", digest}});
    if (result->visibility_set) out["visibility"] = *result->visibility_set ? "public" : "private";
    if (!visibility_note.empty()) out["note"] = visibility_note;
    if (key) out["signed_by"] = key->id();
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::cout << (result->already_published ? "already published " : "pushed ") << ref->to_string()
            << "\n  digest  " << result->digest << "\n";
  for (const auto& [type, digest] : result->referrers) {
    std::cout << "  " << (type == oci::kWitArtifact ? "wit     " : "tools   ") << digest;
    if (type == oci::kWitArtifact) {
      if (publication->wit_source == publish::WitSource::folder)
        std::cout << "  (" << publication->wit_folder.string() << ")";
      else
        std::cout << "  (read from the component)";
    }
    std::cout << "\n";
  }
  if (result->used_fallback)
    std::cout << "  (no referrers API: attached through tag " << "sha256-"
              << result->digest.substr(7) << ")\n";
  if (result->latest_moved) std::cout << "  latest  -> " << ref->tag << "\n";
  if (key)
    std::cout << "  signed  by key " << key->id() << (signature->already_signed ? " (already)" : "")
              << "\n";
  if (result->visibility_set)
    std::cout << "  visibility  " << (*result->visibility_set ? "public" : "private") << "\n";
  if (!visibility_note.empty()) std::fprintf(stderr, "warning: %s\n", visibility_note.c_str());
  return 0;
}

struct PullArgs {
  std::string ref;
  bool json = false;
  bool no_referrers = false;
  RegistryFlags registry;
};

int pull(const PullArgs& a) {
  auto fail = [&](const Error& e) { return report(e, a.json); };
  auto ref = parse_ref(a.ref);
  if (!ref) return fail(ref.error());
  auto store = open_store();
  if (!store) return fail(store.error());
  auto client = make_client(ref->registry, a.registry);
  if (!client) return fail(client.error());
  auto progress = make_progress(a.json);
  auto trust = signing::Trust::load(oci::asterai_home());
  if (!trust) return fail(trust.error());
  signing::TrustCheck check;
  oci::PullOptions options;
  options.referrers = !a.no_referrers;
  options.progress = progress.get();
  options.before_store = [&](const std::string& digest) -> Result<void> {
    check = ASTERAI_TRY(signing::check_trust(*trust, *client, *ref, digest));
    return {};
  };
  auto result = oci::pull(*client, *store, *ref, options);
  if (!result) return fail(result.error());
  if (!check.warning.empty()) result->warnings.push_back(check.warning);
  for (const auto& w : result->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  if (a.json) {
    std::cout << json{{"ref", ref->to_string()},
                      {"digest", result->digest},
                      {"wasm",
                       {{"digest", result->wasm.digest},
                        {"size", result->wasm.size},
                        {"path", result->wasm_path.string()}}},
                      {"referrers", result->referrers},
                      {"signed_by", check.signers}}
                     .dump()
              << "\n";
    return 0;
  }
  std::cout << "pulled " << ref->to_string() << "\n  digest  " << result->digest << "\n  wasm    "
            << result->wasm.digest << "  " << human_size(result->wasm.size) << "\n  path    "
            << result->wasm_path.string() << "\n";
  for (const auto& id : check.signers) std::cout << "  signed  by trusted key " << id << "\n";
  return 0;
}

}  // namespace

void add_push_pull_commands(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<PushArgs>();
  auto* push_cmd = app.add_subcommand(
      "push", "Publish a component (+ its WIT and tools referrers) to an OCI registry");
  push_cmd
      ->add_option("args", a->positionals,
                   "[COMPONENT.wasm] REF: the component file and REGISTRY/NS/NAME:VERSION "
                   "(defaults from ./asterai.toml)")
      ->expected(0, 2);
  push_cmd->add_option("--wit", a->wit,
                       "Folder of the component's .wit files (default: the WIT folder of the "
                       "project the component belongs to, else the WIT read from the component)");
  push_cmd->add_flag("--no-wit", a->no_wit, "Push without the WIT referrer");
  push_cmd->add_option("--description", a->description, "org.opencontainers.image.description");
  push_cmd->add_option("--license", a->license, "org.opencontainers.image.licenses (SPDX)");
  push_cmd->add_option("--source", a->source, "org.opencontainers.image.source (URL)");
  push_cmd->add_option("--author", a->author, "Config author (default: the namespace)");
  push_cmd->add_flag("--public", a->is_public,
                     "Make the repository public on first publication (asterai registry)");
  push_cmd->add_flag("--private", a->is_private,
                     "Make the repository private on first publication (asterai registry)");
  push_cmd->add_flag("--no-latest", a->no_latest,
                     "Do not move `latest` (by default it follows the newest release)");
  push_cmd->add_option("--sign", a->sign_key,
                       "Sign the pushed manifest with this private key (cosign-compatible; "
                       "password from $ASTERAI_KEY_PASSWORD or the terminal)");
  push_cmd->add_flag("--json", a->json, "Print the result as JSON");
  a->registry.add_to(*push_cmd);
  push_cmd->callback([a, &exit_code] { exit_code = push(*a); });

  auto p = std::make_shared<PullArgs>();
  auto* pull_cmd = app.add_subcommand("pull", "Fetch a component into the local store");
  pull_cmd->add_option("ref", p->ref, "REGISTRY/NS/NAME:VERSION or REGISTRY/NS/NAME@sha256:…")
      ->required();
  pull_cmd->add_flag("--no-referrers", p->no_referrers, "Skip the WIT and tools referrers");
  pull_cmd->add_flag("--json", p->json, "Print the result as JSON");
  p->registry.add_to(*pull_cmd);
  pull_cmd->callback([p, &exit_code] { exit_code = pull(*p); });
}

}  // namespace asterai::cli
