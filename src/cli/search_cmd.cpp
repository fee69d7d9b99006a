// `asterai search WORDS…` (the registry's search API) and `asterai show REF` (a remote
// component's versions, description, WIT and tools, read without downloading its wasm).
// docs/cli.md; the logic is in oci/search.cpp and oci/component_view.cpp.
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include "asterai/oci/component_view.h"
#include "asterai/oci/credentials.h"
#include "asterai/signing/trust.h"
#include "commands.h"
#include "oci_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

using nlohmann::json;

// --registry, else $ASTERAI_REGISTRY.
Result<std::string> registry_of(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* r = std::getenv("ASTERAI_REGISTRY"); r && *r) return std::string(r);
  return make_error(ErrorKind::usage,
                    "which registry? give --registry HOST[:PORT] or set ASTERAI_REGISTRY");
}

std::string joined(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : separator) + i;
  return out;
}

struct SearchArgs {
  std::vector<std::string> words;
  std::string registry;
  size_t limit = 20;
  size_t page = 1;
  bool json = false;
  RegistryFlags flags;
};

json hit_json(const oci::SearchHit& h, const std::string& registry) {
  json out = {{"name", h.name},
              {"ref", registry + "/" + h.name + (h.latest.empty() ? "" : ":" + h.latest)},
              {"latest", h.latest.empty() ? json(nullptr) : json(h.latest)},
              {"description", h.description},
              {"tools", h.tools},
              {"interfaces", h.interfaces},
              {"tags", h.tags},
              {"score", h.score}};
  if (!h.visibility.empty()) out["visibility"] = h.visibility;
  return out;
}

void print_hits(const oci::SearchPage& page, const std::string& registry,
                const std::string& query) {
  if (page.hits.empty()) {
    std::cout << "no component in " << registry << " matches \"" << query
              << "\" (private components appear only to their owners when logged in)\n";
    return;
  }
  for (const auto& h : page.hits) {
    std::cout << registry << "/" << h.name << (h.latest.empty() ? "" : ":" + h.latest)
              << (h.visibility == "private" ? "  (private)" : "") << "\n";
    if (!h.description.empty()) std::cout << "  " << h.description << "\n";
    if (!h.tools.empty()) std::cout << "  tools: " << joined(h.tools, ", ") << "\n";
  }
  size_t shown_to = (page.page - 1) * page.per_page + page.hits.size();
  if (page.total > shown_to)
    std::cout << "(" << page.hits.size() << " of " << page.total << "; --page " << page.page + 1
              << " shows more)\n";
}

int search(const SearchArgs& a) {
  if (a.limit == 0 || a.limit > 100 || a.page == 0)
    return report({ErrorKind::usage, "--limit must be 1..100 and --page at least 1", {}}, a.json);
  auto registry = registry_of(a.registry);
  if (!registry) return report(registry.error(), a.json);
  auto client = make_client(*registry, a.flags);
  if (!client) return report(client.error(), a.json);
  std::string query = joined(a.words, " ");
  auto page = client->search({query, a.limit, a.page});
  if (!page) return report(page.error(), a.json);
  if (a.json) {
    json hits = json::array();
    for (const auto& h : page->hits) hits.push_back(hit_json(h, *registry));
    std::cout << json{{"registry", *registry},      {"query", query},
                      {"total", page->total},       {"page", page->page},
                      {"per_page", page->per_page}, {"results", hits}}
                     .dump()
              << "\n";
    return 0;
  }
  print_hits(*page, *registry, query);
  return 0;
}

struct ShowArgs {
  std::string ref;
  std::string registry;
  bool json = false;
  bool no_wit = false;
  RegistryFlags flags;
};

json view_json(const oci::ComponentView& v) {
  json wit = json::array();
  for (const auto& f : v.wit) wit.push_back({{"name", f.name}, {"text", f.text}});
  return {{"ref", v.ref.to_string()},
          {"registry", v.ref.registry},
          {"repository", v.ref.repository},
          {"digest", v.digest},
          {"description", v.description()},
          {"annotations", v.annotations},
          {"versions", v.versions},
          {"latest", v.latest.empty() ? json(nullptr) : json(v.latest)},
          {"wasm", {{"digest", v.wasm.digest}, {"size", v.wasm.size}}},
          {"component",
           {{"exports", v.info.exports},
            {"imports", v.info.imports},
            {"target", v.info.target.empty() ? json(nullptr) : json(v.info.target)}}},
          {"tools", v.tools},
          {"wit", wit},
          {"warnings", v.warnings}};
}

std::string text_of(const json& tool, const char* key) {
  return tool.contains(key) && tool[key].is_string() ? tool[key].get<std::string>() : "";
}

