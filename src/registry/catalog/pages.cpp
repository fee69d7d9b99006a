#include "catalog/pages.h"

#include <algorithm>

#include "asterai/common/percent_decode.h"
#include "asterai/registry/auth/policy.h"
#include "asterai/registry/names.h"
#include "asterai/registry/search/search.h"
#include "catalog/html.h"

namespace asterai::registry::catalog {
namespace {

constexpr std::string_view kCookie = "asterai_session";
constexpr size_t kPerPage = 20;
constexpr size_t kMaxForm = 4096;

std::string cookie_value(const http::Request& req) {
  std::string header = req.header("cookie");
  std::string_view rest = header;
  while (!rest.empty()) {
    size_t end = rest.find(';');
    std::string_view part = rest.substr(0, end);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    if (part.starts_with(kCookie) && part.size() > kCookie.size() && part[kCookie.size()] == '=')
      return std::string(part.substr(kCookie.size() + 1));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end + 1);
  }
  return {};
}

Viewer viewer_of(http::Context& ctx) {
  Viewer v;
  v.auth = ctx.registry.config().auth;
  v.logins = v.auth;
  if (!v.auth) return v;
  v.cookie = cookie_value(ctx.request);
  if (v.cookie.empty()) return v;
  v.session = ctx.registry.sessions().find(v.cookie);
  if (v.session) {
    auto user = ctx.registry.credentials().user(v.session->user);
    if (user)
      v.user = *user;
    else
      v.session.reset();  // the user was deleted since
  }
  return v;
}

std::string set_cookie(const http::Request& req, const std::string& value, bool clear) {
  std::string c = std::string(kCookie) + "=" + value + "; Path=/; HttpOnly; SameSite=Strict";
  if (req.tls) c += "; Secure";
  if (clear) c += "; Max-Age=0";
  return c;
}

// A form POST from another site is refused: the browser names the page's origin, which must
// be this registry (SameSite=Strict cookies and the CSRF token are the other two locks).
bool same_origin(const http::Request& req) {
  std::string origin = req.header("origin");
  if (origin.empty() || origin == "null") return origin.empty();
  std::string host = req.header("host");
  return origin == "http://" + host || origin == "https://" + host;
}

std::map<std::string, std::string> form_of(const http::Request& req) {
  std::map<std::string, std::string> form;
  auto body = req.read_body(kMaxForm);
  if (!body) return form;
  for (auto& [k, v] : decode_query(*body)) form.emplace(k, v);
  return form;
}

http::Response redirect(const std::string& to) {
  http::Response r;
  r.status = 303;
  r.set("Location", to);
  return r;
}

std::string hit_html(const SearchHit& h) {
  std::string s = "<li><a href=\"/c/" + escape(h.repository) + "\"><strong>" +
                  escape(h.repository) + "</strong></a> ";
  if (!h.is_public) s += "<span class=\"badge private\">private</span>";
  if (!h.description.empty()) s += "<div>" + escape(h.description) + "</div>";
  std::string meta;
  if (!h.tools.empty()) {
    meta += "tools: ";
    for (size_t i = 0; i < h.tools.size() && i < 8; ++i)
      meta += (i ? ", " : "") + escape(h.tools[i]);
  }
  if (!h.tags.empty())
    meta += (meta.empty() ? "" : " · ") + std::to_string(h.tags.size()) + " tags";
  if (!meta.empty()) s += "<div class=\"meta\">" + meta + "</div>";
  return s + "</li>";
}

// Search results, of the whole registry or of one namespace (`prefix` "alice/").
http::Response listing(http::Context& ctx, const Viewer& viewer, const std::string& title,
                       const std::string& prefix) {
  std::string q = ctx.request.param("q");
  if (q.size() > 256) q.resize(256);
  size_t page_no = 1;
  if (auto p = ctx.request.param("page"); !p.empty()) page_no = std::max(1, std::atoi(p.c_str()));
  auto visible = [&](const RepositoryInfo& r) {
    return viewer.may_see(r) && (prefix.empty() || r.name.starts_with(prefix));
  };
  auto result = ctx.registry.search_index().search(ctx.registry.metadata(), q,
                                                   (page_no - 1) * kPerPage, kPerPage, visible);
  if (!result)
    return html_response(500, page("Error", "<p class=\"error\">The search failed.</p>",
                                   viewer.session, viewer.logins, q));
  std::string body = "<h1>" + escape(title) + "</h1><p class=\"meta\">" +
                     std::to_string(result->total) + " component" +
                     (result->total == 1 ? "" : "s") +
                     (q.empty() ? "" : " matching “" + escape(q) + "”") + "</p><ul class=\"hits\">";
  for (const auto& h : result->hits) body += hit_html(h);
  body += "</ul>";
  std::string base = prefix.empty() ? "/?q=" : "/ns/" + prefix.substr(0, prefix.size() - 1) + "?q=";
  if (page_no > 1)
    body += "<a href=\"" + escape(base + url_encode(q) + "&page=" + std::to_string(page_no - 1)) +
            "\">Previous</a> ";
  if (page_no * kPerPage < result->total)
    body += "<a href=\"" + escape(base + url_encode(q) + "&page=" + std::to_string(page_no + 1)) +
            "\">Next</a>";
  return html_response(200, page(title, body, viewer.session, viewer.logins, q));
}

std::string login_form(const std::string& error) {
  return "<h1>Sign in</h1>" +
         (error.empty() ? "" : "<p class=\"error\" role=\"alert\">" + escape(error) + "</p>") +
         "<p>Use your registry user name and an API key (<code>asterai registry key "
         "issue</code>). You will see your private components.</p>"
         "<form class=\"login\" method=\"post\" action=\"/login\">"
         "<label for=\"user\">User</label><input id=\"user\" name=\"user\" "
         "autocomplete=\"username\" required>"
         "<label for=\"key\">API key</label><input id=\"key\" name=\"key\" type=\"password\" "
         "autocomplete=\"current-password\" required>"
         "<button type=\"submit\">Sign in</button></form>";
}

http::Response login(http::Context& ctx, const Viewer& viewer) {
  if (!viewer.auth)
    return html_response(404, page("Sign in",
                                   "<p>This registry runs without authentication: "
                                   "there is nothing to sign in to.</p>",
                                   std::nullopt, false));
  if (ctx.request.method == "GET")
    return html_response(200, page("Sign in", login_form(""), viewer.session, true));
  if (!same_origin(ctx.request))
    return html_response(
        403, page("Sign in", login_form("That form came from another site."), std::nullopt, true));
  auto form = form_of(ctx.request);
  auto user = ctx.registry.credentials().verify(form["user"], form["key"]);
  if (!user)
    return html_response(
        401, page("Sign in", login_form("Wrong user name or API key."), std::nullopt, true));
  if (!viewer.cookie.empty()) ctx.registry.sessions().end(viewer.cookie);  // no fixation
  std::string cookie = ctx.registry.sessions().create(user->name);
  auto r = redirect("/ns/" + url_encode(user->name));
  r.set("Set-Cookie", set_cookie(ctx.request, cookie, false));
  return r;
}

http::Response logout(http::Context& ctx, const Viewer& viewer) {
  auto form = form_of(ctx.request);
  if (!viewer.session || !same_origin(ctx.request) || form["csrf"] != viewer.session->csrf)
    return html_response(403, page("Sign out",
                                   "<p class=\"error\">That sign-out request was not "
                                   "sent by this site's form.</p>",
                                   viewer.session, viewer.logins));
  ctx.registry.sessions().end(viewer.cookie);
  auto r = redirect("/");
  r.set("Set-Cookie", set_cookie(ctx.request, "", true));
  return r;
}

}  // namespace

