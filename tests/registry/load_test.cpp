// 50 concurrent clients pushing and pulling the same and different repositories, and a
// volley of malformed requests: no corruption, one stored copy per digest, no crash.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "asterai/registry/digest.h"
#include "test_server.h"

namespace asterai::registry::testing {
namespace {

constexpr int kClients = 50;

std::string content_for(int i, size_t size) {
  std::string s(size, '\0');
  for (size_t j = 0; j < size; ++j) s[j] = static_cast<char>((i * 131 + j * 7) & 0xff);
  return s;
}

TEST(Load, FiftyClientsSameAndDifferentRepositories) {
  TestRegistry t;
  std::string shared = content_for(999, 256 * 1024);
  std::string shared_digest = digest_of(shared).to_string();
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kClients; ++i) {
    threads.emplace_back([&, i] {
      auto c = t.client();
      // Half share one repository, half have their own; all upload the same shared blob.
      std::string repo = i % 2 ? "load/shared" : "load/own" + std::to_string(i);
      std::string mine = content_for(i, 64 * 1024 + i);
      std::string d1 = push_blob(c, repo, shared);
      std::string d2 = push_blob(c, repo, mine);
      std::string config = "{}";
      std::string cd = push_blob(c, repo, config);
      std::string m = image_manifest(cd, 2, {{d1, shared.size()}, {d2, mine.size()}});
      auto put = c.send({"PUT",
                         "/v2/" + repo + "/manifests/t" + std::to_string(i),
                         m,
                         {"Content-Type: application/vnd.oci.image.manifest.v1+json"}});
      if (put.status != 201) ++failures;
      for (int round = 0; round < 3; ++round) {
        if (c.get("/v2/" + repo + "/blobs/" + d1).body != shared) ++failures;
        if (c.get("/v2/" + repo + "/blobs/" + d2).body != mine) ++failures;
        if (c.get("/v2/" + repo + "/manifests/t" + std::to_string(i)).body != m) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto tags = nlohmann::json::parse(t.client().get("/v2/load/shared/tags/list").body)["tags"];
  EXPECT_EQ(tags.size(), static_cast<size_t>(kClients / 2));
  // Content addressing: the shared blob exists once on disk, and nothing is left behind.
  auto hex = shared_digest.substr(7);
  size_t copies = 0;
  for (auto& e : std::filesystem::recursive_directory_iterator(t.root() / "blobs")) {
    copies += e.path().filename() == hex;
  }
  EXPECT_EQ(copies, 1u);
  EXPECT_TRUE(std::filesystem::is_empty(t.root() / "uploads"));
  EXPECT_TRUE(std::filesystem::is_empty(t.root() / "tmp"));
}

TEST(BadInput, MalformedRequestsGetSpecErrors) {
  TestRegistry t(/*auth=*/true);
  auto c = t.client();
  struct Case {
    HttpRequest request;
    long status;
  };
  std::vector<Case> cases = {
      {{"GET", "/v2/"}, 401},
      {{"GET", "/v2/", "", {"Authorization: Bearer "}}, 401},
      {{"GET", "/v2/", "", {"Authorization: Bearer a.b"}}, 401},
      {{"GET", "/v2/", "", {"Authorization: Basic Zm9vOmJhcg=="}}, 401},
      {{"GET", "/token", "", {"Authorization: Basic !!!"}}, 401},
      {{"GET", "/token?scope=garbage"}, 200},
      {{"POST", "/token", "grant_type=refresh_token&refresh_token=x"}, 400},
      {{"POST", "/token", "grant_type=password&username=%ZZ&password=%"}, 401},
      {{"GET", "/v2/UPPER/tags/list"}, 400},
      {{"GET", "/v2/a/b/blobs/sha256:short"}, 401},  // unknown private repository: no hints
      {{"GET", "/v1/search?q=x&n=abc"}, 400},
      {{"GET", "/v1/search?page=0"}, 400},
      {{"DELETE", "/v2/_catalog"}, 405},
  };
  for (auto& k : cases) {
    auto r = c.send(k.request);
    EXPECT_EQ(r.status, k.status) << k.request.method << " " << k.request.path << " " << r.body;
    if (r.status >= 400 && r.status != 405) {
      auto j = nlohmann::json::parse(r.body, nullptr, false);
      EXPECT_TRUE(j.is_object() && j.contains("errors")) << k.request.path << " " << r.body;
    }
  }
  // The server is still healthy.
  EXPECT_EQ(c.get("/v1/search?q=").status, 200);
}

TEST(BadInput, OversizedAndTruncatedBodies) {
  TestRegistry t;
  auto c = t.client();
  // Declared body larger than what is sent: the server times the client out or it gives up;
  // either way the next request on a new connection works.
  std::string huge(5 << 20, '{');
  auto r = c.send({"PUT",
                   "/v2/a/b/manifests/x",
                   huge,
                   {"Content-Type: application/vnd.oci.image.manifest.v1+json"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_NE(r.body.find("SIZE_INVALID"), std::string::npos);
  EXPECT_EQ(c.get("/v2/").status, 200);
}

}  // namespace
}  // namespace asterai::registry::testing
