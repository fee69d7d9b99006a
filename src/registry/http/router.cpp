#include "http/router.h"

#include <spdlog/spdlog.h>

#include "asterai/registry/names.h"
#include "catalog/pages.h"
#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {
namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (start <= path.size()) {
    size_t slash = path.find('/', start);
    if (slash == std::string_view::npos) slash = path.size();
    parts.push_back(path.substr(start, slash - start));
    start = slash + 1;
  }
  return parts;
}

std::string join(const std::vector<std::string_view>& parts, size_t from, size_t to) {
  std::string out;
  for (size_t i = from; i < to; ++i) {
    if (i > from) out += '/';
    out += parts[i];
  }
  return out;
}

const char* action_for(const std::string& method) {
  if (method == "GET" || method == "HEAD") return "pull";
  if (method == "DELETE") return "delete";
  return "push";
}

std::string realm(const Registry& registry, const Request& req) {
  if (!registry.config().realm.empty()) return registry.config().realm;
  std::string host = req.header("host");
  return std::string(req.tls ? "https://" : "http://") + (host.empty() ? "localhost" : host) +
         "/token";
}

// dist-spec auth: 401 with a Bearer challenge naming the scope a token must carry.
Response challenge(const Registry& registry, const Request& req, const std::string& scope,
                   bool bad_token) {
  Response r = oci_error(401, "UNAUTHORIZED",
                         bad_token ? "invalid or expired token" : "authentication required");
  std::string value =
      "Bearer realm=\"" + realm(registry, req) + "\",service=\"" + registry.config().service + "\"";
  if (!scope.empty()) value += ",scope=\"" + scope + "\"";
  if (bad_token) value += ",error=\"invalid_token\"";
  r.set("WWW-Authenticate", value);
  return r;
}

// Resolves the caller from a Bearer token. An invalid token is an error, not anonymity.
Result<Caller> identify(Registry& registry, const Request& req) {
  Caller caller;
  std::string auth = req.header("authorization");
  if (auth.empty()) return caller;
  if (auth.compare(0, 7, "Bearer ") != 0)
    return make_error(ErrorKind::unauthorized, "unsupported authorization");
  caller.claims = ASTERAI_TRY(registry.tokens().verify(std::string_view(auth).substr(7)));
  if (!caller.claims->subject.empty()) {
    auto user = registry.credentials().user(caller.claims->subject);
    if (!user) return make_error(ErrorKind::unauthorized, "token subject no longer exists");
    caller.user = *user;
  }
  return caller;
}

bool is_public(Registry& registry, const std::string& name) {
  auto info = registry.metadata().repository(name);
  return info && *info && (*info)->is_public;
}

Response route_to_handler(Context& ctx, const Route& route) {
  switch (route.resource) {
    case Resource::base: {
      Response r;
      r.body = "{}";
      r.set("Content-Type", "application/json");
      return r;
    }
    case Resource::catalog:
      return handle_catalog(ctx);
    case Resource::search:
      return handle_search(ctx);
    case Resource::token:
      return handle_token(ctx);
    case Resource::token_keys:
      return handle_token_keys(ctx);
    case Resource::blob:
      return handle_blob(ctx, route.name, route.reference);
    case Resource::upload_start:
      return handle_upload_start(ctx, route.name);
    case Resource::upload:
      return handle_upload(ctx, route.name, route.reference);
    case Resource::manifest:
      return handle_manifest(ctx, route.name, route.reference);
    case Resource::tags:
      return handle_tags(ctx, route.name);
    case Resource::referrers:
      return handle_referrers(ctx, route.name, route.reference);
    case Resource::visibility:
      return handle_visibility(ctx, route.name);
    case Resource::unknown:
      break;
  }
  return oci_error(404, "NOT_FOUND", "no such endpoint");
}

bool method_allowed(Resource r, const std::string& m) {
  bool read = m == "GET" || m == "HEAD";
  switch (r) {
    case Resource::base:
    case Resource::catalog:
    case Resource::search:
    case Resource::tags:
    case Resource::referrers:
    case Resource::token_keys:
      return read;
    case Resource::token:
      return m == "GET" || m == "POST";
    case Resource::blob:
      return read || m == "DELETE";
    case Resource::upload_start:
      return m == "POST";
    case Resource::upload:
      return m == "GET" || m == "PATCH" || m == "PUT" || m == "DELETE";
    case Resource::manifest:
      return read || m == "PUT" || m == "DELETE";
    case Resource::visibility:
      return read || m == "PUT";
    case Resource::unknown:
      return true;
  }
  return false;
}

}  // namespace

