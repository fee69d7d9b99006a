// The registry as the node's identity provider: its public keys verify tokens here; its token
// endpoint turns Basic credentials into a token.
#include <memory>
#include <nlohmann/json.hpp>

#include "asterai/cloud/identity.h"
#include "asterai/oci/http.h"
#include "asterai/registry/auth/token.h"
#include "asterai/registry/clock.h"

namespace asterai::cloud {
namespace {

std::string trimmed(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

Result<TokenCheck> registry_token_check(const std::string& registry_url) {
  oci::HttpClient client;
  oci::HttpRequest req;
  req.url = trimmed(registry_url) + "/token/keys";
  auto resp = client.send(req);
  if (!resp)
    return make_error(ErrorKind::network, "the registry's public keys (" + req.url +
                                              ") could not be fetched: " + resp.error().message);
  if (resp->status != 200)
    return make_error(ErrorKind::network, req.url + " answered " + std::to_string(resp->status) +
                                              "; is --registry an asterai registry?");
  auto jwks = nlohmann::json::parse(resp->body, nullptr, false);
  if (!jwks.is_object() || !jwks.contains("service") || !jwks["service"].is_string())
    return make_error(ErrorKind::network, req.url + " is not a key set with a service name");
  static const registry::SystemClock clock;
  auto verifier = std::make_shared<registry::TokenVerifier>(ASTERAI_TRY(
      registry::TokenVerifier::from_jwks(jwks, jwks["service"].get<std::string>(), clock)));
  return TokenCheck([verifier](std::string_view token) -> Result<VerifiedToken> {
    auto claims = ASTERAI_TRY(verifier->verify(token));
    return VerifiedToken{claims.subject, claims.expires_at};
  });
}

BasicExchange registry_basic_exchange(const std::string& registry_url) {
  std::string url = trimmed(registry_url) + "/token";
  return [url](std::string_view basic) -> Result<std::string> {
    oci::HttpClient client;
    oci::HttpRequest req;
    req.url = url;
    req.headers.push_back("Authorization: " + std::string(basic));
    auto resp = client.send(req);
    if (!resp)
      return make_error(ErrorKind::network,
                        "the registry could not check the credentials: " + resp.error().message);
    if (resp->status == 401 || resp->status == 403)
      return make_error(ErrorKind::unauthorized, "the registry refused these credentials");
    auto body = nlohmann::json::parse(resp->body, nullptr, false);
    if (resp->status != 200 || !body.is_object() || !body.contains("token") ||
        !body["token"].is_string())
      return make_error(ErrorKind::network,
                        url + " answered " + std::to_string(resp->status) + " without a token");
    return body["token"].get<std::string>();
  };
}

}  // namespace asterai::cloud
