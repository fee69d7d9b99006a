#include "asterai/mcp/wit_docs.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <optional>

#include "asterai/common/files.h"
#include "asterai/mcp/naming.h"

namespace asterai::mcp {
namespace {

using nlohmann::json;

constexpr std::string_view kDocsSection = "package-docs";
constexpr int kMaxNesting = 8;

std::optional<uint64_t> read_leb(std::span<const uint8_t> bytes, size_t& pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
    uint8_t b = bytes[pos++];
    value |= uint64_t{b & 0x7fu} << shift;
    if (!(b & 0x80)) return value;
  }
  return std::nullopt;
}

// FunctionMetadata is either a docs string or {"docs": ..., "stability": ...}.
std::string function_docs(const json& meta) {
  if (meta.is_string()) return meta.get<std::string>();
  if (meta.is_object() && meta.contains("docs") && meta["docs"].is_string())
    return meta["docs"].get<std::string>();
  return {};
}

void collect_interface(const std::string& iface, const json& meta, FunctionDocs& out) {
  if (!meta.is_object() || !meta.contains("funcs") || !meta["funcs"].is_object()) return;
  for (const auto& [name, f] : meta["funcs"].items()) {
    auto docs = function_docs(f);
    if (!docs.empty()) out[docs_key(iface, name)] = docs;
  }
}

void collect(const json& doc, FunctionDocs& out) {
  if (!doc.is_object()) return;
  if (doc.contains("interfaces") && doc["interfaces"].is_object())
    for (const auto& [name, meta] : doc["interfaces"].items()) collect_interface(name, meta, out);
  if (!doc.contains("worlds") || !doc["worlds"].is_object()) return;
  for (const auto& [_, world] : doc["worlds"].items()) {
    if (!world.is_object()) continue;
    if (world.contains("funcs") && world["funcs"].is_object()) {
      for (const auto& [name, f] : world["funcs"].items()) {
        auto docs = function_docs(f);
        if (!docs.empty()) out[docs_key("", name)] = docs;
      }
    }
    if (world.contains("interfaces") && world["interfaces"].is_object())
      for (const auto& [name, meta] : world["interfaces"].items())
        collect_interface(name, meta, out);
  }
}

// Walks the sections of a module or component (and nested ones), reading docs sections.
void walk(std::span<const uint8_t> bytes, int depth, FunctionDocs& out) {
  if (depth > kMaxNesting || bytes.size() < 8 || bytes[0] != 0 || bytes[1] != 'a' ||
      bytes[2] != 's' || bytes[3] != 'm')
    return;
  size_t pos = 8;
  while (pos < bytes.size()) {
    uint8_t id = bytes[pos++];
    auto size = read_leb(bytes, pos);
    if (!size || *size > bytes.size() - pos) return;
    auto body = bytes.subspan(pos, *size);
    pos += *size;
    if (id == 0) {  // custom section: name, then payload
      size_t p = 0;
      auto len = read_leb(body, p);
      if (!len || *len > body.size() - p) continue;
      std::string_view name(reinterpret_cast<const char*>(body.data() + p), *len);
      p += *len;
      // Payload: one version byte, then the JSON document.
      if (name == kDocsSection && body.size() > p + 1) {
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

// "name: func(" or "name: async func(" -> name; "" otherwise.
std::string function_name(std::string_view line) {
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return {};
  auto name = trim(line.substr(0, colon));
  auto rest = trim(line.substr(colon + 1));
  if (!rest.starts_with("func") && !rest.starts_with("async func")) return {};
  if (name.starts_with('%')) name.remove_prefix(1);  // WIT's escape for keywords
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return {};
  return std::string(name);
}

}  // namespace

FunctionDocs parse_wit_docs(std::string_view text) {
  FunctionDocs out;
  std::string scope;  // the interface name; empty inside a world
  bool in_world = false;
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
      if (!name.empty() && !pending.empty()) out[in_world ? name : scope + "#" + name] = pending;
    }
    for (char c : line) depth += c == '{' ? 1 : c == '}' ? -1 : 0;
    if (depth < 0) depth = 0;
    pending.clear();
  }
  return out;
}

Result<FunctionDocs> load_wit_docs(const std::filesystem::path& path) {
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
  FunctionDocs all;
  for (const auto& f : files) {
    auto bytes = ASTERAI_TRY(read_file(f));
    auto docs =
        parse_wit_docs(std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
    all.insert(docs.begin(), docs.end());
  }
  return all;
}

std::string docs_key(std::string_view interface, std::string_view function) {
  if (interface.empty()) return std::string(function);
  return interface_short_name(interface) + "#" + std::string(function);
}

FunctionDocs read_wit_docs(std::span<const uint8_t> component_bytes) {
  FunctionDocs out;
  walk(component_bytes, 0, out);
  return out;
}

}  // namespace asterai::mcp
