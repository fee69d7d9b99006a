// GET / PUT /v1/repositories/<name>/visibility: read or set whether a repository is public.
// The router authorizes GET as pull and PUT as push, so only users with push rights in the
// namespace change it; PUT creates the repository, letting a client choose the visibility
// before the first blob lands (no window in which it has the wrong one).
#include <nlohmann/json.hpp>

#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {
namespace {

constexpr size_t kMaxBody = 4096;

Response visibility_response(const std::string& name, bool is_public) {
  Response r;
  r.body = nlohmann::json{{"name", name}, {"visibility", is_public ? "public" : "private"}}.dump();
  r.set("Content-Type", "application/json");
  return r;
}

}  // namespace

Response handle_visibility(Context& ctx, const std::string& name) {
  auto& metadata = ctx.registry.metadata();
  if (ctx.request.method == "PUT") {
    auto body = ctx.request.read_body(kMaxBody);
    if (!body) return from_error(body.error(), Subject::other);
    auto doc = nlohmann::json::parse(*body, nullptr, false);
    std::string value;
    if (doc.is_object() && doc.contains("visibility") && doc["visibility"].is_string())
      value = doc["visibility"].get<std::string>();
    if (value != "public" && value != "private")
      return oci_error(
          400, "UNSUPPORTED",
          "body must be {\"visibility\": \"public\"} or {\"visibility\": \"private\"}");
    bool is_public = value == "public";
    auto created = metadata.create_repository(name, is_public, ctx.registry.clock().now_unix());
    if (!created) return from_error(created.error(), Subject::repository);
    auto set = metadata.set_visibility(name, is_public);
    if (!set) return from_error(set.error(), Subject::repository);
    return visibility_response(name, is_public);
  }
  auto info = metadata.repository(name);
  if (!info) return from_error(info.error(), Subject::repository);
  if (!*info) return oci_error(404, "NAME_UNKNOWN", "repository name not known to registry");
  Response r = visibility_response(name, (*info)->is_public);
  if (ctx.request.method == "HEAD") {
    r.head_length = r.body.size();
    r.body.clear();
  }
  return r;
}

}  // namespace asterai::registry::http
