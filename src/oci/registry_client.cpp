#include "asterai/oci/registry_client.h"

#include <nlohmann/json.hpp>
#include <thread>

#include "asterai/oci/digest.h"
#include "asterai/oci/media_types.h"
#include "challenge.h"

namespace asterai::oci {
namespace {

using nlohmann::json;

bool is_loopback(const std::string& registry) {
  for (std::string_view host : {"127.0.0.1", "localhost", "[::1]"}) {
    if (registry.rfind(host, 0) == 0 &&
        (registry.size() == host.size() || registry[host.size()] == ':'))
      return true;
  }
  return false;
}

bool retryable_status(long status) {
  return status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
}

std::string accept_manifests() {
  return "Accept: " + std::string(kImageManifest) + ", " + std::string(kImageIndex) + ", " +
         std::string(kDockerManifest);
}

// "<…?n=100&last=x>; rel="next"" -> the path and query inside the angle brackets.
std::string next_link(const HttpResponse& r) {
  for (const auto& link : r.header_values("link")) {
    if (link.find("rel=\"next\"") == std::string::npos) continue;
    auto open = link.find('<'), close = link.find('>');
    if (open != std::string::npos && close != std::string::npos && close > open)
      return link.substr(open + 1, close - open - 1);
  }
  return {};
}

std::string registry_message(const HttpResponse& r) {
  json body = json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("errors") && body["errors"].is_array() &&
      !body["errors"].empty()) {
    // Any shape may come back: only strings are read (json::value() throws on others).
    const auto& e = body["errors"][0];
    auto text = [&](const char* key) {
      return e.is_object() && e.contains(key) && e[key].is_string() ? e[key].get<std::string>()
                                                                    : std::string();
    };
    std::string code = text("code");
    std::string message = text("message");
    if (!code.empty() && !message.empty()) return code + ": " + message;
    return code + message;
  }
  std::string text = r.body.substr(0, 200);
  for (auto& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return text;
}

}  // namespace

Error registry_error(const HttpResponse& r, const std::string& registry, const std::string& what) {
  std::string said = registry_message(r);
  std::string base = what + ": " + registry + " answered " + std::to_string(r.status) +
                     (said.empty() ? "" : " (" + said + ")");
  switch (r.status) {
    case 401:
      return {ErrorKind::unauthorized,
              base + "; run `asterai login " + registry + "` (or check that the key is valid)",
              {}};
    case 403:
      return {ErrorKind::denied,
              base +
                  "; the account lacks permission here (you may push only into your own "
                  "namespace)",
              {}};
    case 404:
      return {ErrorKind::not_found,
              base + ": not found; check the name and version (`asterai tags REF`)",
              {}};
    case 409:
      return {ErrorKind::conflict, base, {}};
    case 413:
      return {ErrorKind::too_large, base, {}};
    default:
      break;
  }
  if (r.status >= 500 || r.status == 429)
    return {ErrorKind::network, base + "; the registry is failing, try again later", {}};
  return {ErrorKind::invalid_input, base, {}};
}

RegistryClient::RegistryClient(std::string registry, ClientOptions options)
    : registry_(std::move(registry)), options_(std::move(options)), http_(options_.http) {}

std::string RegistryClient::base_url() const {
  bool plain = options_.plain_http || is_loopback(registry_);
  return (plain ? "http://" : "https://") + registry_;
}

std::string RegistryClient::url(const std::string& path) const {
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) return path;
  return base_url() + path;
}

std::optional<std::string> RegistryClient::authorization(const std::string& scope) const {
  if (auto it = tokens_.find(scope); it != tokens_.end())
    return "Authorization: Bearer " + it->second;
  if (basic_ && options_.credentials) {
    return "Authorization: Basic " +
           base64_encode(options_.credentials->username + ":" + options_.credentials->password);
  }
  return std::nullopt;
}

