// The registry client against a scripted server: retries with backoff, the registry's own
// error messages, Basic and Bearer auth, and a blob whose bytes do not match its digest.
#include <gtest/gtest.h>

#include <random>

#include "asterai/oci/credentials.h"
#include "asterai/oci/media_types.h"
#include "asterai/oci/pull.h"
#include "asterai/oci/registry_client.h"
#include "fake_server.h"

namespace asterai::oci {
namespace {
namespace fs = std::filesystem;
using testing::FakeRequest;
using testing::FakeResponse;
using testing::FakeServer;

ClientOptions fast(std::optional<Credentials> creds = std::nullopt) {
  ClientOptions o;
  o.backoff = std::chrono::milliseconds(1);
  o.credentials = std::move(creds);
  return o;
}

FakeResponse manifest_response(const std::string& body) {
  return {200,
          {{"Content-Type", std::string(kImageManifest)},
           {"Docker-Content-Digest", sha256_digest(body)}},
          body};
}

TEST(FakeRegistry, RetriesTransientFailuresOfIdempotentRequests) {
  std::atomic<int> calls{0};
  std::string body = R"({"schemaVersion":2})";
  FakeServer server([&](const FakeRequest&) -> FakeResponse {
    if (calls++ < 2) return {503, {{"Retry-After", "0"}}, "busy"};
    return manifest_response(body);
  });
  RegistryClient client(server.host(), fast());
  auto m = client.get_manifest("ns/x", "1.0.0");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->bytes, body);
  EXPECT_EQ(calls.load(), 3);
}

TEST(FakeRegistry, GivesUpAfterTheLastTryWithTheRegistryMessage) {
  FakeServer server([](const FakeRequest&) -> FakeResponse {
    return {503, {}, R"({"errors":[{"code":"UNAVAILABLE","message":"maintenance"}]})"};
  });
  RegistryClient client(server.host(), fast());
  auto m = client.get_manifest("ns/x", "1.0.0");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::network);
  EXPECT_NE(m.error().message.find("UNAVAILABLE: maintenance"), std::string::npos);
  EXPECT_NE(m.error().message.find("try again later"), std::string::npos);
  EXPECT_EQ(server.requests().size(), 4u);
}

TEST(FakeRegistry, RegistryErrorsKeepTheirMessageAndSayWhatToDo) {
  FakeServer server([](const FakeRequest& r) -> FakeResponse {
    if (r.path.find("/manifests/") != std::string::npos)
      return {403, {}, R"({"errors":[{"code":"DENIED","message":"not your namespace"}]})"};
    return {404, {}, R"({"errors":[{"code":"NAME_UNKNOWN","message":"no such repository"}]})"};
  });
  RegistryClient client(server.host(), fast());
  auto m = client.get_manifest("ns/x", "1.0.0");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::denied);
  EXPECT_NE(m.error().message.find("DENIED: not your namespace"), std::string::npos);
  auto tags = client.list_tags("ns/x");
  ASSERT_FALSE(tags);
  EXPECT_EQ(tags.error().kind, ErrorKind::not_found);
  EXPECT_EQ(server.requests().size(), 2u);  // client errors are not retried
}

TEST(FakeRegistry, BasicAuthChallenge) {
  std::string good = "Basic " + base64_encode("u:p");
  FakeServer server([&](const FakeRequest& r) -> FakeResponse {
    auto it = r.headers.find("authorization");
    if (it == r.headers.end() || it->second != good)
      return {401, {{"WWW-Authenticate", "Basic realm=\"fake\""}}, ""};
    return manifest_response("{}");
  });
  RegistryClient with(server.host(), fast(Credentials{"u", "p"}));
  EXPECT_TRUE(with.get_manifest("ns/x", "1"));
  EXPECT_TRUE(with.get_manifest("ns/x", "2"));  // Basic is sent up front from now on
  EXPECT_EQ(server.requests().size(), 3u);

  RegistryClient without(server.host(), fast());
  auto m = without.get_manifest("ns/x", "1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::unauthorized);
  EXPECT_NE(m.error().message.find("asterai login " + server.host()), std::string::npos);

  RegistryClient wrong(server.host(), fast(Credentials{"u", "nope"}));
  auto w = wrong.get_manifest("ns/x", "1");
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, ErrorKind::unauthorized);
}

