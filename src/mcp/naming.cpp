#include "asterai/mcp/naming.h"

#include <algorithm>
#include <map>
#include <span>

#include "asterai/common/sha256.h"

namespace asterai::mcp {
namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

std::string with_suffix(const std::string& base, const std::string& suffix) {
  size_t room = kMaxToolNameLength - suffix.size() - 1;
  return base.substr(0, room) + "_" + suffix;
}

}  // namespace

std::string sanitize_name_part(std::string_view part) {
  if (part.empty()) return "-";
  std::string out(part);
  for (auto& c : out)
    if (!is_name_char(c)) c = '-';
  return out;
}

std::string interface_short_name(std::string_view interface) {
  auto slash = interface.rfind('/');
  if (slash != std::string_view::npos) interface.remove_prefix(slash + 1);
  auto at = interface.find('@');
  return std::string(interface.substr(0, at));
}

std::string base_tool_name(const ToolKey& key, ToolNaming naming) {
  if (naming == ToolNaming::bare) {
    std::string name = sanitize_name_part(key.function);
    std::replace(name.begin(), name.end(), '-', '_');
    return name;
  }
  std::string name = sanitize_name_part(key.component);
  if (!key.interface.empty()) name += "_" + sanitize_name_part(interface_short_name(key.interface));
  return name + "_" + sanitize_name_part(key.function);
}

std::string tool_key_hash(const ToolKey& key) {
  std::string text = key.component + "\n" + key.interface + "#" + key.function;
  auto bytes = std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size());
  return sha256_hex(bytes).substr(0, 8);
}

std::vector<std::string> assign_tool_names(const std::vector<ToolKey>& keys, ToolNaming naming) {
  std::vector<std::string> names;
  std::map<std::string, int> uses;
  for (const auto& k : keys) {
    names.push_back(base_tool_name(k, naming));
    ++uses[names.back()];
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    if (uses[names[i]] > 1 || names[i].size() > kMaxToolNameLength)
      names[i] = with_suffix(names[i], tool_key_hash(keys[i]));
  }
  // A suffixed name could, in theory, equal another tool's plain name; the hash of the key
  // (unique per function) settles it.
  std::map<std::string, int> final_uses;
  for (const auto& n : names) ++final_uses[n];
  for (size_t i = 0; i < keys.size(); ++i) {
    if (final_uses[names[i]] > 1 && names[i] == base_tool_name(keys[i], naming))
      names[i] = with_suffix(names[i], tool_key_hash(keys[i]));
  }
  return names;
}

bool valid_tool_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxToolNameLength) return false;
  for (char c : name)
    if (!is_name_char(c) && c != '_') return false;
  return true;
}

}  // namespace asterai::mcp
