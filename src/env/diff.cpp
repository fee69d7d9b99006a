#include "asterai/env/diff.h"

#include <algorithm>

namespace asterai::env {
namespace {

std::string joined(const std::vector<std::string>& v) {
  std::string out = "[";
  for (size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + v[i];
  return out + "]";
}

std::string limits_text(const ComponentPolicy& p) {
  std::string out;
  auto add = [&](const char* k, const std::optional<std::string>& v) {
    if (v) out += (out.empty() ? "" : " ") + std::string(k) + "=" + *v;
  };
  add("timeout", p.timeout);
  add("max_memory", p.max_memory);
  add("max_output", p.max_output);
  if (p.fuel) out += (out.empty() ? "" : " ") + std::string("fuel=") + std::to_string(*p.fuel);
  return out.empty() ? "defaults" : out;
}

}  // namespace

std::vector<Change> diff_documents(const Document& a, const Document& b) {
  std::vector<Change> out;
  for (const auto& [name, c] : a.components)
    if (!b.components.contains(name))
      out.push_back({"component-removed", name, c.ref, Bump::major});
  for (const auto& [name, c] : b.components) {
    auto it = a.components.find(name);
    if (it == a.components.end()) {
      out.push_back({"component-added", name, c.ref, Bump::minor});
      continue;
    }
    const auto& old = it->second;
    if (old.ref != c.ref)
      out.push_back({"component-upgraded", name, old.ref + " -> " + c.ref, Bump::minor});
    if (old.vars != c.vars)
      out.push_back({"component-vars-changed", name, joined(old.vars) + " -> " + joined(c.vars),
                     Bump::patch});
    if (old.secrets != c.secrets)
      out.push_back({"component-secrets-changed", name,
                     joined(old.secrets) + " -> " + joined(c.secrets), Bump::patch});
    const auto &p = old.policy, &q = c.policy;
    if (p.env != q.env || p.dirs != q.dirs || p.allow_hosts != q.allow_hosts) {
      std::string detail;
      if (p.env != q.env) detail += "env " + joined(p.env) + " -> " + joined(q.env);
      if (p.allow_hosts != q.allow_hosts)
        detail += (detail.empty() ? "" : "; ") + std::string("allow_hosts ") +
                  joined(p.allow_hosts) + " -> " + joined(q.allow_hosts);
      if (p.dirs != q.dirs) detail += (detail.empty() ? "" : "; ") + std::string("dirs");
      out.push_back({"grants-changed", name, detail, Bump::patch});
    }
    if (p.timeout != q.timeout || p.max_memory != q.max_memory || p.max_output != q.max_output ||
        p.fuel != q.fuel)
      out.push_back(
          {"limits-changed", name, limits_text(p) + " -> " + limits_text(q), Bump::patch});
    if (old.allow_missing_imports != c.allow_missing_imports)
      out.push_back({"allow-missing-imports-changed", name,
                     c.allow_missing_imports ? "false -> true" : "true -> false", Bump::patch});
  }
  for (const auto& [k, v] : a.vars) {
    auto it = b.vars.find(k);
    if (it == b.vars.end())
      out.push_back({"var-removed", k, "", Bump::patch});
    else if (it->second != v)
      out.push_back({"var-changed", k, "\"" + v + "\" -> \"" + it->second + "\"", Bump::patch});
  }
  for (const auto& [k, v] : b.vars)
    if (!a.vars.contains(k)) out.push_back({"var-added", k, "\"" + v + "\"", Bump::patch});
  for (const auto& s : a.secrets)
    if (std::find(b.secrets.begin(), b.secrets.end(), s) == b.secrets.end())
      out.push_back({"secret-removed", s, "", Bump::patch});
  for (const auto& s : b.secrets)
    if (std::find(a.secrets.begin(), a.secrets.end(), s) == a.secrets.end())
      out.push_back({"secret-added", s, "", Bump::patch});
  if (a.wires != b.wires) out.push_back({"wires-changed", "", "", Bump::patch});
  return out;
}

Bump bump_for(const std::vector<Change>& changes) {
  Bump b = Bump::none;
  for (const auto& c : changes) b = std::max(b, c.bump);
  return b;
}

std::string_view bump_name(Bump bump) {
  switch (bump) {
    case Bump::none:
      return "none";
    case Bump::patch:
      return "patch";
    case Bump::minor:
      return "minor";
    case Bump::major:
      return "major";
  }
  return "none";
}

std::string next_version(const std::optional<oci::Version>& last, Bump bump) {
  if (!last) return "0.1.0";
  oci::Version v = *last;
  if (bump == Bump::major) {
    v = {v.major + 1, 0, 0, ""};
  } else if (bump == Bump::minor) {
    v = {v.major, v.minor + 1, 0, ""};
  } else {
    v.patch += 1;
  }
  return std::to_string(v.major) + "." + std::to_string(v.minor) + "." + std::to_string(v.patch);
}

std::string describe(const Change& c) {
  std::string what = c.kind;
  std::replace(what.begin(), what.end(), '-', ' ');
  std::string out = what;
  if (!c.subject.empty()) out += ": " + c.subject;
  if (!c.detail.empty()) out += " (" + c.detail + ")";
  return out;
}

nlohmann::json to_json(const Change& c) {
  return {
      {"kind", c.kind}, {"subject", c.subject}, {"detail", c.detail}, {"bump", bump_name(c.bump)}};
}

}  // namespace asterai::env
