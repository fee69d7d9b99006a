// A registry on loopback (ephemeral port, temporary root) plus a small libcurl client,
// shared by the HTTP-level tests.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <ctime>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "asterai/registry/http/server.h"
#include "asterai/registry/registry.h"

namespace asterai::registry::testing {

class FakeClock final : public Clock {
 public:
  int64_t now_unix() const override { return now.load(); }
  // Starts at real time: gc compares it with file modification times.
  std::atomic<int64_t> now{static_cast<int64_t>(std::time(nullptr))};
};

struct HttpResult {
  long status = 0;
  std::map<std::string, std::string> headers;  // lower-case names, last value wins
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

struct HttpRequest {
  HttpRequest(std::string m, std::string p, std::string b = {}, std::vector<std::string> h = {})
      : method(std::move(m)), path(std::move(p)), body(std::move(b)), headers(std::move(h)) {}
  std::string method;
  std::string path;
  std::string body;
  std::vector<std::string> headers;  // "Name: value"
  std::string user, password;        // Basic auth when user is set
};

class Client {
 public:
  explicit Client(std::string base) : base_(std::move(base)) {}
  HttpResult send(const HttpRequest& r) const;
  HttpResult get(const std::string& path, std::vector<std::string> headers = {}) const;

 private:
  std::string base_;
};

class TestRegistry {
 public:
  explicit TestRegistry(bool auth = false, bool default_public = false);
  ~TestRegistry();

  std::string base_url() const;
  Client client() const { return Client(base_url()); }
  Registry& registry() { return *registry_; }
  FakeClock& clock() { return clock_; }
  const std::filesystem::path& root() const { return root_; }
  // Restarts the server on the same root (tests durability across restarts).
  void restart();

 private:
  void start();
  bool auth_, default_public_;
  std::filesystem::path root_;
  FakeClock clock_;
  std::unique_ptr<Registry> registry_;
  std::unique_ptr<http::Server> server_;
};

// Pushes a blob monolithically (POST + PUT) and returns its digest.
std::string push_blob(const Client& c, const std::string& repo, const std::string& content,
                      const std::vector<std::string>& auth = {});
// A minimal OCI image manifest over the given config and layers (already pushed).
std::string image_manifest(const std::string& config_digest, size_t config_size,
                           const std::vector<std::pair<std::string, size_t>>& layers,
                           const std::string& extra_fields = "");

}  // namespace asterai::registry::testing
