// The canonical serialization. Written by hand rather than through toml++'s formatter so the
// bytes of a pushed document depend only on its content, never on a library's layout choices.
#include <cstdio>

#include "asterai/env/document.h"

namespace asterai::env {
namespace {

// A TOML basic string.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quote(items[i]);
  return out + "]";
}

// A schedule's arguments (JSON from TOML, document_schedules.cpp) as a TOML inline value.
void write_value(const nlohmann::json& v, std::string& out) {
  if (v.is_array()) {
    out += "[";
    for (size_t i = 0; i < v.size(); ++i) {
      if (i) out += ", ";
      write_value(v[i], out);
    }
    out += "]";
  } else if (v.is_object()) {
    out += "{";
    bool first = true;
    for (const auto& [key, item] : v.items()) {
      out += (first ? " " : ", ") + quote(key) + " = ";
      first = false;
      write_value(item, out);
    }
    out += first ? "}" : " }";
  } else if (v.is_string()) {
    out += quote(v.get<std::string>());
  } else {
    out += v.dump();  // numbers and booleans are written alike in JSON and TOML
  }
}

void write_schedules(const Document& doc, std::string& out) {
  for (const auto& s : doc.schedules) {
    out += "\n[[schedules]]\nname = " + quote(s.name) + "\nmember = " + quote(s.member) + "\n";
    if (!s.function.empty()) out += "function = " + quote(s.function) + "\n";
    if (!(s.args.is_array() && s.args.empty())) {  // `args = {}` is named and stays
      out += "args = ";
      write_value(s.args, out);
      out += "\n";
    }
    out += "cron = " + quote(s.cron) + "\n";
    if (!s.timezone.empty()) out += "timezone = " + quote(s.timezone) + "\n";
    if (s.missed != MissedPolicy::skip)
      out += "missed = " + quote(schedule::missed_policy_name(s.missed)) + "\n";
    if (s.overlap != OverlapPolicy::skip)
      out += "overlap = " + quote(schedule::overlap_policy_name(s.overlap)) + "\n";
  }
}

}  // namespace

std::string serialize_document(const Document& doc) {
  std::string out = "# asterai environment (docs/environments.md)\n";
  if (!doc.secrets.empty()) out += "secrets = " + list(doc.secrets) + "\n";
  if (!doc.vars.empty()) {
    out += "\n[vars]\n";
    for (const auto& [k, v] : doc.vars) out += k + " = " + quote(v) + "\n";
  }
  for (const auto& [name, c] : doc.components) {
    const std::string t = "components." + name;
    out += "\n[" + t + "]\nref = " + quote(c.ref) + "\n";
    if (!c.path.empty()) out += "path = " + quote(c.path) + "\n";
    if (!c.vars.empty()) out += "vars = " + list(c.vars) + "\n";
    if (!c.secrets.empty()) out += "secrets = " + list(c.secrets) + "\n";
    if (c.allow_missing_imports) out += "allow-missing-imports = true\n";
    if (!c.http.empty()) out += "http = " + quote(c.http) + "\n";
    if (c.http_max_body) out += "http-max-body = " + quote(*c.http_max_body) + "\n";
    const auto& p = c.policy;
    if (!p.env.empty() || !p.allow_hosts.empty()) {
      out += "\n[" + t + ".grants]\n";
      if (!p.env.empty()) out += "env = " + list(p.env) + "\n";
      if (!p.allow_hosts.empty()) out += "allow_hosts = " + list(p.allow_hosts) + "\n";
    }
    for (const auto& d : p.dirs) {
      out += "\n[[" + t + ".grants.dirs]]\nhost = " + quote(d.host) +
             "\nguest = " + quote(d.guest) + "\nmode = " + quote(d.mode) + "\n";
    }
    if (p.timeout || p.max_memory || p.max_output || p.fuel) {
      out += "\n[" + t + ".limits]\n";
      if (p.timeout) out += "timeout = " + quote(*p.timeout) + "\n";
      if (p.max_memory) out += "max_memory = " + quote(*p.max_memory) + "\n";
      if (p.max_output) out += "max_output = " + quote(*p.max_output) + "\n";
      if (p.fuel) out += "fuel = " + std::to_string(*p.fuel) + "\n";
    }
  }
  for (const auto& w : doc.wires) {
    out += "\n[[wires]]\nimporter = " + quote(w.importer) + "\ninterface = " + quote(w.interface) +
           "\nprovider = " + quote(w.provider) + "\n";
  }
  write_schedules(doc, out);
  return out;
}

}  // namespace asterai::env
