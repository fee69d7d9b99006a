// The catalog's HTML: escaping, the page frame (header, search box, who is signed in, the
// stylesheet, inline: no second request, no build step) and WIT highlighting.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "asterai/registry/catalog/sessions.h"

namespace asterai::registry::catalog {

// Text for an HTML element or a quoted attribute value.
std::string escape(std::string_view text);
// A query-string value ("a b/c" -> "a%20b%2Fc").
std::string url_encode(std::string_view text);

// A whole page around `body`. `session` (when signed in) shows the user and a logout form
// carrying its CSRF token; `query` fills the search box.
std::string page(std::string_view title, const std::string& body,
                 const std::optional<Session>& session, bool logins, std::string_view query = {});

// WIT source as escaped HTML with keywords and comments marked for the stylesheet.
std::string highlight_wit(std::string_view wit);

}  // namespace asterai::registry::catalog