bool Viewer::may_see(const RepositoryInfo& repo) const {
  return auth ? registry::may_see(user, repo) : repo.is_public;
}

bool is_page(std::string_view path) {
  return path == "/" || path == "/login" || path == "/logout" || path.starts_with("/ns/") ||
         path.starts_with("/c/");
}

http::Response html_response(unsigned status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.set("Content-Type", "text/html; charset=utf-8");
  // No script runs, no other site frames the page, forms post only here.
  r.set("Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'");
  r.set("X-Content-Type-Options", "nosniff");
  r.set("Referrer-Policy", "same-origin");
  r.set("Cache-Control", "no-store");
  return r;
}

http::Response not_found_page(const Viewer& viewer) {
  return html_response(404, page("Not found",
                                 "<h1>Not found</h1><p>No such component here, or not one you "
                                 "may see" +
                                     std::string(viewer.session || !viewer.logins
                                                     ? ""
                                                     : " (<a href=\"/login\">sign in</a>?)") +
                                     ".</p>",
                                 viewer.session, viewer.logins));
}

http::Response handle_page(http::Context& ctx) {
  Viewer viewer = viewer_of(ctx);
  const std::string& path = ctx.request.path;
  bool post = ctx.request.method == "POST";
  if (path == "/login") return login(ctx, viewer);
  if (path == "/logout" && post) return logout(ctx, viewer);
  if (post)
    return html_response(405,
                         page("Not allowed", "<p>Not allowed.</p>", viewer.session, viewer.logins));
  if (path == "/") return listing(ctx, viewer, "Components", "");
  if (path.starts_with("/ns/")) {
    std::string ns = path.substr(4);
    if (ns.empty() || ns.find('/') != std::string::npos) return not_found_page(viewer);
    return listing(ctx, viewer, ns, ns + "/");
  }
  if (path.starts_with("/c/")) {
    std::string repo = path.substr(3);
    if (!is_valid_repository_name(repo)) return not_found_page(viewer);
    return component_page(ctx, viewer, repo);
  }
  return not_found_page(viewer);
}

}  // namespace asterai::registry::catalog
