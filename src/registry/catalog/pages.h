// The web catalog served by `asterai registry serve` (docs/registry.md#web-catalog): search,
// a page per namespace and per component, sign in and out. Server-rendered HTML that works
// without JavaScript; private components appear only to users who may pull them.
#pragma once

#include <optional>
#include <string>

#include "asterai/registry/auth/credentials.h"
#include "asterai/registry/catalog/sessions.h"
#include "http/handlers.h"

namespace asterai::registry::catalog {

// Who is looking: the signed-in user (a valid session cookie), else nobody.
struct Viewer {
  std::optional<Session> session;
  std::optional<User> user;
  std::string cookie;
  bool auth = true;    // false on a --no-auth registry: public repositories only, no logins
  bool logins = true;  // whether the page offers to sign in
  bool may_see(const RepositoryInfo& repo) const;
};

// Whether `path` is one of the catalog's pages (everything outside /v1, /v2 and /token).
bool is_page(std::string_view path);
http::Response handle_page(http::Context& ctx);

// Tags that are plumbing, not versions: the referrers fallback and cosign's signatures.
bool is_plumbing_tag(std::string_view tag);

http::Response html_response(unsigned status, std::string body);
http::Response not_found_page(const Viewer& viewer);
http::Response component_page(http::Context& ctx, const Viewer& viewer, const std::string& repo);

}  // namespace asterai::registry::catalog