TEST(FakeRegistry, BearerTokenFlowAsksForTheScope) {
  std::string host;
  FakeServer server([&](const FakeRequest& r) -> FakeResponse {
    if (r.path.rfind("/token", 0) == 0) {
      if (r.header("authorization") != "Basic " + base64_encode("u:p")) return {401, {}, ""};
      return {200, {}, R"({"token":"t1","expires_in":300})"};
    }
    if (r.header("authorization") != "Bearer t1") {
      return {
          401,
          {{"WWW-Authenticate", "Bearer realm=\"http://" + host +
                                    "/token\",service=\"fake\",scope=\"repository:ns/x:pull\""}},
          ""};
    }
    return manifest_response("{}");
  });
  host = server.host();
  RegistryClient client(server.host(), fast(Credentials{"u", "p"}));
  ASSERT_TRUE(client.get_manifest("ns/x", "1"));
  ASSERT_TRUE(client.get_manifest("ns/x", "2"));  // the token is reused
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 4u);
  EXPECT_NE(reqs[1].path.find("service=fake"), std::string::npos);
  EXPECT_NE(reqs[1].path.find("scope=repository%3Ans%2Fx%3Apull"), std::string::npos);
}

TEST(FakeRegistry, BlobWithTheWrongBytesIsRefusedAndNothingStored) {
  std::string good(4096, 'g'), evil(4096, 'e');
  ComponentMetadata meta;
  meta.created = "2026-01-01T00:00:00Z";
  auto artifact = build_component_artifact({good.begin(), good.end()}, {}, meta);
  const auto& config = artifact.blobs[0];
  FakeServer server([&](const FakeRequest& r) -> FakeResponse {
    if (r.path.find("/manifests/") != std::string::npos) return manifest_response(artifact.bytes);
    if (r.path.find(config.descriptor.digest) != std::string::npos)
      return {200, {}, std::string(config.bytes.begin(), config.bytes.end())};
    if (r.path.find("/blobs/") != std::string::npos) return {200, {}, evil};
    return {404, {}, ""};
  });
  std::random_device rd;
  auto root = fs::temp_directory_path() / ("asterai-fake-store-" + std::to_string(rd()));
  auto store = LocalStore::open(root);
  ASSERT_TRUE(store);
  RegistryClient client(server.host(), fast());
  auto pulled = pull(client, *store, *parse_reference(server.host() + "/ns/x:1.0.0"));
  ASSERT_FALSE(pulled);
  EXPECT_EQ(pulled.error().kind, ErrorKind::digest_invalid);
  EXPECT_NE(pulled.error().message.find("nothing was stored"), std::string::npos);
  EXPECT_TRUE(store->entries()->empty());
  EXPECT_FALSE(fs::exists(store->blob_path(artifact.blobs[1].descriptor.digest)));
  EXPECT_TRUE(fs::is_empty(root / "tmp"));
  fs::remove_all(root);
}

TEST(FakeRegistry, NoReferrersApiIsReportedAsMissing) {
  FakeServer server(
      [](const FakeRequest&) -> FakeResponse { return {404, {}, "404 page not found"}; });
  RegistryClient client(server.host(), fast());
  auto r = client.referrers("ns/x", "sha256:" + std::string(64, 'a'));
  ASSERT_TRUE(r);
  EXPECT_FALSE(r->has_value());
}

TEST(FakeRegistry, UnreachableRegistryIsANetworkError) {
  int port;
  {
    FakeServer s([](const FakeRequest&) { return FakeResponse{}; });
    port = std::stoi(s.host().substr(10));
  }
  ClientOptions o = fast();
  o.max_attempts = 2;
  RegistryClient client("127.0.0.1:" + std::to_string(port), o);
  auto m = client.get_manifest("ns/x", "1");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::network);
}

}  // namespace
}  // namespace asterai::oci
