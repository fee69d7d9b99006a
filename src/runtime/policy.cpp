#include "asterai/runtime/policy.h"

#include <fstream>
#include <sstream>

#include "asterai/common/toml_reader.h"
#include "asterai/common/units.h"

namespace asterai::runtime {
namespace {

using Context = TomlReader;

Result<void> parse_grants(const Context& cx, const toml::table& t,
                          const std::filesystem::path& base, Grants& g) {
  ASTERAI_TRY(cx.only_keys(t, {"env", "dirs", "allow_hosts"}, "[grants]"));
  if (const auto* env = t.get("env")) {
    for (const auto& spec : ASTERAI_TRY(cx.strings(*env, "grants.env"))) {
      auto grant = parse_env_grant(spec);
      if (!grant) return cx.error(*env, grant.error().message);
      g.env.push_back(*grant);
    }
  }
  if (const auto* hosts = t.get("allow_hosts")) {
    for (const auto& pattern : ASTERAI_TRY(cx.strings(*hosts, "grants.allow_hosts"))) {
      if (auto ok = validate_host_pattern(pattern); !ok)
        return cx.error(*hosts, ok.error().message);
      g.allow_hosts.push_back(pattern);
    }
  }
  if (const auto* dirs = t.get("dirs")) {
    const auto* array = dirs->as_array();
    if (!array) return cx.error(*dirs, "grants.dirs must be an array of tables ([[grants.dirs]])");
    for (const auto& item : *array) {
      const auto* d = item.as_table();
      if (!d)
        return cx.error(item, "each grants.dirs entry must be a table with host, guest, mode");
      ASTERAI_TRY(cx.only_keys(*d, {"host", "guest", "mode"}, "[[grants.dirs]]"));
      auto host = d->get("host") ? d->get("host")->value<std::string>() : std::nullopt;
      if (!host) return cx.error(item, "grants.dirs entry needs host = \"path\"");
      std::filesystem::path host_path(*host);
      if (host_path.is_relative()) host_path = base / host_path;
      std::string spec = host_path.string();
      if (auto guest = d->get("guest") ? d->get("guest")->value<std::string>() : std::nullopt)
        spec += ":" + *guest;
      std::string mode = d->get("mode") ? d->get("mode")->value<std::string>().value_or("?") : "ro";
      if (mode != "ro" && mode != "rw") return cx.error(item, "mode must be \"ro\" or \"rw\"");
      auto grant = parse_dir_grant(spec + ":" + mode);
      if (!grant) return cx.error(item, grant.error().message);
      g.dirs.push_back(*grant);
    }
  }
  return {};
}

Result<void> parse_limits(const Context& cx, const toml::table& t, CallLimits& l) {
  ASTERAI_TRY(cx.only_keys(t, {"timeout", "max_memory", "fuel", "max_output"}, "[limits]"));
  if (const auto* n = t.get("timeout")) {
    auto d = parse_duration(ASTERAI_TRY(cx.unit_text(*n, "limits.timeout")), "limits.timeout");
    if (!d) return cx.error(*n, d.error().message);
    l.timeout = *d;
  }
  if (const auto* n = t.get("max_memory")) {
    auto s = parse_size(ASTERAI_TRY(cx.unit_text(*n, "limits.max_memory")), "limits.max_memory");
    if (!s) return cx.error(*n, s.error().message);
    l.max_memory = *s;
  }
  if (const auto* n = t.get("max_output")) {
    auto s = parse_size(ASTERAI_TRY(cx.unit_text(*n, "limits.max_output")), "limits.max_output");
    if (!s) return cx.error(*n, s.error().message);
    l.max_output = *s;
  }
  if (const auto* n = t.get("fuel")) {
    auto f = n->value_exact<int64_t>();
    if (!f || *f <= 0) return cx.error(*n, "limits.fuel must be a positive integer");
    l.fuel = static_cast<uint64_t>(*f);
  }
  return {};
}

}  // namespace

Result<Policy> parse_policy(std::string_view text, std::string_view source,
                            const std::filesystem::path& base_dir) {
  Context cx{std::string(source)};
  toml::table doc;
  try {
    doc = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    return cx.parse_error(e);
  }
  Policy policy;
  ASTERAI_TRY(cx.only_keys(doc, {"grants", "limits"}, "the policy"));
  if (const auto* g = doc.get("grants")) {
    if (!g->is_table()) return cx.error(*g, "grants must be a table ([grants])");
    ASTERAI_TRY(parse_grants(cx, *g->as_table(), base_dir, policy.grants));
  }
  if (const auto* l = doc.get("limits")) {
    if (!l->is_table()) return cx.error(*l, "limits must be a table ([limits])");
    ASTERAI_TRY(parse_limits(cx, *l->as_table(), policy.limits));
  }
  return policy;
}

Result<Policy> load_policy(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) return make_error(ErrorKind::io, "cannot read policy " + file.string());
  std::stringstream text;
  text << in.rdbuf();
  return parse_policy(text.str(), file.string(), file.parent_path());
}

}  // namespace asterai::runtime
