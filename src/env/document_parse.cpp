
#include <algorithm>
#include <regex>

#include "asterai/common/files.h"
#include "asterai/common/http_route.h"
#include "asterai/common/toml_reader.h"
#include "asterai/common/units.h"
#include "asterai/env/document.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/store.h"
#include "asterai/runtime/sandbox.h"
#include "document_schedules.h"

namespace asterai::env {
namespace {

using Context = TomlReader;

Result<void> parse_grants(const Context& cx, const toml::table& t, const std::string& where,
                          ComponentPolicy& p) {
  ASTERAI_TRY(cx.only_keys(t, {"env", "dirs", "allow_hosts"}, "[" + where + "]"));
  if (const auto* env = t.get("env")) {
    p.env = ASTERAI_TRY(cx.strings(*env, where + ".env"));
    for (const auto& spec : p.env)
      if (auto ok = validate_env_grant(spec); !ok) return cx.error(*env, ok.error().message);
  }
  if (const auto* hosts = t.get("allow_hosts")) {
    p.allow_hosts = ASTERAI_TRY(cx.strings(*hosts, where + ".allow_hosts"));
    for (const auto& pattern : p.allow_hosts)
      if (auto ok = runtime::validate_host_pattern(pattern); !ok)
        return cx.error(*hosts, ok.error().message);
  }
  if (const auto* dirs = t.get("dirs")) {
    const auto* array = dirs->as_array();
    if (!array) return cx.error(*dirs, where + ".dirs must be an array of tables");
    for (const auto& item : *array) {
      const auto* d = item.as_table();
      if (!d) return cx.error(item, "each " + where + ".dirs entry must be a table");
      ASTERAI_TRY(cx.only_keys(*d, {"host", "guest", "mode"}, "[[" + where + ".dirs]]"));
      DirSpec dir;
      if (!d->get("host")) return cx.error(item, where + ".dirs entry needs host = \"path\"");
      dir.host = ASTERAI_TRY(cx.string(*d->get("host"), "host"));
      dir.guest = dir.host;
      if (const auto* g = d->get("guest")) dir.guest = ASTERAI_TRY(cx.string(*g, "guest"));
      if (const auto* m = d->get("mode")) dir.mode = ASTERAI_TRY(cx.string(*m, "mode"));
      if (auto ok = validate_dir(dir); !ok) return cx.error(item, ok.error().message);
      p.dirs.push_back(std::move(dir));
    }
  }
  return {};
}

Result<void> parse_limits(const Context& cx, const toml::table& t, const std::string& where,
                          ComponentPolicy& p) {
  ASTERAI_TRY(cx.only_keys(t, {"timeout", "max_memory", "fuel", "max_output"}, "[" + where + "]"));
  if (const auto* n = t.get("timeout")) {
    auto text = ASTERAI_TRY(cx.unit_text(*n, where + ".timeout"));
    if (auto d = parse_duration(text, where + ".timeout"); !d)
      return cx.error(*n, d.error().message);
    p.timeout = text;
  }
  if (const auto* n = t.get("max_memory")) {
    auto text = ASTERAI_TRY(cx.unit_text(*n, where + ".max_memory"));
    if (auto s = parse_size(text, where + ".max_memory"); !s)
      return cx.error(*n, s.error().message);
    p.max_memory = text;
  }
  if (const auto* n = t.get("max_output")) {
    auto text = ASTERAI_TRY(cx.unit_text(*n, where + ".max_output"));
    if (auto s = parse_size(text, where + ".max_output"); !s)
      return cx.error(*n, s.error().message);
    p.max_output = text;
  }
  if (const auto* n = t.get("fuel")) {
    auto f = n->value_exact<int64_t>();
    if (!f || *f <= 0) return cx.error(*n, where + ".fuel must be a positive integer");
    p.fuel = static_cast<uint64_t>(*f);
  }
  return {};
}

// A local component keeps the file it came from, for `env update`; a registry one has none.
Result<void> parse_local_path(const Context& cx, const toml::table& t, const toml::node& node,
                              const std::string& where, ComponentEntry& c) {
  const auto* path = t.get("path");
  bool local = oci::is_local_ref(c.ref);
  if (path && !local)
    return cx.error(*path, where + ".path is only for local components (ref = \"local:sha256:…\")");
  if (!local) return {};
  if (!path)
    return cx.error(node, "[" + where + "] is a local component and needs path = \"FILE.wasm\"");
  c.path = ASTERAI_TRY(cx.string(*path, where + ".path"));
  if (c.path.empty()) return cx.error(*path, where + ".path must not be empty");
  return {};
}

Result<void> parse_component(const Context& cx, const Document& doc, const std::string& name,
                             const toml::node& node, ComponentEntry& c) {
  const std::string where = "components." + name;
  if (!is_valid_component_name(name))
    return cx.error(
        node, "bad component name \"" + name + "\" (use lower-case letters, digits, '-' and '_')");
  const auto* t = ASTERAI_TRY(cx.table(node, where));
  ASTERAI_TRY(cx.only_keys(*t,
                           {"ref", "path", "vars", "secrets", "grants", "limits",
                            "allow-missing-imports", "http", "http-max-body"},
                           "[" + where + "]"));
  const auto* ref = t->get("ref");
  if (!ref) return cx.error(node, "[" + where + "] needs ref = \"REGISTRY/NS/NAME:VERSION\"");
  c.ref = ASTERAI_TRY(cx.string(*ref, where + ".ref"));
  if (auto ok = validate_component_ref(c.ref); !ok) return cx.error(*ref, ok.error().message);
  ASTERAI_TRY(parse_local_path(cx, *t, node, where, c));
  if (const auto* vars = t->get("vars")) {
    c.vars = ASTERAI_TRY(cx.strings(*vars, where + ".vars"));
    for (const auto& v : c.vars)
      if (!doc.vars.contains(v))
        return cx.error(*vars, where + ".vars names \"" + v + "\", which is not in [vars]");
  }
  if (const auto* secrets = t->get("secrets")) {
    c.secrets = ASTERAI_TRY(cx.strings(*secrets, where + ".secrets"));
    for (const auto& s : c.secrets)
      if (std::find(doc.secrets.begin(), doc.secrets.end(), s) == doc.secrets.end())
        return cx.error(*secrets, where + ".secrets names \"" + s +
                                      "\", which is not declared in the top-level secrets list");
  }
  if (const auto* allow = t->get("allow-missing-imports")) {
    const auto* value = allow->as_boolean();
    if (!value) return cx.error(*allow, where + ".allow-missing-imports must be true or false");
    c.allow_missing_imports = value->get();
  }
  if (const auto* http = t->get("http")) {
    c.http = ASTERAI_TRY(cx.string(*http, where + ".http"));
    if (auto ok = check_http_route(c.http); !ok)
      return cx.error(*http, where + ".http: " + ok.error().message);
    for (const auto& [other, entry] : doc.components) {
      if (other != name && entry.http == c.http)
        return cx.error(*http,
                        where + ".http: the route " + c.http + " is already " + other + "'s");
    }
  }
  if (const auto* n = t->get("http-max-body")) {
    auto text = ASTERAI_TRY(cx.unit_text(*n, where + ".http-max-body"));
    if (auto size = parse_size(text, where + ".http-max-body"); !size)
      return cx.error(*n, size.error().message);
    c.http_max_body = text;
  }
  if (const auto* g = t->get("grants"))
    ASTERAI_TRY(parse_grants(cx, *ASTERAI_TRY(cx.table(*g, where + ".grants")), where + ".grants",
                             c.policy));
  if (const auto* l = t->get("limits"))
    ASTERAI_TRY(parse_limits(cx, *ASTERAI_TRY(cx.table(*l, where + ".limits")), where + ".limits",
                             c.policy));
  // One environment variable, one source: a var, a secret and an env grant of the same name
  // would leave it to chance which value the component sees.
  std::vector<std::string> names = c.vars;
  names.insert(names.end(), c.secrets.begin(), c.secrets.end());
  for (const auto& spec : c.policy.env) names.push_back(spec.substr(0, spec.find('=')));
  std::sort(names.begin(), names.end());
  if (auto dup = std::adjacent_find(names.begin(), names.end()); dup != names.end())
    return cx.error(node, where + " receives the environment variable \"" + *dup +
                              "\" twice (from vars, secrets or grants.env)");
  return {};
}

Result<void> parse_wires(const Context& cx, const toml::node& node, Document& doc) {
  const auto* array = node.as_array();
  if (!array) return cx.error(node, "wires must be an array of tables ([[wires]])");
  for (const auto& item : *array) {
    const auto* t = item.as_table();
    if (!t) return cx.error(item, "each wires entry must be a table ([[wires]])");
    ASTERAI_TRY(cx.only_keys(*t, {"importer", "interface", "provider"}, "[[wires]]"));
    WireSpec w;
    for (auto [key, out] :
         {std::pair{"importer", &w.importer}, std::pair{"interface", &w.interface},
          std::pair{"provider", &w.provider}}) {
      const auto* v = t->get(key);
      if (!v) return cx.error(item, std::string("[[wires]] needs ") + key);
      *out = ASTERAI_TRY(cx.string(*v, std::string("wires.") + key));
    }
    for (const auto* member : {&w.importer, &w.provider})
      if (!doc.components.contains(*member))
        return cx.error(item,
                        "wire names component \"" + *member + "\", which is not in [components]");
    if (w.importer == w.provider) return cx.error(item, "a component cannot be wired to itself");
    if (!is_valid_interface_name(w.interface))
      return cx.error(
          item, "bad interface \"" + w.interface + "\" (write ns:pkg/iface or ns:pkg/iface@1.2.3)");
    doc.wires.push_back(std::move(w));
  }
  return {};
}

}  // namespace

bool is_valid_component_name(std::string_view name) {
  static const std::regex re("[a-z0-9][a-z0-9_-]{0,62}");
  return std::regex_match(name.begin(), name.end(), re);
}

bool is_valid_var_name(std::string_view name) {
  static const std::regex re("[A-Za-z_][A-Za-z0-9_]{0,127}");
  return std::regex_match(name.begin(), name.end(), re);
}

bool is_valid_interface_name(std::string_view name) {
  static const std::regex re(
      "[a-z][a-z0-9-]*:[a-z][a-z0-9-]*/[a-z][a-z0-9-]*(@[0-9]+\\.[0-9]+\\.[0-9]+[0-9A-Za-z.+-]*)?");
  return std::regex_match(name.begin(), name.end(), re);
}

Result<void> validate_component_ref(std::string_view ref) {
  if (oci::is_local_ref(ref)) return {};
  auto parsed = oci::parse_reference(ref);
  if (!parsed || !oci::looks_like_reference(ref))
    return make_error(ErrorKind::invalid_input,
                      "bad component reference \"" + std::string(ref) +
                          "\" (write REGISTRY/NS/NAME:VERSION or REGISTRY/NS/NAME@sha256:…)");
  return {};
}

bool has_local_components(const Document& doc) {
  return std::any_of(doc.components.begin(), doc.components.end(),
                     [](const auto& c) { return oci::is_local_ref(c.second.ref); });
}

Result<void> validate_env_grant(std::string_view spec) {
  auto name = spec.substr(0, spec.find('='));
  if (!is_valid_var_name(name))
    return make_error(ErrorKind::invalid_input,
                      "bad env grant \"" + std::string(name) +
                          "\" (write NAME or NAME=VALUE; names are [A-Za-z_][A-Za-z0-9_]*)");
  return {};
}

Result<void> validate_dir(const DirSpec& dir) {
  if (dir.host.empty())
    return make_error(ErrorKind::invalid_input, "a dir grant needs a host path");
  if (dir.guest.empty() || dir.guest[0] != '/')
    return make_error(ErrorKind::invalid_input,
                      "guest path \"" + dir.guest + "\" must be absolute (e.g. \"/data\")");
  if (dir.mode != "ro" && dir.mode != "rw")
    return make_error(ErrorKind::invalid_input,
                      "mode must be \"ro\" or \"rw\", not \"" + dir.mode + "\"");
  return {};
}

Result<Document> parse_document(std::string_view text, std::string_view source) {
  Context cx{std::string(source)};
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return cx.parse_error(e);
  }
  Document doc;
  ASTERAI_TRY(cx.only_keys(root, {"vars", "secrets", "components", "wires", "schedules"},
                           "the environment"));
  if (const auto* vars = root.get("vars")) {
    for (auto&& [key, value] : *ASTERAI_TRY(cx.table(*vars, "vars"))) {
      std::string name(key.str());
      if (!is_valid_var_name(name))
        return cx.error(value, "bad var name \"" + name + "\" (use [A-Za-z_][A-Za-z0-9_]*)");
      doc.vars[name] = ASTERAI_TRY(cx.string(value, "vars." + name));
    }
  }
  if (const auto* secrets = root.get("secrets")) {
    doc.secrets = ASTERAI_TRY(cx.strings(*secrets, "secrets"));
    for (const auto& s : doc.secrets)
      if (!is_valid_var_name(s))
        return cx.error(*secrets, "bad secret name \"" + s + "\" (use [A-Za-z_][A-Za-z0-9_]*)");
  }
  if (const auto* components = root.get("components")) {
    for (auto&& [key, value] : *ASTERAI_TRY(cx.table(*components, "components"))) {
      ComponentEntry c;
      ASTERAI_TRY(parse_component(cx, doc, std::string(key.str()), value, c));
      doc.components.emplace(std::string(key.str()), std::move(c));
    }
  }
  if (const auto* wires = root.get("wires")) ASTERAI_TRY(parse_wires(cx, *wires, doc));
  if (const auto* schedules = root.get("schedules"))
    ASTERAI_TRY(parse_schedules(cx, *schedules, doc));
  return doc;
}

Result<Document> load_document(const std::string& path) {
  auto bytes = read_file(path);
  if (!bytes) return make_error(ErrorKind::io, "cannot read environment document " + path);
  return parse_document(
      std::string_view(reinterpret_cast<const char*>(bytes->data()), bytes->size()), path);
}

}  // namespace asterai::env
