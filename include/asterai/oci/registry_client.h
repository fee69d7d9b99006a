// A client for one OCI Distribution registry (dist-spec v1.1): manifests, blobs, tags and the
// referrers API, with the Docker/OCI auth flow (a 401 Bearer challenge -> token from the
// realm, with Basic credentials or anonymous; or plain Basic auth) and retries with backoff
// for idempotent requests. Registry errors keep the registry's own message and say what to do.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/credentials.h"
#include "asterai/oci/http.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/progress.h"
#include "asterai/oci/search.h"

namespace asterai::oci {

struct ClientOptions {
  // http:// instead of https://. Loopback registries (127.0.0.1, localhost, [::1]) always use
  // plain HTTP, as Docker does.
  bool plain_http = false;
  std::optional<Credentials> credentials;
  // Tries per idempotent request (GET, HEAD, PUT of a manifest or a whole blob upload).
  int max_attempts = 4;
  std::chrono::milliseconds backoff{200};  // doubled after each failed try
  HttpOptions http;
};

struct FetchedManifest {
  std::string bytes;
  std::string media_type;
  std::string digest;
};

struct PushedManifest {
  std::string digest;
  bool registry_saw_subject = false;  // the `OCI-Subject` header came back
};

// Receives a blob's bytes; restarted (from byte 0) before a retry.
struct BlobSink {
  std::function<bool(std::span<const uint8_t>)> write;
  std::function<void()> restart;
};

class RegistryClient {
 public:
  RegistryClient(std::string registry, ClientOptions options = {});

  const std::string& registry() const { return registry_; }
  std::string base_url() const;
  // Whether stored credentials were given (the client may still be refused with them).
  bool has_credentials() const { return options_.credentials.has_value(); }

  // GET /v2/ with the auth flow: proves the credentials work (`asterai login`).
  Result<void> check_login();

  // The manifest's descriptor (HEAD), or nullopt when the tag or digest does not exist.
  Result<std::optional<Descriptor>> resolve(const std::string& repo, const std::string& reference);
  // The manifest's bytes; with a digest reference the bytes are verified against it.
  Result<FetchedManifest> get_manifest(const std::string& repo, const std::string& reference);
  Result<PushedManifest> put_manifest(const std::string& repo, const std::string& reference,
                                      const std::string& media_type, const std::string& bytes);

  Result<bool> has_blob(const std::string& repo, const std::string& digest);
  // Uploads unless the registry has it already (monolithic POST + PUT). Returns false when it
  // was already there.
  Result<bool> push_blob(const std::string& repo, const Blob& blob, Progress* progress);
  // Streams the blob to `sink`; the caller verifies the digest.
  Result<void> fetch_blob(const std::string& repo, const Descriptor& blob, const BlobSink& sink,
                          Progress* progress);
  // A small blob (a config, a WIT file, a tools document) into memory, digest-verified;
  // too-large when its descriptor or the transfer exceeds `max_bytes`.
  Result<std::string> fetch_small_blob(const std::string& repo, const Descriptor& blob,
                                       size_t max_bytes);

  // Every tag, following `Link` pagination.
  Result<std::vector<std::string>> list_tags(const std::string& repo);
  // The referrers API answer (filtered by artifact type client-side when the registry does
  // not filter), or nullopt when the registry has no referrers API (404).
  Result<std::optional<std::vector<Descriptor>>> referrers(const std::string& repo,
                                                           const std::string& digest,
                                                           const std::string& artifact_type = {});

  // Whether the repository holds any tag: false when the registry does not know it (404).
  Result<bool> has_tags(const std::string& repo);

  // asterai's registry API (docs/registry.md), not dist-spec: a repository's visibility.
  // `visibility` is nullopt when the registry has no such API; `set_visibility` (which creates
  // the repository when missing) fails with not_found then, saying what to do instead.
  Result<std::optional<bool>> visibility(const std::string& repo);  // true: public
  Result<void> set_visibility(const std::string& repo, bool is_public);
  // asterai's search API (search.h). With credentials, the user is identified first (the
  // endpoint never challenges), so the answer includes what that user may read. A registry
  // without the API is not-found, saying so.
  Result<SearchPage> search(const SearchQuery& query);

 private:
  // One request with auth (scope for `repo`, push or pull) and, when `idempotent`, retries.
  Result<HttpResponse> send(const std::string& repo, bool push, HttpRequest request,
                            bool idempotent);
  Result<HttpResponse> send_once(const std::string& repo, bool push, HttpRequest request);
  Result<void> answer_challenge(const HttpResponse& challenge, const std::string& scope);
  std::optional<std::string> authorization(const std::string& scope) const;
  std::string url(const std::string& path) const;

  std::string registry_;
  ClientOptions options_;
  HttpClient http_;
  bool basic_ = false;                         // the registry asked for Basic auth
  std::map<std::string, std::string> tokens_;  // scope -> bearer token
};

// A registry error answer as a typed error: the registry's own code and message, and what
// the user can do ("run `asterai login …`").
Error registry_error(const HttpResponse& response, const std::string& registry,
                     const std::string& what);

}  // namespace asterai::oci
