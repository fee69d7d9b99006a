// Search over the repositories a viewer may see: name, description annotation, tags, and the
// WIT interfaces and tool names found in referrers. Ranked, paginated.
#pragma once

#include <functional>
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
  bool is_public = false;
  int score = 0;
};

struct SearchPage {
  std::vector<SearchHit> hits;
  size_t total = 0;
};

// Matches every word of `query` (case-insensitive substring) somewhere in a repository that
// `visible` admits; an empty query lists all of them. Ordered by score, then name.
Result<SearchPage> search_repositories(MetadataStore& metadata, const std::string& query,
                                       size_t offset, size_t limit,
                                       const std::function<bool(const RepositoryInfo&)>& visible);

}  // namespace asterai::registry