Result<void> RegistryClient::answer_challenge(const HttpResponse& r, const std::string& scope) {
  Challenge c = parse_challenge(r.header("www-authenticate"));
  std::string login_hint = "run `asterai login " + registry_ + "`";
  if (c.scheme == "basic") {
    if (!options_.credentials)
      return make_error(ErrorKind::unauthorized,
                        registry_ + " requires authentication; " + login_hint);
    if (basic_)
      return make_error(ErrorKind::unauthorized,
                        registry_ + " refused the stored credentials; " + login_hint);
    basic_ = true;
    return {};
  }
  if (c.scheme != "bearer" || c.params["realm"].empty()) {
    return tl::unexpected(registry_error(r, registry_, "authentication"));
  }
  // Ask for the scope this client needs and the one the challenge names (when different).
  std::string token_url = c.params["realm"];
  token_url += token_url.find('?') == std::string::npos ? "?" : "&";
  token_url += "service=" + url_escape(c.params["service"]);
  if (!scope.empty()) token_url += "&scope=" + url_escape(scope);
  if (!c.params["scope"].empty() && c.params["scope"] != scope)
    token_url += "&scope=" + url_escape(c.params["scope"]);
  HttpRequest req;
  req.url = token_url;
  if (options_.credentials) {
    req.headers.push_back(
        "Authorization: Basic " +
        base64_encode(options_.credentials->username + ":" + options_.credentials->password));
  }
  HttpResponse answer;
  for (int attempt = 0;; ++attempt) {
    auto got = http_.send(req);
    bool again = (!got || retryable_status(got->status)) && attempt + 1 < options_.max_attempts;
    if (again) {
      std::this_thread::sleep_for(options_.backoff * (1 << attempt));
      continue;
    }
    answer = ASTERAI_TRY(std::move(got));
    break;
  }
  if (answer.status == 401 || answer.status == 403) {
    return make_error(
        ErrorKind::unauthorized,
        registry_ +
            (options_.credentials ? " refused the credentials (" + registry_message(answer) + "); "
                                  : " requires authentication; ") +
            login_hint);
  }
  if (answer.status != 200)
    return tl::unexpected(registry_error(answer, registry_, "token request"));
  json body = json::parse(answer.body, nullptr, false);
  std::string token;
  if (body.is_object()) {
    if (body.contains("token") && body["token"].is_string())
      token = body["token"].get<std::string>();
    else if (body.contains("access_token") && body["access_token"].is_string())
      token = body["access_token"].get<std::string>();
  }
  if (token.empty())
    return make_error(ErrorKind::network, registry_ + ": the token endpoint returned no token");
  tokens_[scope] = token;
  return {};
}

Result<HttpResponse> RegistryClient::send_once(const std::string& repo, bool push,
                                               HttpRequest request) {
  std::string scope = repo.empty() ? "" : "repository:" + repo + (push ? ":pull,push" : ":pull");
  std::vector<std::string> base_headers = request.headers;
  // Round 0 uses what is cached (a token for the scope, or Basic); a 401 is answered once
  // (a fresh token, or Basic credentials) and round 1 decides.
  for (int round = 0;; ++round) {
    request.headers = base_headers;
    if (auto auth = authorization(scope)) request.headers.push_back(*auth);
    auto r = ASTERAI_TRY(http_.send(request));
    if (r.status != 401) return r;
    // A token fetched with valid credentials and still refused: the scope was not granted.
    bool scope_refused = round == 1 && tokens_.count(scope) && options_.credentials;
    tokens_.erase(scope);
    if (scope_refused && !repo.empty()) {
      return make_error(ErrorKind::denied,
                        request.method + " " + repo + ": " + registry_ + " denied " +
                            options_.credentials->username + " " + (push ? "push" : "pull") +
                            " access (" + registry_message(r) +
                            "); the account lacks permission here " +
                            (push ? "(you may push only into your own namespace)"
                                  : "(a private repository of another namespace, or none)"));
    }
    if (round == 1) {
      if (!options_.credentials)
        return make_error(ErrorKind::unauthorized,
                          registry_ + " requires authentication for " +
                              (repo.empty() ? std::string("this request") : repo) +
                              "; run `asterai login " + registry_ + "`");
      return tl::unexpected(registry_error(r, registry_, request.method + " " + repo));
    }
    ASTERAI_TRY(answer_challenge(r, scope));
  }
}

