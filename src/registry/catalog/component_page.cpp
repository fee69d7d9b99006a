// GET /c/<repository>[?v=TAG]: one component, read straight from the registry's own data
// (its manifest and config, the WIT and tools referrers, cosign signatures).
#include <algorithm>
#include <charconv>
#include <ctime>
#include <nlohmann/json.hpp>
#include <set>

#include "asterai/registry/digest.h"
#include "asterai/registry/search/keywords.h"
#include "catalog/html.h"
#include "catalog/pages.h"

namespace asterai::registry::catalog {
namespace {

using nlohmann::json;

constexpr size_t kMaxText = 1 << 20;  // a WIT file or tools document shown whole up to this
constexpr std::string_view kSignatureArtifact = "application/vnd.dev.cosign.artifact.sig.v1+json";
constexpr std::string_view kSimpleSigning = "application/vnd.dev.cosign.simplesigning.v1+json";

struct Version {
  std::string tag, digest;
  int64_t created = 0;
};

// Newest first: numeric parts compare as numbers ("1.10.0" after "1.9.0").
bool newer(const std::string& a, const std::string& b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (std::isdigit(static_cast<unsigned char>(a[i])) &&
        std::isdigit(static_cast<unsigned char>(b[j]))) {
      uint64_t x = 0, y = 0;
      auto ra = std::from_chars(a.data() + i, a.data() + a.size(), x);
      auto rb = std::from_chars(b.data() + j, b.data() + b.size(), y);
      if (x != y) return x > y;
      i = ra.ptr - a.data();
      j = rb.ptr - b.data();
    } else {
      if (a[i] != b[j]) return a[i] > b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i > b.size() - j;
}

Result<std::string> read_blob(Registry& registry, const std::string& repo,
                              const std::string& digest, size_t limit) {
  auto d = ASTERAI_TRY(parse_digest(digest));
  auto reader = ASTERAI_TRY(registry.store().open_blob(repo, d));
  if (reader->size() > limit) return make_error(ErrorKind::too_large, "blob too large to show");
  std::string out(reader->size(), '\0');
  size_t got = 0;
  while (got < out.size()) {
    size_t n = ASTERAI_TRY(reader->read_at(got, std::span(out.data() + got, out.size() - got)));
    if (n == 0) break;
    got += n;
  }
  out.resize(got);
  return out;
}

json parse_object(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  return j.is_object() ? j : json::object();
}

std::string string_at(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string date_of(int64_t unix) {
  if (unix <= 0) return "";
  std::time_t t = unix;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

struct Component {
  std::string repo, tag, digest;
  json manifest, config;
  std::vector<Version> versions;
  std::vector<std::pair<std::string, std::string>> wit;  // file name, text
  json tools = json::array();
  size_t signatures = 0;
};

// The layers of one referrer manifest, each read as text.
void read_layers(Registry& registry, const std::string& repo, const std::string& digest,
                 const std::function<void(const json& layer, const std::string& text)>& take) {
  auto stored = registry.store().get_manifest(repo, digest, true);
  if (!stored) return;
  json m = parse_object(stored->bytes);
  if (!m.contains("layers") || !m["layers"].is_array()) return;
  for (const auto& layer : m["layers"]) {
    if (!layer.is_object()) continue;
    auto text = read_blob(registry, repo, string_at(layer, "digest"), kMaxText);
    if (text) take(layer, *text);
  }
}

Result<Component> load(Registry& registry, const std::string& repo, const std::string& wanted) {
  Component c;
  c.repo = repo;
  auto tags = ASTERAI_TRY(registry.metadata().list_tags(repo, "", 10000));
  std::erase_if(tags, [](const std::string& t) { return is_plumbing_tag(t); });
  std::sort(tags.begin(), tags.end(), newer);
  for (const auto& t : tags) {
    Version v{t, "", 0};
    if (auto d = registry.metadata().resolve_tag(repo, t)) {
      v.digest = *d;
      if (auto rec = registry.metadata().get_manifest(repo, *d)) v.created = rec->created_unix;
    }
    c.versions.push_back(std::move(v));
  }
  if (c.versions.empty()) return make_error(ErrorKind::not_found, "no versions");
  c.tag = wanted;
  if (c.tag.empty()) {
    bool has_latest = std::any_of(tags.begin(), tags.end(), [](auto& t) { return t == "latest"; });
    c.tag = has_latest ? "latest" : c.versions.front().tag;
  }
  auto stored = ASTERAI_TRY(registry.store().get_manifest(repo, c.tag, true));
  c.digest = stored.record.digest;
  c.manifest = parse_object(stored.bytes);
  if (c.manifest.contains("config") && c.manifest["config"].is_object()) {
    if (auto text = read_blob(registry, repo, string_at(c.manifest["config"], "digest"), 1 << 16))
      c.config = parse_object(*text);
  }

  std::set<std::string> signatures;  // layer digest + signature: one per signature
  auto count_signatures = [&](const std::string& digest) {
    read_layers(registry, repo, digest, [&](const json& layer, const std::string&) {
      auto ann = layer.find("annotations");
      if (string_at(layer, "mediaType") == kSimpleSigning && ann != layer.end() && ann->is_object())
        signatures.insert(string_at(layer, "digest") +
                          string_at(*ann, "dev.cosignproject.cosign/signature"));
    });
  };
  for (const auto& r : ASTERAI_TRY(registry.metadata().referrers(repo, c.digest))) {
    if (r.artifact_type == kWitArtifactType) {
      read_layers(registry, repo, r.digest, [&](const json& layer, const std::string& text) {
        std::string name = "component.wit";
        if (auto ann = layer.find("annotations"); ann != layer.end() && ann->is_object())
          if (auto title = string_at(*ann, "org.opencontainers.image.title"); !title.empty())
            name = title;
        c.wit.emplace_back(name, text);
      });
    } else if (r.artifact_type == kToolsArtifactType) {
      read_layers(registry, repo, r.digest, [&](const json&, const std::string& text) {
        json doc = parse_object(text);
        if (doc.contains("tools") && doc["tools"].is_array()) c.tools = doc["tools"];
      });
    } else if (r.artifact_type == kSignatureArtifact) {
      count_signatures(r.digest);
    }
  }
  std::string sig_tag = "sha256-" + c.digest.substr(c.digest.find(':') + 1) + ".sig";
  if (auto d = registry.metadata().resolve_tag(repo, sig_tag)) count_signatures(*d);
  c.signatures = signatures.size();
  return c;
}

std::string render(const Component& c, const std::string& host, bool is_public) {
  json ann = c.manifest.contains("annotations") && c.manifest["annotations"].is_object()
                 ? c.manifest["annotations"]
                 : json::object();
  std::string ref = host + "/" + c.repo + ":" + c.tag;
  std::string h = "<h1>" + escape(c.repo) + "</h1><p class=\"meta\">";
  h += is_public ? "<span class=\"badge\">public</span> "
                 : "<span class=\"badge private\">private</span> ";
  h += c.signatures ? "<span class=\"badge signed\">signed: " + std::to_string(c.signatures) +
                          " signature" + (c.signatures == 1 ? "" : "s") + "</span>"
                    : "<span class=\"badge\">not signed</span>";
  h += "</p>";
  if (auto d = string_at(ann, "org.opencontainers.image.description"); !d.empty())
    h += "<p>" + escape(d) + "</p>";
  h += "<dl>";
  auto row = [&](const char* label, const std::string& value) {
    if (!value.empty()) h += "<dt>" + std::string(label) + "</dt><dd>" + value + "</dd>";
  };
  row("Version", escape(c.tag));
  row("Digest", "<code>" + escape(c.digest) + "</code>");
  row("License", escape(string_at(ann, "org.opencontainers.image.licenses")));
  std::string source = string_at(ann, "org.opencontainers.image.source");
  if (source.starts_with("https://") || source.starts_with("http://"))
    row("Source", "<a href=\"" + escape(source) + "\" rel=\"nofollow\">" + escape(source) + "</a>");
  else
    row("Source", escape(source));
  if (c.config.contains("component") && c.config["component"].is_object())
    if (auto world = string_at(c.config["component"], "target"); !world.empty())
      row("World", "<code>" + escape(world) + "</code>");
  h += "</dl>";

  h += "<h2>Use it</h2><pre>asterai pull " + escape(ref) + "\nasterai call " + escape(ref) + " " +
       escape(c.tools.empty() ? "FUNCTION" : string_at(c.tools[0], "name")) +
       " …\nasterai env add ENV " + escape(c.repo.substr(c.repo.rfind('/') + 1)) + " " +
       escape(ref) + "\nasterai verify " + escape(ref) + " --key PUBLISHER.pub</pre>";

  h += "<h2>Tools (" + std::to_string(c.tools.size()) + ")</h2>";
  for (const auto& t : c.tools) {
    if (!t.is_object()) continue;
    h += "<section class=\"tool\"><h3><code>" + escape(string_at(t, "name")) + "</code></h3>";
    if (auto sig = string_at(t, "signature"); !sig.empty())
      h += "<p><code>" + escape(sig) + "</code></p>";
    if (auto d = string_at(t, "description"); !d.empty()) h += "<p>" + escape(d) + "</p>";
    if (auto why = string_at(t, "unsupported"); !why.empty())
      h += "<p class=\"meta\">Not callable: " + escape(why) + "</p>";
    for (const char* schema : {"input_schema", "output_schema"}) {
      if (!t.contains(schema)) continue;
      h += "<details><summary>" +
           std::string(schema == std::string_view("input_schema") ? "Input" : "Output") +
           " schema</summary><pre>" + escape(t[schema].dump(2)) + "</pre></details>";
    }
    h += "</section>";
  }

  h += "<h2>Versions</h2><table><thead><tr><th scope=\"col\">Version</th><th "
       "scope=\"col\">Published</th><th scope=\"col\">Digest</th></tr></thead><tbody>";
  for (const auto& v : c.versions)
    h += "<tr><td><a href=\"/c/" + escape(c.repo) + "?v=" + url_encode(v.tag) + "\">" +
         escape(v.tag) + "</a></td><td>" + date_of(v.created) + "</td><td><code>" +
         escape(v.digest.substr(0, 19)) + "…</code></td></tr>";
  h += "</tbody></table>";

  if (!c.wit.empty()) {
    h += "<h2>WIT</h2>";
    for (const auto& [name, text] : c.wit)
      h += "<h3>" + escape(name) + "</h3><pre>" + highlight_wit(text) + "</pre>";
  }
  return h;
}

}  // namespace

bool is_plumbing_tag(std::string_view tag) {
  if (tag.ends_with(".sig")) tag.remove_suffix(4);
  return tag.size() == 71 && tag.starts_with("sha256-");
}

http::Response component_page(http::Context& ctx, const Viewer& viewer, const std::string& repo) {
  auto info = ctx.registry.metadata().repository(repo);
  if (!info || !*info || !viewer.may_see(**info)) return not_found_page(viewer);
  auto c = load(ctx.registry, repo, ctx.request.param("v"));
  if (!c) return not_found_page(viewer);
  std::string host = ctx.request.header("host");
  return html_response(200,
                       page(repo, render(*c, host.empty() ? "REGISTRY" : host, (*info)->is_public),
                            viewer.session, viewer.logins));
}

}  // namespace asterai::registry::catalog