Route parse_route(std::string_view path) {
  if (path == "/v2" || path == "/v2/") return {Resource::base, {}, {}};
  if (path == "/v2/_catalog") return {Resource::catalog, {}, {}};
  if (path == "/token") return {Resource::token, {}, {}};
  if (path == "/token/keys") return {Resource::token_keys, {}, {}};
  if (path == "/v1/search") return {Resource::search, {}, {}};
  // asterai's own API: /v1/repositories/<name>/visibility (docs/registry.md).
  if (path.substr(0, 17) == "/v1/repositories/") {
    auto p = split(path.substr(17));
    std::string name = p.size() >= 2 ? join(p, 0, p.size() - 1) : "";
    // An empty name would escape the repository-scoped authorization below.
    if (name.empty() || p.back() != "visibility") return {};
    return {Resource::visibility, std::move(name), {}};
  }
  if (path.substr(0, 4) != "/v2/") return {};
  auto p = split(path.substr(4));
  size_t n = p.size();
  if (n >= 3 && p[n - 3] == "blobs" && p[n - 2] == "uploads") {
    return {p[n - 1].empty() ? Resource::upload_start : Resource::upload, join(p, 0, n - 3),
            std::string(p[n - 1])};
  }
  if (n >= 3 && p[n - 2] == "blobs")
    return {Resource::blob, join(p, 0, n - 2), std::string(p[n - 1])};
  if (n >= 3 && p[n - 2] == "manifests")
    return {Resource::manifest, join(p, 0, n - 2), std::string(p[n - 1])};
  if (n >= 3 && p[n - 2] == "referrers")
    return {Resource::referrers, join(p, 0, n - 2), std::string(p[n - 1])};
  if (n >= 3 && p[n - 2] == "tags" && p[n - 1] == "list")
    return {Resource::tags, join(p, 0, n - 2), {}};
  return {};
}

Response dispatch(Registry& registry, const Request& req) {
  // The web catalog: its own sign-in (a session cookie), never a Bearer challenge.
  if (catalog::is_page(req.path)) {
    if (req.method != "GET" && req.method != "POST")
      return oci_error(405, "UNSUPPORTED", "method not allowed");
    Caller nobody;
    Context ctx{registry, req, nobody};
    try {
      return catalog::handle_page(ctx);
    } catch (const std::exception& e) {
      spdlog::error("{} {}: {}", req.method, req.path, e.what());
      return oci_error(500, "UNKNOWN", "internal error");
    }
  }
  Route route = parse_route(req.path);
  if (!method_allowed(route.resource, req.method))
    return oci_error(405, "UNSUPPORTED", "method not allowed");
  // By resource, not by name: "/v2//manifests/x" has an empty name that must not skip auth.
  bool anonymous = route.resource == Resource::token || route.resource == Resource::token_keys;
  bool repo_scoped = route.resource != Resource::base && route.resource != Resource::catalog &&
                     !anonymous && route.resource != Resource::search &&
                     route.resource != Resource::unknown;
  if (repo_scoped && !is_valid_repository_name(route.name)) {
    return oci_error(400, "NAME_INVALID", "invalid repository name");
  }
  Caller caller;
  bool auth = registry.config().auth;
  // The token endpoints are where a caller gets credentials: a bad bearer header on them is
  // ignored, never a challenge.
  if (auth && !anonymous && route.resource != Resource::unknown) {
    auto who = identify(registry, req);
    if (!who) return challenge(registry, req, "", true);
    caller = std::move(*who);
    if (route.resource == Resource::base && !caller.claims)
      return challenge(registry, req, "", false);
    if (repo_scoped) {
      std::string action = action_for(req.method);
      bool ok = caller.claims && caller.claims->allows("repository", route.name, action);
      // Public repositories pull anonymously, without a token round trip.
      if (!ok && action == "pull") ok = is_public(registry, route.name);
      if (!ok) {
        std::string actions = action == "push" ? "pull,push" : action;
        return challenge(registry, req, "repository:" + route.name + ":" + actions, false);
      }
    }
  }
  Context ctx{registry, req, caller};
  try {
    return route_to_handler(ctx, route);
  } catch (const std::exception& e) {
    // Handlers return errors as values; anything thrown is a bug, logged, never a crash.
    spdlog::error("{} {}: {}", req.method, req.path, e.what());
    return oci_error(500, "UNKNOWN", "internal error");
  }
}

}  // namespace asterai::registry::http