Result<HttpResponse> RegistryClient::send(const std::string& repo, bool push, HttpRequest request,
                                          bool idempotent) {
  int attempts = idempotent ? std::max(1, options_.max_attempts) : 1;
  for (int attempt = 0;; ++attempt) {
    auto r = send_once(repo, push, request);
    bool last = attempt + 1 >= attempts;
    if (r && (!retryable_status(r->status) || last)) return r;
    if (!r && (r.error().kind != ErrorKind::network || last)) return r;
    auto delay = options_.backoff * (1 << attempt);
    if (r) {
      // Retry-After (seconds), bounded so a hostile value cannot stall the CLI.
      long after = std::atol(r->header("retry-after").c_str());
      if (after > 0) delay = std::chrono::milliseconds(std::min(after, 5L) * 1000);
    }
    std::this_thread::sleep_for(delay);
  }
}

Result<void> RegistryClient::check_login() {
  HttpRequest req;
  req.url = url("/v2/");
  // /v2/ challenges without a scope; a token without scope proves the credentials.
  auto r = ASTERAI_TRY(send("", false, req, true));
  if (r.status == 200) return {};
  return tl::unexpected(registry_error(r, registry_, "login"));
}

Result<std::optional<Descriptor>> RegistryClient::resolve(const std::string& repo,
                                                          const std::string& reference) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = url("/v2/" + repo + "/manifests/" + reference);
  req.headers.push_back(accept_manifests());
  auto r = ASTERAI_TRY(send(repo, false, req, true));
  if (r.status == 404) return std::optional<Descriptor>();
  if (r.status != 200)
    return tl::unexpected(registry_error(r, registry_, "HEAD " + repo + ":" + reference));
  Descriptor d;
  d.media_type = r.header("content-type");
  d.digest = r.header("docker-content-digest");
  d.size = std::strtoull(r.header("content-length").c_str(), nullptr, 10);
  if (!is_valid_digest(d.digest)) {
    // Registries must send the digest on HEAD; without it, fetch the bytes and hash them.
    auto m = ASTERAI_TRY(get_manifest(repo, reference));
    d.digest = m.digest;
    d.media_type = m.media_type;
    d.size = m.bytes.size();
  }
  return d;
}

Result<FetchedManifest> RegistryClient::get_manifest(const std::string& repo,
                                                     const std::string& reference) {
  HttpRequest req;
  req.url = url("/v2/" + repo + "/manifests/" + reference);
  req.headers.push_back(accept_manifests());
  auto r = ASTERAI_TRY(send(repo, false, req, true));
  if (r.status != 200)
    return tl::unexpected(
        registry_error(r, registry_, "manifest " + registry_ + "/" + repo + ":" + reference));
  if (r.body.size() > kMaxManifestBytes)
    return make_error(ErrorKind::too_large, "manifest of " + repo + " exceeds 4 MiB");
  FetchedManifest m;
  m.digest = sha256_digest(r.body);
  m.media_type = r.header("content-type");
  m.bytes = std::move(r.body);
  if (is_valid_digest(reference) && m.digest != reference)
    return make_error(ErrorKind::digest_invalid, registry_ + " returned a manifest for " +
                                                     reference + " whose digest is " + m.digest +
                                                     "; nothing was stored");
  return m;
}

