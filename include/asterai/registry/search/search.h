// Search over the repositories a viewer may see: name, description annotation, tags, and the
// WIT interfaces and tool names found in referrers. Ranked, paginated.
#pragma once

#include <functional>
#include <mutex>
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

// What every search reads, built from the metadata store once and again only after it
// changed (MetadataStore::listing_version), so a search scores documents in memory instead of
// reading every repository's manifests and tags per request. Safe to share between threads.
class SearchIndex {
 public:
  // Matches every word of `query` (case-insensitive substring) somewhere in a repository that
  // `visible` admits; an empty query lists all of them. Ordered by score, then name.
  Result<SearchPage> search(MetadataStore& metadata, const std::string& query, size_t offset,
                            size_t limit,
                            const std::function<bool(const RepositoryInfo&)>& visible);

 private:
  struct Document {
    RepositoryInfo info;
    SearchHit hit;  // score unset
    // Lowercased once at build time.
    std::string name, description;
    std::vector<std::string> tags, interfaces, tools;
  };
  Result<void> refresh(MetadataStore& metadata);  // under mutex_

  std::mutex mutex_;
  bool built_ = false;
  uint64_t version_ = 0;
  std::vector<Document> documents_;
};

}  // namespace asterai::registry
