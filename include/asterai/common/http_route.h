// HTTP routes of proxy components (components exporting wasi:http/incoming-handler): their
// form, the paths the server keeps for itself, and the path a handler sees under its route.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"

namespace asterai {

// Paths the server answers itself (/mcp, /v1, /healthz, /metrics); no route may be at or
// under them.
const std::vector<std::string>& reserved_http_paths();
// "/" or "/seg/seg" with segments of [A-Za-z0-9._~-], not reserved; the message says what is
// wrong ("bad HTTP route \"/x/\": it must not end with /").
Result<void> check_http_route(std::string_view prefix);
// `path` is `prefix` or below it: "/a/b" holds "/a/b", "/a/b/", "/a/b/c", not "/a/bc".
bool path_is_under(std::string_view path, std::string_view prefix);
// The path a route's handler sees for `path` (which is under `prefix`): "/" at least.
std::string path_under_route(std::string_view prefix, std::string_view path);

}  // namespace asterai
