#include "asterai/oci/semver.h"

#include <algorithm>
#include <charconv>

namespace asterai::oci {
namespace {

std::optional<unsigned long> number(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  unsigned long v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Pre-release identifiers compare numerically when numeric, else in ASCII order.
int compare_prerelease(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  while (!a.empty() && !b.empty()) {
    auto da = a.find('.'), db = b.find('.');
    auto ia = a.substr(0, da), ib = b.substr(0, db);
    int c = 0;
    if (all_digits(ia) && all_digits(ib))
      c = ia.size() != ib.size() ? (ia.size() < ib.size() ? -1 : 1) : ia.compare(ib);
    else if (all_digits(ia) != all_digits(ib))
      c = all_digits(ia) ? -1 : 1;
    else
      c = ia.compare(ib);
    if (c) return c < 0 ? -1 : 1;
    a = da == std::string_view::npos ? "" : a.substr(da + 1);
    b = db == std::string_view::npos ? "" : b.substr(db + 1);
    if (a.empty() != b.empty()) return a.empty() ? -1 : 1;
  }
  return 0;
}

}  // namespace

std::optional<Version> parse_version(std::string_view tag) {
  if (!tag.empty() && tag[0] == 'v') tag.remove_prefix(1);
  if (auto plus = tag.find('+'); plus != std::string_view::npos) tag = tag.substr(0, plus);
  Version v;
  if (auto dash = tag.find('-'); dash != std::string_view::npos) {
    v.prerelease = std::string(tag.substr(dash + 1));
    tag = tag.substr(0, dash);
    if (v.prerelease.empty()) return std::nullopt;
  }
  auto d1 = tag.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  auto d2 = tag.find('.', d1 + 1);
  if (d2 == std::string_view::npos) return std::nullopt;
  auto a = number(tag.substr(0, d1)), b = number(tag.substr(d1 + 1, d2 - d1 - 1)),
       c = number(tag.substr(d2 + 1));
  if (!a || !b || !c) return std::nullopt;
  v.major = *a;
  v.minor = *b;
  v.patch = *c;
  return v;
}

bool is_release(std::string_view tag) {
  auto v = parse_version(tag);
  return v && v->prerelease.empty();
}

int compare_versions(const Version& a, const Version& b) {
  if (a.major != b.major) return a.major < b.major ? -1 : 1;
  if (a.minor != b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch != b.patch) return a.patch < b.patch ? -1 : 1;
  return compare_prerelease(a.prerelease, b.prerelease);
}

std::vector<std::string> sort_tags(std::vector<std::string> tags) {
  std::stable_sort(tags.begin(), tags.end(), [](const std::string& x, const std::string& y) {
    auto vx = parse_version(x), vy = parse_version(y);
    if (vx && vy) {
      int c = compare_versions(*vx, *vy);
      return c != 0 ? c < 0 : x < y;
    }
    if (vx || vy) return vx.has_value();
    return x < y;
  });
  return tags;
}

std::string newest_version(const std::vector<std::string>& tags) {
  std::string release, any;
  for (const auto& t : sort_tags(tags)) {
    if (!parse_version(t)) break;  // sorted: the versions come first
    any = t;
    if (is_release(t)) release = t;
  }
  return release.empty() ? any : release;
}

}  // namespace asterai::oci
