#include "test_server.h"

#include <gtest/gtest.h>

#include <random>

#include "asterai/registry/digest.h"

namespace asterai::registry::testing {
namespace {

size_t on_body(char* p, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(p, size * n);
  return size * n;
}

size_t on_header(char* p, size_t size, size_t n, void* out) {
  std::string line(p, size * n);
  auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}

}  // namespace

HttpResult Client::send(const HttpRequest& r) const {
  HttpResult out;
  CURL* curl = curl_easy_init();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> owner(curl, curl_easy_cleanup);
  std::string url = base_ + r.path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  if (r.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (!r.body.empty() || r.method == "PUT" || r.method == "POST" || r.method == "PATCH") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }
  curl_slist* list = curl_slist_append(nullptr, "Expect:");
  for (const auto& h : r.headers) list = curl_slist_append(list, h.c_str());
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> list_owner(list, curl_slist_free_all);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
  std::string userpwd = r.user + ":" + r.password;
  if (!r.user.empty()) curl_easy_setopt(curl, CURLOPT_USERPWD, userpwd.c_str());
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.headers);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  CURLcode rc = curl_easy_perform(curl);
  if (rc != CURLE_OK) {
    ADD_FAILURE() << r.method << " " << r.path << ": " << curl_easy_strerror(rc);
    return out;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

HttpResult Client::get(const std::string& path, std::vector<std::string> headers) const {
  return send(HttpRequest("GET", path, "", std::move(headers)));
}

TestRegistry::TestRegistry(bool auth, bool default_public)
    : auth_(auth), default_public_(default_public) {
  std::random_device rd;
  root_ =
      std::filesystem::temp_directory_path() / ("asterai-registry-test-" + std::to_string(rd()));
  start();
}

TestRegistry::~TestRegistry() {
  server_.reset();
  registry_.reset();
  std::error_code ec;
  std::filesystem::remove_all(root_, ec);
}

void TestRegistry::start() {
  RegistryConfig config;
  config.root = root_.string();
  config.auth = auth_;
  config.default_public = default_public_;
  auto reg = Registry::open(config, clock_);
  if (!reg) throw std::runtime_error(reg.error().to_string());
  registry_ = std::move(*reg);
  http::ServerOptions options;
  options.port = 0;
  auto server = http::Server::start(*registry_, options);
  if (!server) throw std::runtime_error(server.error().to_string());
  server_ = std::move(*server);
}

void TestRegistry::restart() {
  server_.reset();
  registry_.reset();
  start();
}

std::string TestRegistry::base_url() const {
  return "http://127.0.0.1:" + std::to_string(server_->port());
}

std::string push_blob(const Client& c, const std::string& repo, const std::string& content,
                      const std::vector<std::string>& auth) {
  auto start = c.send({"POST", "/v2/" + repo + "/blobs/uploads/", "", auth});
  EXPECT_EQ(start.status, 202) << start.body;
  std::string digest = digest_of(content).to_string();
  std::string location = start.header("location");
  auto put = c.send({"PUT", location + "?digest=" + digest, content, auth});
  EXPECT_EQ(put.status, 201) << put.body;
  return digest;
}

std::string image_manifest(const std::string& config_digest, size_t config_size,
                           const std::vector<std::pair<std::string, size_t>>& layers,
                           const std::string& extra_fields) {
  std::string out =
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)";
  out += R"("config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
         config_digest + R"(","size":)" + std::to_string(config_size) + R"(},"layers":[)";
  for (size_t i = 0; i < layers.size(); ++i) {
    if (i) out += ",";
    out += R"({"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":")" + layers[i].first +
           R"(","size":)" + std::to_string(layers[i].second) + "}";
  }
  out += "]" + extra_fields + "}";
  return out;
}

}  // namespace asterai::registry::testing
