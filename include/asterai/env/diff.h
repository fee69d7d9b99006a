// What changed between two environment documents, and the version bump it calls for:
// a component removed -> major (callers lose tools); a component added or upgraded (another
// reference or digest) -> minor; vars, secret references, grants, limits or wiring -> patch.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "asterai/env/document.h"
#include "asterai/oci/semver.h"

namespace asterai::env {

enum class Bump { none, patch, minor, major };

struct Change {
  std::string kind;     // component-added, component-removed, component-upgraded,
                        // grants-changed, limits-changed, component-vars-changed,
                        // component-secrets-changed, var-added, var-removed, var-changed,
                        // secret-added, secret-removed, wires-changed
  std::string subject;  // the component, var or secret name ("" for wires)
  std::string detail;   // "ref a -> b"; never a secret's value (documents hold none)
  Bump bump = Bump::patch;
};

std::vector<Change> diff_documents(const Document& from, const Document& to);
Bump bump_for(const std::vector<Change>& changes);
std::string_view bump_name(Bump bump);
// The next release after the release `last` for this bump ("0.1.0" when there is none).
std::string next_version(const std::optional<oci::Version>& last, Bump bump);
std::string describe(const Change& change);  // "component added: probe (…/probe@sha256:…)"
nlohmann::json to_json(const Change& change);

}  // namespace asterai::env
