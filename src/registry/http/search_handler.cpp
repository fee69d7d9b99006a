// GET /v1/search?q=&n=&page= — public repositories, plus the private ones the caller's token
// (when it names a user) may see, as in _catalog.
#include <charconv>
#include <nlohmann/json.hpp>

#include "asterai/registry/auth/policy.h"
#include "asterai/registry/search/search.h"
#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {

Response handle_search(Context& ctx) {
  auto n = page_size(ctx.request, 20, 100);
  std::string page_text = ctx.request.param("page");
  size_t page = 1;
  if (!page_text.empty()) {
    auto [p, ec] = std::from_chars(page_text.data(), page_text.data() + page_text.size(), page);
    if (ec != std::errc() || p != page_text.data() + page_text.size() || page == 0) n.reset();
  }
  if (!n || *n == 0)
    return oci_error(400, "UNSUPPORTED", "n must be 1..100 and page a positive integer");
  std::string q = ctx.request.param("q");
  if (q.size() > 256) return oci_error(400, "UNSUPPORTED", "query too long");
  // Without auth (--no-auth) nobody is identified: public repositories only.
  const auto& viewer = ctx.caller.user;
  bool auth = ctx.registry.config().auth;
  auto visible = [&](const RepositoryInfo& repo) {
    return auth ? may_see(viewer, repo) : repo.is_public;
  };
  auto result =
      ctx.registry.search_index().search(ctx.registry.metadata(), q, (page - 1) * *n, *n, visible);
  if (!result) return from_error(result.error(), Subject::other);
  nlohmann::json hits = nlohmann::json::array();
  for (const auto& h : result->hits) {
    hits.push_back({{"name", h.repository},
                    {"description", h.description},
                    {"tags", h.tags},
                    {"interfaces", h.interfaces},
                    {"tools", h.tools},
                    {"visibility", h.is_public ? "public" : "private"},
                    {"score", h.score}});
  }
  nlohmann::json body = {
      {"query", q}, {"page", page}, {"per_page", *n}, {"total", result->total}, {"results", hits}};
  Response r;
  r.body = json_text(body);  // the query is echoed as sent
  r.set("Content-Type", "application/json");
  return r;
}

}  // namespace asterai::registry::http
