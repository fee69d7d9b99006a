#include "asterai/mcp/wit_docs.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "asterai/common/files.h"
#include "asterai/common/leb128.h"
#include "asterai/mcp/naming.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

// wit-component's section, and asterai's copy of a source package's (added by asterai build:
// under the first name, decoders would apply it to the component's root package and fail).
constexpr std::string_view kDocsSection = "package-docs";
constexpr std::string_view kAsteraiDocsSection = "asterai-wit-docs";
constexpr int kMaxNesting = 8;

// FunctionMetadata is either a docs string or {"docs": ..., "stability": ...}.
std::string function_docs(const json& meta) {
  if (meta.is_string()) return meta.get<std::string>();
  if (meta.is_object() && meta.contains("docs") && meta["docs"].is_string())
    return meta["docs"].get<std::string>();
  return {};
}

// TypeMetadata: {"docs": ..., "items": {"field-or-case": "docs", ...}, "stability": ...}.
void collect_types(const std::string& scope, const json& meta, WitDocs& out) {
  if (!meta.is_object() || !meta.contains("types") || !meta["types"].is_object()) return;
  for (const auto& [name, t] : meta["types"].items()) {
    if (!t.is_object()) continue;
    TypeDocs docs;
    if (t.contains("docs") && t["docs"].is_string()) docs.docs = t["docs"].get<std::string>();
    if (t.contains("items") && t["items"].is_object())
      for (const auto& [item, d] : t["items"].items())
        if (d.is_string() && !d.get_ref<const std::string&>().empty())
          docs.items[item] = d.get<std::string>();
    if (!docs.docs.empty() || !docs.items.empty()) out.types[docs_key(scope, name)] = docs;
  }
}

void collect_funcs(const std::string& scope, const json& meta, const char* key, WitDocs& out) {
  if (!meta.is_object() || !meta.contains(key) || !meta[key].is_object()) return;
  for (const auto& [name, f] : meta[key].items()) {
    auto docs = function_docs(f);
    if (!docs.empty()) out.functions[docs_key(scope, name)] = docs;
  }
}

void collect(const json& doc, WitDocs& out) {
  if (!doc.is_object()) return;
  if (doc.contains("interfaces") && doc["interfaces"].is_object()) {
    for (const auto& [name, meta] : doc["interfaces"].items()) {
      collect_funcs(name, meta, "funcs", out);
      collect_types(name, meta, out);
    }
  }
  if (!doc.contains("worlds") || !doc["worlds"].is_object()) return;
  // WorldMetadata (format 1): "funcs"/"interfaces" hold imports or exports, and exports go to
  // "func_exports"/"interface_exports" when an import has the same name (wit-component puts
  // them there always, today).
  for (const auto& [_, world] : doc["worlds"].items()) {
    if (!world.is_object()) continue;
    collect_funcs("", world, "funcs", out);
    collect_funcs("", world, "func_exports", out);
    collect_types("", world, out);
    for (const char* key : {"interfaces", "interface_exports"}) {
      if (!world.contains(key) || !world[key].is_object()) continue;
      for (const auto& [name, meta] : world[key].items()) {
        collect_funcs(name, meta, "funcs", out);
        collect_types(name, meta, out);
      }
    }
  }
}

// Walks the sections of a module or component (and nested ones), reading docs sections.
void walk(std::span<const uint8_t> bytes, int depth, WitDocs& out) {
  if (depth > kMaxNesting || bytes.size() < 8 || bytes[0] != 0 || bytes[1] != 'a' ||
      bytes[2] != 's' || bytes[3] != 'm')
    return;
  size_t pos = 8;
  while (pos < bytes.size()) {
    uint8_t id = bytes[pos++];
    auto size = read_leb128(bytes, pos);
    if (!size || *size > bytes.size() - pos) return;
    auto body = bytes.subspan(pos, *size);
    pos += *size;
    if (id == 0) {  // custom section: name, then payload
      size_t p = 0;
      auto len = read_leb128(body, p);
      if (!len || *len > body.size() - p) continue;
      std::string_view name(reinterpret_cast<const char*>(body.data() + p), *len);
      p += *len;
      // Payload: one version byte, then the JSON document.
      if ((name == kDocsSection || name == kAsteraiDocsSection) && body.size() > p + 1) {
        auto text = body.subspan(p + 1);
        auto doc = json::parse(text.begin(), text.end(), nullptr, false);
        if (!doc.is_discarded()) collect(doc, out);
      }
    } else if (id == 1 || id == 4) {  // a nested core module or component
      walk(body, depth + 1, out);
    }
  }
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

bool is_identifier(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
  return true;
}

// WIT's escape for keywords: "%type" names "type".
std::string_view unescape(std::string_view name) {
  if (name.starts_with('%')) name.remove_prefix(1);
  return name;
}

// "name: func(" or "name: async func(" -> name; "" otherwise.
std::string function_name(std::string_view line) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return {};
  auto name = unescape(trim(line.substr(0, colon)));
  auto rest = trim(line.substr(colon + 1));
  if (!rest.starts_with("func") && !rest.starts_with("async func")) return {};
  return is_identifier(name) ? std::string(name) : std::string();
}

