// RegistryClient's calls outside dist-spec: tag presence (first publication) and asterai's
// repository visibility API (`/v1/repositories/<name>/visibility`, docs/registry.md).
#include <nlohmann/json.hpp>

#include "asterai/oci/registry_client.h"

namespace asterai::oci {
namespace {

using nlohmann::json;

// The first OCI error code of an error body, or "".
std::string error_code(const HttpResponse& r) {
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("errors") || !body["errors"].is_array() ||
      body["errors"].empty() || !body["errors"][0].is_object())
    return {};
  const auto& code = body["errors"][0]["code"];
  return code.is_string() ? code.get<std::string>() : std::string();
}

// Any registry answers an unknown path with 404 (or 405); asterai's registry answers an
// unknown repository on this endpoint with 404 NAME_UNKNOWN.
bool lacks_visibility_api(const HttpResponse& r) {
  return r.status == 405 || (r.status == 404 && error_code(r) != "NAME_UNKNOWN");
}

}  // namespace

Result<bool> RegistryClient::has_tags(const std::string& repo) {
  HttpRequest req;
  req.url = url("/v2/" + repo + "/tags/list?n=1");
  auto r = ASTERAI_TRY(send(repo, false, req, true));
  if (r.status == 404) return false;
  if (r.status != 200) return tl::unexpected(registry_error(r, registry_, "tags of " + repo));
  json body = json::parse(r.body, nullptr, false);
  return body.is_object() && body.contains("tags") && body["tags"].is_array() &&
         !body["tags"].empty();
}

Result<std::optional<bool>> RegistryClient::visibility(const std::string& repo) {
  HttpRequest req;
  req.url = url("/v1/repositories/" + repo + "/visibility");
  auto r = ASTERAI_TRY(send(repo, false, req, true));
  if (lacks_visibility_api(r)) return std::optional<bool>();
  if (r.status != 200) return tl::unexpected(registry_error(r, registry_, "visibility of " + repo));
  json body = json::parse(r.body, nullptr, false);
  if (!body.is_object() || !body.contains("visibility") || !body["visibility"].is_string())
    return make_error(ErrorKind::network, registry_ + " sent an invalid visibility for " + repo);
  return std::optional<bool>(body["visibility"].get<std::string>() == "public");
}

Result<void> RegistryClient::set_visibility(const std::string& repo, bool is_public) {
  std::string body = json{{"visibility", is_public ? "public" : "private"}}.dump();
  HttpRequest req;
  req.method = "PUT";
  req.url = url("/v1/repositories/" + repo + "/visibility");
  req.headers.push_back("Content-Type: application/json");
  req.body = std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size());
  req.has_body = true;
  // Setting the same value twice is harmless: idempotent, so retried.
  auto r = ASTERAI_TRY(send(repo, true, req, true));
  if (lacks_visibility_api(r)) {
    return make_error(ErrorKind::not_found,
                      registry_ +
                          " has no repository visibility API (it is not an asterai registry); "
                          "set the visibility with that registry's own tools and push without "
                          "--public/--private");
  }
  if (r.status != 200)
    return tl::unexpected(registry_error(r, registry_, "set visibility of " + repo));
  return {};
}

}  // namespace asterai::oci
