// Semantic versions as tags: "1.2.3", "v1.2.3", "1.2.3-rc.1", "+build" ignored for order.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace asterai::oci {

struct Version {
  unsigned long major = 0, minor = 0, patch = 0;
  std::string prerelease;  // empty for a release
};

std::optional<Version> parse_version(std::string_view tag);
// A released version (no pre-release part): immutable once published.
bool is_release(std::string_view tag);
// semver precedence: <0, 0, >0.
int compare_versions(const Version& a, const Version& b);
// Versions first, oldest to newest, then the other tags in byte order.
std::vector<std::string> sort_tags(std::vector<std::string> tags);
// The tag of the newest release, else of the newest pre-release, else "" (what search and
// `show` call a component's latest version; the `latest` tag itself may lag or be absent).
std::string newest_version(const std::vector<std::string>& tags);

}  // namespace asterai::oci