void print_view(const oci::ComponentView& v, bool with_wit,
                const std::optional<signing::Verdict>& signed_) {
  std::cout << v.ref.to_string() << "\n";
  if (!v.description().empty()) std::cout << "  " << v.description() << "\n";
  std::cout << "  digest    " << v.digest << "\n  wasm      " << human_size(v.wasm.size) << " ("
            << v.wasm.digest << ")\n  versions  " << joined(v.versions, " ")
            << (v.latest.empty() ? "" : "  (latest " + v.latest + ")") << "\n";
  if (!v.info.target.empty()) std::cout << "  world     " << v.info.target << "\n";
  if (signed_) {
    std::cout << "  signed    ";
    if (signed_->found == 0)
      std::cout << "no";
    else
      std::cout << signed_->found << " signature(s)";
    for (const auto& id : signed_->signers) std::cout << ", by trusted key " << id;
    std::cout << "\n";
  }
  for (const char* key : {"org.opencontainers.image.licenses", "org.opencontainers.image.source",
                          "org.opencontainers.image.created"}) {
    auto it = v.annotations.find(key);
    if (it == v.annotations.end()) continue;
    std::string label = std::string(key).substr(std::string("org.opencontainers.image.").size());
    label.resize(10, ' ');
    std::cout << "  " << label << it->second << "\n";
  }
  std::cout << "tools (" << v.tools.size() << ")\n";
  for (const auto& t : v.tools) {
    std::cout << "  " << text_of(t, "name");
    if (auto sig = text_of(t, "signature"); !sig.empty()) std::cout << "  " << sig;
    std::cout << "\n";
    if (auto doc = text_of(t, "description"); !doc.empty()) std::cout << "      " << doc << "\n";
    if (auto why = text_of(t, "unsupported"); !why.empty())
      std::cout << "      (not callable: " << why << ")\n";
  }
  if (!with_wit) return;
  for (const auto& f : v.wit) {
    std::cout << "wit: " << f.name << "\n" << f.text;
    if (!f.text.empty() && f.text.back() != '\n') std::cout << "\n";
  }
}

int show(const ShowArgs& a) {
  auto ref = a.registry.empty() ? parse_ref(a.ref) : oci::parse_reference(a.ref, a.registry);
  if (!ref) return report(ref.error(), a.json);
  auto client = make_client(ref->registry, a.flags);
  if (!client) return report(client.error(), a.json);
  auto view = oci::view_component(*client, *ref);
  if (!view) return report(view.error(), a.json);
  for (const auto& w : view->warnings) std::fprintf(stderr, "warning: %s\n", w.c_str());
  // Who signed it: a listing without signatures is still useful, so failures are warnings.
  std::optional<signing::Verdict> signed_;
  auto trust = signing::Trust::load(oci::asterai_home());
  auto status = trust ? signing::signature_status(*trust, *client, *ref, view->digest)
                      : tl::unexpected(trust.error());
  if (status)
    signed_ = *status;
  else
    std::fprintf(stderr, "warning: signatures not read: %s\n", status.error().message.c_str());
  if (a.json) {
    json out = view_json(*view);
    if (signed_)
      out["signatures"] = {{"count", signed_->found}, {"trusted_signers", signed_->signers}};
    std::cout << out.dump() << "\n";
    return 0;
  }
  print_view(*view, !a.no_wit, signed_);
  return 0;
}

}  // namespace

void add_search_commands(CLI::App& app, int& exit_code) {
  auto s = std::make_shared<SearchArgs>();
  auto* search_cmd = app.add_subcommand(
      "search", "Find components in a registry (name, description, tools, WIT interfaces)");
  search_cmd->add_option("query", s->words,
                         "Words that must all match (none: every component you may see)");
  search_cmd->add_option("--registry", s->registry,
                         "Registry host (default $ASTERAI_REGISTRY); private components of the "
                         "logged-in user are included");
  search_cmd->add_option("-n,--limit", s->limit, "Results per page (1-100)")->capture_default_str();
  search_cmd->add_option("--page", s->page, "Page of results, from 1")->capture_default_str();
  search_cmd->add_flag("--json", s->json, "Print the results as JSON");
  s->flags.add_to(*search_cmd);
  search_cmd->callback([s, &exit_code] { exit_code = search(*s); });

  auto v = std::make_shared<ShowArgs>();
  auto* show_cmd = app.add_subcommand(
      "show",
      "Describe a component in a registry: versions, description, tools, WIT (no download)");
  show_cmd
      ->add_option("ref", v->ref,
                   "REGISTRY/NS/NAME[:VERSION] or REGISTRY/NS/NAME@sha256:… (default tag latest)")
      ->required();
  show_cmd->add_option("--registry", v->registry,
                       "Registry for a REF without one (default $ASTERAI_REGISTRY)");
  show_cmd->add_flag("--no-wit", v->no_wit, "Leave the WIT text out of the listing");
  show_cmd->add_flag("--json", v->json, "Print everything as JSON");
  v->flags.add_to(*show_cmd);
  show_cmd->callback([v, &exit_code] { exit_code = show(*v); });
}

}  // namespace asterai::cli
