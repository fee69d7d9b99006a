// Resource handlers, one file per resource (blobs, uploads, manifests, discovery, token,
// token keys, search, visibility). They run after routing and authorization; `name` is a validated
// repository name.
#pragma once

#include <string>

#include "asterai/registry/registry.h"
#include "http/message.h"

namespace asterai::registry::http {

struct Context {
  Registry& registry;
  const Request& request;
  const Caller& caller;
};

Response handle_blob(Context& ctx, const std::string& name, const std::string& digest);
Response handle_upload_start(Context& ctx, const std::string& name);
Response handle_upload(Context& ctx, const std::string& name, const std::string& id);
Response handle_manifest(Context& ctx, const std::string& name, const std::string& reference);
Response handle_tags(Context& ctx, const std::string& name);
Response handle_referrers(Context& ctx, const std::string& name, const std::string& digest);
Response handle_catalog(Context& ctx);
Response handle_token(Context& ctx);
Response handle_token_keys(Context& ctx);
Response handle_search(Context& ctx);
Response handle_visibility(Context& ctx, const std::string& name);

// Parses `n` (page size) and `last` for paginated listings; nullopt for a malformed n.
std::optional<size_t> page_size(const Request& req, size_t fallback, size_t max);

}  // namespace asterai::registry::http
