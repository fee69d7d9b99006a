// Content discovery: tags list, referrers, catalog.
#include <charconv>
#include <nlohmann/json.hpp>

#include "asterai/registry/auth/policy.h"
#include "asterai/registry/storage/manifest.h"
#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {
namespace {

using nlohmann::json;

constexpr size_t kDefaultPage = 1000;
constexpr size_t kMaxPage = 10000;

// dist-spec: a Link header with rel="next" when more results follow.
void add_next_link(Response& r, const std::string& path, size_t n, const std::string& last) {
  r.set("Link", "<" + path + "?n=" + std::to_string(n) + "&last=" + last + ">; rel=\"next\"");
}

Response json_response(const json& body, std::string content_type = "application/json") {
  Response r;
  r.body = body.dump();
  r.set("Content-Type", std::move(content_type));
  return r;
}

}  // namespace

std::optional<size_t> page_size(const Request& req, size_t fallback, size_t max) {
  std::string n = req.param("n");
  if (n.empty()) return fallback;
  size_t v = 0;
  auto [p, ec] = std::from_chars(n.data(), n.data() + n.size(), v);
  if (ec != std::errc() || p != n.data() + n.size()) return std::nullopt;
  return std::min(v, max);
}

Response handle_tags(Context& ctx, const std::string& name) {
  auto n = page_size(ctx.request, kDefaultPage, kMaxPage);
  if (!n) return oci_error(400, "UNSUPPORTED", "n must be a non-negative integer");
  // Fetch one more than asked to know whether a next page exists.
  auto tags = ctx.registry.metadata().list_tags(name, ctx.request.param("last"), *n + 1);
  if (!tags) return from_error(tags.error(), Subject::repository);
  bool more = tags->size() > *n;
  if (more) tags->resize(*n);
  Response r = json_response({{"name", name}, {"tags", *tags}});
  if (more && !tags->empty()) add_next_link(r, "/v2/" + name + "/tags/list", *n, tags->back());
  return r;
}

Response handle_referrers(Context& ctx, const std::string& name, const std::string& digest) {
  if (!parse_digest(digest)) return oci_error(400, "DIGEST_INVALID", "invalid subject digest");
  auto found = ctx.registry.metadata().referrers(name, digest);
  if (!found) return from_error(found.error(), Subject::repository);
  auto filters = ctx.request.params("artifactType");
  json manifests = json::array();
  for (const auto& m : *found) {
    if (!filters.empty() &&
        std::find(filters.begin(), filters.end(), m.artifact_type) == filters.end())
      continue;
    json d = {{"mediaType", m.media_type}, {"digest", m.digest}, {"size", m.size}};
    if (!m.artifact_type.empty()) d["artifactType"] = m.artifact_type;
    if (!m.annotations.empty()) d["annotations"] = json::parse(m.annotations, nullptr, false);
    manifests.push_back(std::move(d));
  }
  json index = {{"schemaVersion", 2}, {"mediaType", kOciIndex}, {"manifests", manifests}};
  Response r = json_response(index, std::string(kOciIndex));
  if (!filters.empty()) r.set("OCI-Filters-Applied", "artifactType");
  return r;
}

Response handle_catalog(Context& ctx) {
  auto n = page_size(ctx.request, kDefaultPage, kMaxPage);
  if (!n) return oci_error(400, "UNSUPPORTED", "n must be a non-negative integer");
  auto all = ctx.registry.metadata().repositories();
  if (!all) return from_error(all.error(), Subject::other);
  std::string last = ctx.request.param("last");
  std::vector<std::string> names;
  bool more = false;
  for (const auto& repo : *all) {
    if (repo.name <= last) continue;
    if (ctx.registry.config().auth && !may_see(ctx.caller.user, repo)) continue;
    if (names.size() == *n) {
      more = true;
      break;
    }
    names.push_back(repo.name);
  }
  Response r = json_response({{"repositories", names}});
  if (more && !names.empty()) add_next_link(r, "/v2/_catalog", *n, names.back());
  return r;
}

}  // namespace asterai::registry::http