// "record name {" (or variant, enum, flags) -> name; "" otherwise.
std::string type_name(std::string_view line) {
  for (std::string_view keyword : {"record ", "variant ", "enum ", "flags "}) {
    if (!line.starts_with(keyword)) continue;
    auto rest = trim(line.substr(keyword.size()));
    auto name = unescape(trim(rest.substr(0, rest.find_first_of(" {"))));
    return is_identifier(name) ? std::string(name) : std::string();
  }
  return {};
}

// A field or case on its own line ("name: type,", "name(type),", "name,") -> name.
std::string item_name(std::string_view line) {
  auto name = unescape(trim(line.substr(0, line.find_first_of(":(,"))));
  return is_identifier(name) ? std::string(name) : std::string();
}

}  // namespace

void WitDocs::add_missing(const WitDocs& other) {
  functions.insert(other.functions.begin(), other.functions.end());
  types.insert(other.types.begin(), other.types.end());
}

WitDocs parse_wit_docs(std::string_view text) {
  WitDocs out;
  std::string scope;  // the interface name; empty inside a world
  bool in_world = false;
  std::string type_key;  // docs_key of the type whose body is open at depth 2
  int depth = 0;
  std::string pending;
  while (!text.empty()) {
    auto nl = text.find('\n');
    auto line = trim(text.substr(0, nl));
    text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
    if (line.starts_with("///")) {
      auto doc = trim(line.substr(3));
      pending += pending.empty() ? std::string(doc) : " " + std::string(doc);
      continue;
    }
    if (line.empty() || line.starts_with("//")) continue;
    if (depth == 0 && (line.starts_with("interface ") || line.starts_with("world "))) {
      in_world = line.starts_with("world ");
      auto name = trim(line.substr(line.find(' ') + 1));
      scope = in_world ? "" : std::string(name.substr(0, name.find_first_of(" {")));
    } else if (depth == 1) {
      auto item = line;
      if (in_world && item.starts_with("export ")) item = trim(item.substr(7));
      bool world_item = in_world && line.starts_with("export ");
      auto name = (world_item || !in_world) ? function_name(item) : std::string();
      if (!name.empty() && !pending.empty()) out.functions[docs_key(scope, name)] = pending;
      auto type = type_name(line);
      type_key = type.empty() ? std::string() : docs_key(scope, type);
      if (!type_key.empty()) {
        auto& t = out.types[type_key];
        t.docs = pending;
        // A one-line body: "enum color { red, green, blue }".
        auto open = line.find('{'), close = line.rfind('}');
        if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
          auto body = line.substr(open + 1, close - open - 1);
          while (!body.empty()) {
            auto comma = body.find(',');
            if (auto name = item_name(body.substr(0, comma)); !name.empty()) t.names.insert(name);
            body.remove_prefix(comma == std::string_view::npos ? body.size() : comma + 1);
          }
        }
      }
    } else if (depth == 2 && !type_key.empty()) {
      auto name = item_name(line);
      if (!name.empty()) {
        out.types[type_key].names.insert(name);
        if (!pending.empty()) out.types[type_key].items[name] = pending;
      }
    }
    for (char c : line) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (depth < 0) depth = 0;
    pending.clear();
  }
  return out;
}

Result<WitDocs> load_wit_docs(const std::filesystem::path& path) {
  namespace fs = std::filesystem;
  std::vector<fs::path> files;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::end(it);
         it.increment(ec))
      if (it->path().extension() == ".wit") files.push_back(it->path());
    std::sort(files.begin(), files.end());
  } else {
    files.push_back(path);
  }
  WitDocs all;
  for (const auto& f : files) {
    auto bytes = ASTERAI_TRY(read_file(f));
    all.add_missing(parse_wit_docs(
        std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size())));
  }
  return all;
}

std::string docs_key(std::string_view interface, std::string_view function) {
  if (interface.empty()) return std::string(function);
  return interface_short_name(interface) + "#" + std::string(function);
}

WitDocs read_wit_docs(std::span<const uint8_t> component_bytes) {
  WitDocs out;
  walk(component_bytes, 0, out);
  return out;
}

}  // namespace asterai::mcp
