// Search over public repositories: name, description annotation, tags, and the WIT
// interfaces and tool names found in referrers. Ranked, paginated.
#pragma once

#include <string>
#include <vector>

#include "asterai/registry/storage/metadata.h"

namespace asterai::registry {

struct SearchHit {
  std::string repository;
  std::string description;
  std::vector<std::string> tags;
  std::vector<std::string> interfaces;
  std::vector<std::string> tools;
  int score = 0;
};

struct SearchPage {
  std::vector<SearchHit> hits;
  size_t total = 0;
};

// Matches every word of `query` (case-insensitive substring) somewhere in a repository;
// an empty query lists all public repositories. Ordered by score, then name.
Result<SearchPage> search_public(MetadataStore& metadata, const std::string& query, size_t offset,
                                 size_t limit);

}  // namespace asterai::registry
