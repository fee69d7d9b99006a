// GET /token/keys: the public keys that verify this registry's tokens, as a JWK Set with the
// service name the tokens carry (aud/iss) next to "keys". No authentication: the set holds no
// secret, and verifiers (cloud nodes) fetch it before they hold any token.
#include <nlohmann/json.hpp>

#include "http/handlers.h"

namespace asterai::registry::http {

Response handle_token_keys(Context& ctx) {
  Response r;
  r.body = ctx.registry.tokens().jwks().dump();
  // The key only changes when the secret file is replaced; a verifier meeting an unknown
  // kid refetches anyway.
  r.set("Content-Type", "application/json").set("Cache-Control", "public, max-age=300");
  if (ctx.request.method == "HEAD") {
    r.head_length = r.body.size();
    r.body.clear();
  }
  return r;
}

}  // namespace asterai::registry::http
