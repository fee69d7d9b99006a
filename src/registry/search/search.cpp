#include "asterai/registry/search/search.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <sstream>

namespace asterai::registry {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::vector<std::string> words_of(const std::string& query) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : lower(query)) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
      cur += c;
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

void add_unique(std::vector<std::string>& v, const std::string& s) {
  if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
}

// Fills description, interfaces and tools from the repository's manifests.
void describe(SearchHit& hit, const std::vector<ManifestRecord>& manifests) {
  for (const auto& m : manifests) {
    if (!m.annotations.empty() && hit.description.empty()) {
      auto a = nlohmann::json::parse(m.annotations, nullptr, false);
      if (a.is_object() && a.contains("org.opencontainers.image.description")) {
        hit.description = a["org.opencontainers.image.description"].get<std::string>();
      }
    }
    std::istringstream words(m.keywords);
    std::string w;
    while (words >> w) {
      auto colon = w.find(':');
      std::string kind = w.substr(0, colon), name = w.substr(colon + 1);
      if (kind == "tool") add_unique(hit.tools, name);
      if (kind == "interface" || kind == "world" || kind == "package")
        add_unique(hit.interfaces, name);
    }
  }
}

// Weights: the name says most about a repository, then what it does (tools, interfaces),
// then prose, then tags. A word matching nothing excludes the repository.
int score_of(const SearchHit& hit, const std::vector<std::string>& words) {
  int total = 0;
  auto contains = [](const std::string& hay, const std::string& w) {
    return lower(hay).find(w) != std::string::npos;
  };
  for (const auto& w : words) {
    int s = 0;
    if (contains(hit.repository, w)) s += 10;
    for (const auto& t : hit.tools) s += contains(t, w) ? 6 : 0;
    for (const auto& i : hit.interfaces) s += contains(i, w) ? 5 : 0;
    if (contains(hit.description, w)) s += 4;
    for (const auto& t : hit.tags) s += lower(t) == w ? 2 : 0;
    if (s == 0) return 0;
    total += s;
  }
  return words.empty() ? 1 : total;
}

}  // namespace

Result<SearchPage> search_repositories(MetadataStore& metadata, const std::string& query,
                                       size_t offset, size_t limit,
                                       const std::function<bool(const RepositoryInfo&)>& visible) {
  auto words = words_of(query);
  std::vector<SearchHit> hits;
  for (const auto& repo : ASTERAI_TRY(metadata.repositories())) {
    if (!visible(repo)) continue;
    SearchHit hit;
    hit.repository = repo.name;
    hit.is_public = repo.is_public;
    hit.tags = ASTERAI_TRY(metadata.list_tags(repo.name, "", SIZE_MAX));
    describe(hit, ASTERAI_TRY(metadata.manifests(repo.name)));
    hit.score = score_of(hit, words);
    if (hit.score > 0) hits.push_back(std::move(hit));
  }
  std::sort(hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
    return a.score != b.score ? a.score > b.score : a.repository < b.repository;
  });
  SearchPage page;
  page.total = hits.size();
  for (size_t i = offset; i < hits.size() && page.hits.size() < limit; ++i)
    page.hits.push_back(std::move(hits[i]));
  return page;
}

}  // namespace asterai::registry
