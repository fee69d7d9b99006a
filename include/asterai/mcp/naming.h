// Tool names for exported functions. The rule (docs/mcp.md, "Tool names"):
//   <component>_<interface>_<function>, or <component>_<function> for a world-level export,
// where <interface> is the interface name without namespace, package and version
// ("asterai:kitchen-sink/values@0.1.0" -> "values"). Every character outside [A-Za-z0-9-]
// becomes '-' ('_' is kept only as the separator), so names match the MCP tool-name
// characters and the stricter function-name rules of OpenAI and Anthropic (1..64 of
// [A-Za-z0-9_-]). A name longer than 64, or one that two functions would share, gets an
// 8-hex-digit suffix derived from the component name and the function's full export name,
// so names are stable across restarts and independent of the order of exports.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace asterai::mcp {

inline constexpr size_t kMaxToolNameLength = 64;

// What identifies a tool: the component's name in the server (e.g. the file stem) and the
// function's interface export path (empty for world level) and name.
struct ToolKey {
  std::string component;
  std::string interface;
  std::string function;
};

// Every character outside [A-Za-z0-9-] replaced by '-'; never empty ("-" for "").
std::string sanitize_name_part(std::string_view part);
// "ns:pkg/iface@1.0.0" -> "iface"; "iface" -> "iface".
std::string interface_short_name(std::string_view interface);
// How names are formed: `prefixed` is the rule above; `bare` is the function's name alone
// with '-' written '_' (the snake_case MCP servers usually use: `get-weather` -> `get_weather`),
// for a server whose tools must carry fixed names. Collisions get the suffix either way.
enum class ToolNaming { prefixed, bare };

// The name before collision and length handling.
std::string base_tool_name(const ToolKey& key, ToolNaming naming = ToolNaming::prefixed);
// 8 lower-case hex digits of sha256("<component>\n<interface>#<function>").
std::string tool_key_hash(const ToolKey& key);
// The final, unique names, one per key, in the same order.
std::vector<std::string> assign_tool_names(const std::vector<ToolKey>& keys,
                                           ToolNaming naming = ToolNaming::prefixed);
// True when `name` is 1..64 characters of [A-Za-z0-9_-].
bool valid_tool_name(std::string_view name);

}  // namespace asterai::mcp
