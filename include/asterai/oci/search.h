// Finding components in asterai's registry: its search API (`GET /v1/search`,
// docs/registry.md), not part of dist-spec. `RegistryClient::search` sends the query (as the
// stored user, so their private repositories are included) and returns the registry's ranking.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace asterai::oci {

struct SearchQuery {
  std::string text;  // words; every one must match (empty: everything visible)
  size_t per_page = 20;
  size_t page = 1;  // 1-based
};

struct SearchHit {
  std::string name;  // repository, "alice/weather"
  std::string description;
  std::string latest;             // newest version tag (semver.h newest_version), or ""
  std::vector<std::string> tags;  // versions first, in semver order
  std::vector<std::string> interfaces;
  std::vector<std::string> tools;
  std::string visibility;  // "public", "private", or "" when the registry does not say
  int score = 0;
};

struct SearchPage {
  std::vector<SearchHit> hits;  // in the registry's order (best first)
  size_t total = 0;             // matches over all pages
  size_t page = 1;
  size_t per_page = 0;
};

}  // namespace asterai::oci
