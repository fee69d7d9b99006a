#include "interface_name.h"

#include <charconv>
#include <tuple>

namespace asterai::runtime {
namespace {

bool parse_number(std::string_view text, unsigned& out) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<Semver> parse_semver(std::string_view text) {
  Semver v;
  if (auto plus = text.find('+'); plus != std::string_view::npos) text = text.substr(0, plus);
  if (auto dash = text.find('-'); dash != std::string_view::npos) {
    v.pre = std::string(text.substr(dash + 1));
    if (v.pre.empty()) return std::nullopt;
    text = text.substr(0, dash);
  }
  size_t first = text.find('.');
  size_t second = first == std::string_view::npos ? first : text.find('.', first + 1);
  if (second == std::string_view::npos) return std::nullopt;
  if (!parse_number(text.substr(0, first), v.major) ||
      !parse_number(text.substr(first + 1, second - first - 1), v.minor) ||
      !parse_number(text.substr(second + 1), v.patch)) {
    return std::nullopt;
  }
  return v;
}

std::optional<InterfaceName> parse_interface_name(std::string_view name) {
  InterfaceName out;
  if (auto at = name.find('@'); at != std::string_view::npos) {
    out.version = parse_semver(name.substr(at + 1));
    if (!out.version) return std::nullopt;
    name = name.substr(0, at);
  }
  size_t colon = name.find(':');
  size_t slash = name.find('/');
  if (colon == std::string_view::npos || colon == 0 || slash == std::string_view::npos ||
      slash < colon + 2 || slash + 1 >= name.size() || name.find('/', slash + 1) != name.npos) {
    return std::nullopt;
  }
  out.package = std::string(name.substr(0, slash));
  out.interface = std::string(name.substr(slash + 1));
  return out;
}

bool satisfies(const InterfaceName& provided, const InterfaceName& wanted) {
  if (provided.package != wanted.package || provided.interface != wanted.interface) return false;
  if (!provided.version || !wanted.version) return !provided.version && !wanted.version;
  const Semver& p = *provided.version;
  const Semver& w = *wanted.version;
  if (!p.pre.empty() || !w.pre.empty()) {
    return std::tie(p.major, p.minor, p.patch, p.pre) == std::tie(w.major, w.minor, w.patch, w.pre);
  }
  if (p.major != w.major) return false;
  if (p.major == 0 && p.minor != w.minor) return false;
  if (p.major == 0 && p.minor == 0) return p.patch == w.patch;
  return std::tie(p.minor, p.patch) >= std::tie(w.minor, w.patch);
}

}  // namespace asterai::runtime
