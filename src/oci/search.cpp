// RegistryClient::search: asterai's `GET /v1/search` (docs/registry.md), decoded into
// SearchPage with each hit's newest version worked out from its tags.
#include "asterai/oci/search.h"

#include <nlohmann/json.hpp>

#include "asterai/oci/referrers.h"
#include "asterai/oci/registry_client.h"
#include "asterai/oci/semver.h"
#include "json_fields.h"

namespace asterai::oci {
namespace {

using nlohmann::json;

size_t size_of(const json& body, const char* key, size_t fallback) {
  return body.contains(key) && body[key].is_number_unsigned() ? body[key].get<size_t>() : fallback;
}

SearchHit decode_hit(const json& hit) {
  SearchHit h;
  h.name = string_field(hit, "name");
  h.description = string_field(hit, "description");
  h.tags = strings_field(hit, "tags");
  std::erase_if(h.tags, is_fallback_tag);
  h.tags = sort_tags(std::move(h.tags));
  h.latest = newest_version(h.tags);
  h.interfaces = strings_field(hit, "interfaces");
  h.tools = strings_field(hit, "tools");
  h.visibility = string_field(hit, "visibility");
  if (hit.contains("score") && hit["score"].is_number_integer()) h.score = hit["score"].get<int>();
  return h;
}

}  // namespace

Result<SearchPage> RegistryClient::search(const SearchQuery& query) {
  // The endpoint answers anonymous requests without a challenge, so a token would never be
  // asked for: prove the credentials on /v2/ first, which leaves a scope-less token (naming
  // the user) or Basic auth for the search request to carry.
  if (options_.credentials && !tokens_.count("") && !basic_) ASTERAI_TRY(check_login());
  HttpRequest req;
  req.url = url("/v1/search?q=" + url_escape(query.text) + "&n=" + std::to_string(query.per_page) +
                "&page=" + std::to_string(query.page));
  auto r = ASTERAI_TRY(send("", false, req, true));
  json body = json::parse(r.body, nullptr, false);
  bool answered = body.is_object() && body.contains("results") && body["results"].is_array();
  // Other registries answer an unknown path with 404 (or 405, or a web page).
  if (r.status == 404 || r.status == 405 || (r.status == 200 && !answered))
    return make_error(ErrorKind::not_found,
                      registry_ +
                          " has no search API (it is not an asterai registry); find components "
                          "there with that registry's own tools, or `asterai tags REF`");
  if (r.status != 200) return tl::unexpected(registry_error(r, registry_, "search"));
  SearchPage page;
  page.total = size_of(body, "total", 0);
  page.page = size_of(body, "page", query.page);
  page.per_page = size_of(body, "per_page", query.per_page);
  for (const auto& hit : body["results"])
    if (hit.is_object()) page.hits.push_back(decode_hit(hit));
  return page;
}

}  // namespace asterai::oci
