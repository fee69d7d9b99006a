// Typed reads from a parsed TOML document whose every error names "source:line: ", so a
// user can jump to the offending line. Shared by the documents that embed grants and limits
// (policy files, environments). Users link toml++ themselves.
#pragma once

#include <toml++/toml.h>

#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"

namespace asterai {

// Errors stay on one line and print no terminal control bytes, whatever the document holds:
// control characters in quoted keys, values or toml++'s excerpts of the input are escaped.
inline std::string one_line(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

struct TomlReader {
  std::string source;

  tl::unexpected<Error> error(const toml::node& at, const std::string& message) const {
    return at_line(at.source().begin.line, message);
  }
  // A toml++ syntax error, which quotes the offending input.
  tl::unexpected<Error> parse_error(const toml::parse_error& e) const {
    return at_line(e.source().begin.line, std::string(e.description()));
  }
  tl::unexpected<Error> at_line(uint32_t line, const std::string& message) const {
    return make_error(ErrorKind::invalid_input,
                      source + ":" + std::to_string(line) + ": " + one_line(message));
  }
  // Refuses any key not in `keys`, naming the allowed ones.
  Result<void> only_keys(const toml::table& table, std::initializer_list<std::string_view> keys,
                         const std::string& where) const {
    for (auto&& [key, value] : table) {
      if (std::find(keys.begin(), keys.end(), key.str()) != keys.end()) continue;
      std::string allowed;
      for (auto k : keys) allowed += (allowed.empty() ? "" : ", ") + std::string(k);
      return error(value, "unknown key \"" + std::string(key.str()) + "\" in " + where +
                              " (allowed: " + allowed + ")");
    }
    return {};
  }
  Result<const toml::table*> table(const toml::node& node, const std::string& what) const {
    const auto* t = node.as_table();
    if (!t) return error(node, what + " must be a table");
    return t;
  }
  Result<std::string> string(const toml::node& node, const std::string& what) const {
    auto s = node.value<std::string>();
    if (!s) return error(node, what + " must be a string");
    return *s;
  }
  // An array of distinct strings.
  Result<std::vector<std::string>> strings(const toml::node& node, const std::string& what) const {
    const auto* array = node.as_array();
    if (!array) return error(node, what + " must be an array of strings");
    std::vector<std::string> out;
    for (const auto& item : *array) {
      auto s = item.value<std::string>();
      if (!s) return error(item, what + " must contain only strings");
      if (std::find(out.begin(), out.end(), *s) != out.end())
        return error(item, what + " lists \"" + *s + "\" twice");
      out.push_back(*s);
    }
    return out;
  }
  // A duration or size: a string with a unit ("64MiB", "5s"), or a plain non-negative integer.
  Result<std::string> unit_text(const toml::node& node, const std::string& what) const {
    if (auto s = node.value<std::string>()) return *s;
    // value_exact: value<int64_t>() would convert a float, undefined beyond int64's range.
    if (auto i = node.value_exact<int64_t>(); i && *i >= 0) return std::to_string(*i);
    return error(node,
                 what + " must be a string like \"64MiB\" / \"5s\" or a non-negative integer");
  }
};

}  // namespace asterai
