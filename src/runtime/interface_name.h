// Names of component-model interfaces ("ns:pkg/iface@1.2.3") and the semver rule composition
// uses to match an import with an export. Private to src/runtime.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asterai::runtime {

struct Semver {
  unsigned major = 0, minor = 0, patch = 0;
  std::string pre;  // pre-release ("rc.1"), empty for a release
};

struct InterfaceName {
  std::string package;    // "ns:pkg"
  std::string interface;  // "iface"
  std::optional<Semver> version;

  // "ns:pkg/iface" (without the version)
  std::string unversioned() const { return package + "/" + interface; }
};

// Null when `name` is not of the form ns:pkg/iface[@version].
std::optional<InterfaceName> parse_interface_name(std::string_view name);
std::optional<Semver> parse_semver(std::string_view text);

// True when an export named `provided` satisfies an import of `wanted`: same package and
// interface, and versions compatible the way Cargo reads semver: the provider's version is
// at least the wanted one and shares its major (or, for 0.x, its minor; for 0.0.x, its
// patch). Pre-releases match only themselves. Unversioned matches only unversioned.
bool satisfies(const InterfaceName& provided, const InterfaceName& wanted);

}  // namespace asterai::runtime
