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

std::vector<std::string> lower_all(const std::vector<std::string>& v) {
  std::vector<std::string> out;
  out.reserve(v.size());
  for (const auto& s : v) out.push_back(lower(s));
  return out;
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

}  // namespace

Result<void> SearchIndex::refresh(MetadataStore& metadata) {
  auto version = ASTERAI_TRY(metadata.listing_version());
  if (built_ && version == version_) return {};
  std::vector<Document> documents;
  for (auto& repo : ASTERAI_TRY(metadata.repositories())) {
    Document d;
    d.hit.repository = repo.name;
    d.hit.is_public = repo.is_public;
    d.hit.tags = ASTERAI_TRY(metadata.list_tags(repo.name, "", SIZE_MAX));
    describe(d.hit, ASTERAI_TRY(metadata.manifests(repo.name)));
    d.name = lower(repo.name);
    d.description = lower(d.hit.description);
    d.tags = lower_all(d.hit.tags);
    d.interfaces = lower_all(d.hit.interfaces);
    d.tools = lower_all(d.hit.tools);
    d.info = std::move(repo);
    documents.push_back(std::move(d));
  }
  documents_ = std::move(documents);
  version_ = version;
  built_ = true;
  return {};
}

Result<SearchPage> SearchIndex::search(MetadataStore& metadata, const std::string& query,
                                       size_t offset, size_t limit,
                                       const std::function<bool(const RepositoryInfo&)>& visible) {
  auto words = words_of(query);
  std::lock_guard lock(mutex_);
  ASTERAI_TRY(refresh(metadata));
  // Weights: the name says most about a repository, then what it does (tools, interfaces),
  // then prose, then tags. A word matching nothing excludes the repository.
  auto score_of = [&](const Document& d) {
    int total = 0;
    auto has = [](const std::string& hay, const std::string& w) {
      return hay.find(w) != std::string::npos;
    };
    for (const auto& w : words) {
      int s = 0;
      if (has(d.name, w)) s += 10;
      for (const auto& t : d.tools) s += has(t, w) ? 6 : 0;
      for (const auto& i : d.interfaces) s += has(i, w) ? 5 : 0;
      if (has(d.description, w)) s += 4;
      for (const auto& t : d.tags) s += t == w ? 2 : 0;
      if (s == 0) return 0;
      total += s;
    }
    return words.empty() ? 1 : total;
  };
  std::vector<std::pair<int, const Document*>> ranked;
  for (const auto& d : documents_) {
    if (!visible(d.info)) continue;
    if (int score = score_of(d); score > 0) ranked.emplace_back(score, &d);
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second->info.name < b.second->info.name;
  });
  SearchPage page;
  page.total = ranked.size();
  for (size_t i = offset; i < ranked.size() && page.hits.size() < limit; ++i) {
    page.hits.push_back(ranked[i].second->hit);
    page.hits.back().score = ranked[i].first;
  }
  return page;
}

}  // namespace asterai::registry