Result<PushedManifest> RegistryClient::put_manifest(const std::string& repo,
                                                    const std::string& reference,
                                                    const std::string& media_type,
                                                    const std::string& bytes) {
  HttpRequest req;
  req.method = "PUT";
  req.url = url("/v2/" + repo + "/manifests/" + reference);
  req.headers.push_back("Content-Type: " + media_type);
  req.body = std::span(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  req.has_body = true;
  auto r = ASTERAI_TRY(send(repo, true, req, true));
  if (r.status != 201 && r.status != 200 && r.status != 202) {
    Error e = registry_error(r, registry_, "push manifest " + repo + ":" + reference);
    if (r.status == 409)
      e.message += "; " + reference +
                   " is a released version and cannot be moved: publish a new "
                   "version";
    return tl::unexpected(e);
  }
  return PushedManifest{sha256_digest(bytes), !r.header("oci-subject").empty()};
}

Result<bool> RegistryClient::has_blob(const std::string& repo, const std::string& digest) {
  HttpRequest req;
  req.method = "HEAD";
  req.url = url("/v2/" + repo + "/blobs/" + digest);
  auto r = ASTERAI_TRY(send(repo, true, req, true));
  if (r.status == 200) return true;
  if (r.status == 404) return false;
  return tl::unexpected(registry_error(r, registry_, "HEAD blob " + digest));
}

Result<bool> RegistryClient::push_blob(const std::string& repo, const Blob& blob,
                                       Progress* progress) {
  const auto& d = blob.descriptor;
  if (ASTERAI_TRY(has_blob(repo, d.digest))) {
    if (progress) {
      progress->start(d.digest.substr(7, 12), d.size);
      progress->finish(true);
    }
    return false;
  }
  // The POST + PUT pair is retried as a whole: a new session each time is always safe.
  Result<HttpResponse> last = make_error(ErrorKind::internal, "no attempt");
  for (int attempt = 0; attempt < std::max(1, options_.max_attempts); ++attempt) {
    if (attempt) std::this_thread::sleep_for(options_.backoff * (1 << (attempt - 1)));
    HttpRequest start;
    start.method = "POST";
    start.url = url("/v2/" + repo + "/blobs/uploads/");
    start.has_body = true;  // an empty body, Content-Length: 0
    auto s = send(repo, true, start, false);
    if (!s) {
      if (s.error().kind == ErrorKind::network) continue;
      return tl::unexpected(s.error());
    }
    if (retryable_status(s->status)) {
      last = s;
      continue;
    }
    if (s->status != 202)
      return tl::unexpected(registry_error(*s, registry_, "start upload to " + repo));
    std::string location = s->header("location");
    if (location.empty())
      return make_error(ErrorKind::network, registry_ + " started an upload without a Location");
    HttpRequest put;
    put.method = "PUT";
    put.url = url(location) + (location.find('?') == std::string::npos ? "?" : "&") +
              "digest=" + url_escape(d.digest);
    put.headers.push_back("Content-Type: application/octet-stream");
    put.body = blob.bytes;
    put.has_body = true;
    if (progress) {
      progress->start(d.digest.substr(7, 12), d.size);
      put.on_progress = [progress](uint64_t done, uint64_t) { progress->update(done); };
    }
    last = send(repo, true, put, false);
    if (progress) progress->finish(false);
    if (!last) {
      if (last.error().kind == ErrorKind::network) continue;
      return tl::unexpected(last.error());
    }
    if (last->status == 201) return true;
    if (!retryable_status(last->status))
      return tl::unexpected(registry_error(*last, registry_, "upload " + d.digest));
  }
  if (!last) return tl::unexpected(last.error());
  return tl::unexpected(registry_error(*last, registry_, "upload " + d.digest));
}

Result<void> RegistryClient::fetch_blob(const std::string& repo, const Descriptor& blob,
                                        const BlobSink& sink, Progress* progress) {
  for (int attempt = 0;; ++attempt) {
    sink.restart();
    HttpRequest req;
    req.url = url("/v2/" + repo + "/blobs/" + blob.digest);
    req.on_body = sink.write;
    if (progress) {
      progress->start(blob.digest.substr(7, 12), blob.size);
      req.on_progress = [progress](uint64_t done, uint64_t) { progress->update(done); };
    }
    auto r = send_once(repo, false, req);
    if (progress) progress->finish(false);
    bool last = attempt + 1 >= std::max(1, options_.max_attempts);
    if (r && r->status == 200) return {};
    bool transient = r ? retryable_status(r->status) : r.error().kind == ErrorKind::network;
    if (!transient || last) {
      if (!r) return tl::unexpected(r.error());
      return tl::unexpected(registry_error(*r, registry_, "blob " + blob.digest));
    }
    std::this_thread::sleep_for(options_.backoff * (1 << attempt));
  }
}

Result<std::string> RegistryClient::fetch_small_blob(const std::string& repo,
                                                     const Descriptor& blob, size_t max_bytes) {
  if (blob.size > max_bytes)
    return make_error(ErrorKind::too_large, "blob " + blob.digest + " of " + repo + " is " +
                                                std::to_string(blob.size) + " bytes, over " +
                                                std::to_string(max_bytes));
  std::string bytes;
  BlobSink sink{[&](std::span<const uint8_t> b) {
                  bytes.append(reinterpret_cast<const char*>(b.data()), b.size());
                  return bytes.size() <= max_bytes;
                },
                [&] { bytes.clear(); }};
  auto fetched = fetch_blob(repo, blob, sink, nullptr);
  if (!fetched && bytes.size() > max_bytes)
    return make_error(ErrorKind::too_large, "blob " + blob.digest + " of " + repo +
                                                " is larger than its descriptor says");
  if (!fetched) return tl::unexpected(fetched.error());
  if (sha256_digest(bytes) != blob.digest)
    return make_error(ErrorKind::digest_invalid, registry_ + " sent blob " + blob.digest + " of " +
                                                     repo + " with other content");
  return bytes;
}

Result<std::vector<std::string>> RegistryClient::list_tags(const std::string& repo) {
  std::vector<std::string> tags;
  std::string path = "/v2/" + repo + "/tags/list?n=1000";
  // Bounded: a registry that keeps sending "next" links cannot loop forever.
  for (int page = 0; page < 1000 && !path.empty(); ++page) {
    HttpRequest req;
    req.url = url(path);
    auto r = ASTERAI_TRY(send(repo, false, req, true));
    if (r.status != 200) return tl::unexpected(registry_error(r, registry_, "tags of " + repo));
    json body = json::parse(r.body, nullptr, false);
    if (!body.is_object())
      return make_error(ErrorKind::network, registry_ + " sent an invalid tag list for " + repo);
    if (body.contains("tags") && body["tags"].is_array())
      for (const auto& t : body["tags"])
        if (t.is_string()) tags.push_back(t.get<std::string>());
    path = next_link(r);
  }
  return tags;
}

Result<std::optional<std::vector<Descriptor>>> RegistryClient::referrers(
    const std::string& repo, const std::string& digest, const std::string& artifact_type) {
  HttpRequest req;
  req.url = url("/v2/" + repo + "/referrers/" + digest);
  if (!artifact_type.empty()) req.url += "?artifactType=" + url_escape(artifact_type);
  auto r = ASTERAI_TRY(send(repo, false, req, true));
  // dist-spec: a registry without the API answers 404 (distribution 2.x) or 405.
  if (r.status == 404 || r.status == 405) {
    // A 404 with an OCI error body naming a missing manifest would still mean "no API": the
    // API itself must answer 200 with an empty index for an unknown subject.
    return std::optional<std::vector<Descriptor>>();
  }
  if (r.status != 200)
    return tl::unexpected(registry_error(r, registry_, "referrers of " + digest));
  auto list = parse_index(r.body);
  if (!list) return std::optional<std::vector<Descriptor>>();  // not an index: treat as no API
  std::vector<Descriptor> out;
  for (auto& d : *list)
    if (artifact_type.empty() || d.artifact_type == artifact_type) out.push_back(std::move(d));
  return std::optional<std::vector<Descriptor>>(std::move(out));
}

}  // namespace asterai::oci
