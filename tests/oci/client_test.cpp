// Publish and pull against asterai's own registry (in-process, token auth on): the referrers
// API, released-version immutability, `latest`, tags, digests, and auth errors.
#include <gtest/gtest.h>

#include <random>

#include "asterai/common/files.h"
#include "asterai/oci/media_types.h"
#include "asterai/oci/publish.h"
#include "asterai/oci/pull.h"
#include "asterai/oci/referrers.h"
#include "asterai/oci/registry_client.h"
#include "test_server.h"

namespace asterai::oci {
namespace {
namespace fs = std::filesystem;

std::vector<uint8_t> bytes(const std::string& s) {
  return {s.begin(), s.end()};
}

// A fake "component" (the client does not look inside the wasm) with both referrers.
PublishRequest request(const Reference& ref, const std::string& wasm, const std::string& created) {
  ComponentMetadata meta;
  meta.title = "greeter";
  meta.version = ref.tag;
  meta.created = created;
  PublishRequest req;
  req.ref = ref;
  req.component = build_component_artifact(bytes(wasm), {{"greet"}, {}, ""}, meta);
  std::vector<Blob> wit;
  wit.push_back(make_blob(std::string(kWitLayer),
                          bytes("package a:b;\nworld w { export greet: func(); }\n"),
                          {{std::string(kAnnotationTitle), "world.wit"}}));
  req.referrers.push_back(
      {std::string(kWitArtifact),
       build_referrer(kWitArtifact, req.component.descriptor(), std::move(wit), {})});
  std::vector<Blob> tools;
  tools.push_back(make_blob(std::string(kToolsLayer), bytes(R"({"tools":[{"name":"greet"}]})")));
  req.referrers.push_back(
      {std::string(kToolsArtifact),
       build_referrer(kToolsArtifact, req.component.descriptor(), std::move(tools), {})});
  return req;
}

class Client : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& creds = registry_.registry().credentials();
    ASSERT_TRUE(creds.create_user("alice", false));
    ASSERT_TRUE(creds.create_user("bob", false));
    alice_ = creds.issue_key("alice", "t")->secret;
    bob_ = creds.issue_key("bob", "t")->secret;
    std::random_device rd;
    root_ = fs::temp_directory_path() / ("asterai-client-store-" + std::to_string(rd()));
    store_.emplace(*LocalStore::open(root_));
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string host() const { return registry_.base_url().substr(7); }
  RegistryClient client(std::optional<Credentials> c) {
    ClientOptions o;
    o.credentials = std::move(c);
    o.backoff = std::chrono::milliseconds(1);
    return RegistryClient(host(), o);
  }
  Reference ref(const std::string& rest) { return *parse_reference(host() + "/" + rest); }

  registry::testing::TestRegistry registry_{true};
  std::string alice_, bob_;
  fs::path root_;
  std::optional<LocalStore> store_;
};

TEST_F(Client, PublishThenPullWithReferrersThroughTheApi) {
  auto alice = client(Credentials{"alice", alice_});
  auto req = request(ref("alice/greeter:1.0.0"), "wasm-1", "2026-01-01T00:00:00Z");
  auto pushed = publish(alice, req);
  ASSERT_TRUE(pushed) << pushed.error().message;
  EXPECT_EQ(pushed->digest, req.component.digest);
  EXPECT_FALSE(pushed->used_fallback);
  EXPECT_TRUE(pushed->latest_moved);
  ASSERT_EQ(pushed->referrers.size(), 2u);

  auto wit = list_referrers(alice, "alice/greeter", pushed->digest, std::string(kWitArtifact));
  ASSERT_TRUE(wit);
  ASSERT_EQ(wit->size(), 1u);
  EXPECT_EQ((*wit)[0].digest, pushed->referrers[0].second);

  auto pulled = pull(alice, *store_, ref("alice/greeter:1.0.0"));
  ASSERT_TRUE(pulled) << pulled.error().message;
  EXPECT_EQ(pulled->digest, pushed->digest);
  EXPECT_EQ(pulled->referrers, 2u);
  EXPECT_TRUE(pulled->warnings.empty());
  auto wasm = read_file(pulled->wasm_path);
  ASSERT_TRUE(wasm);
  EXPECT_EQ(std::string(wasm->begin(), wasm->end()), "wasm-1");
  // latest and the digest resolve to the same manifest.
  auto latest = alice.resolve("alice/greeter", "latest");
  ASSERT_TRUE(latest && *latest);
  EXPECT_EQ((*latest)->digest, pushed->digest);
  auto by_digest = pull(alice, *store_, ref("alice/greeter@" + pushed->digest));
  ASSERT_TRUE(by_digest);
  EXPECT_EQ(store_->entries()->size(), 4u);  // 2 refs + 2 referrers
}

TEST_F(Client, ReleasedVersionsAreImmutableLatestFollowsTheNewest) {
  auto alice = client(Credentials{"alice", alice_});
  ASSERT_TRUE(publish(alice, request(ref("alice/t:1.0.0"), "one", "2026-01-01T00:00:00Z")));
  // The same wasm built later: already published, nothing moves.
  auto again = publish(alice, request(ref("alice/t:1.0.0"), "one", "2026-02-02T00:00:00Z"));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_TRUE(again->already_published);
  // Other content under a released version: refused, with what to do.
  auto other = publish(alice, request(ref("alice/t:1.0.0"), "two", "2026-01-01T00:00:00Z"));
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().kind, ErrorKind::conflict);
  EXPECT_NE(other.error().message.find("new version"), std::string::npos);

  auto two = publish(alice, request(ref("alice/t:2.0.0"), "two", "2026-01-01T00:00:00Z"));
  ASSERT_TRUE(two && two->latest_moved);
  auto backport = publish(alice, request(ref("alice/t:1.0.1"), "backport", "2026-01-01T00:00:00Z"));
  ASSERT_TRUE(backport);
  EXPECT_FALSE(backport->latest_moved);
  auto pre = publish(alice, request(ref("alice/t:3.0.0-rc.1"), "rc", "2026-01-01T00:00:00Z"));
  ASSERT_TRUE(pre);
  EXPECT_FALSE(pre->latest_moved);
  EXPECT_EQ((*alice.resolve("alice/t", "latest"))->digest, two->digest);
  // Pre-releases may move.
  ASSERT_TRUE(publish(alice, request(ref("alice/t:3.0.0-rc.1"), "rc2", "2026-01-01T00:00:00Z")));
  auto tags = alice.list_tags("alice/t");
  ASSERT_TRUE(tags);
  EXPECT_EQ(tags->size(), 5u);  // 1.0.0 1.0.1 2.0.0 3.0.0-rc.1 latest
}

TEST_F(Client, AuthErrorsSayWhatToDo) {
  auto anonymous = client(std::nullopt);
  auto anon = publish(anonymous, request(ref("alice/x:1.0.0"), "w", "2026-01-01T00:00:00Z"));
  ASSERT_FALSE(anon);
  EXPECT_EQ(anon.error().kind, ErrorKind::unauthorized);
  EXPECT_NE(anon.error().message.find("asterai login " + host()), std::string::npos);

  auto wrong = client(Credentials{"alice", "astk_wrong_key"});
  auto w = publish(wrong, request(ref("alice/x:1.0.0"), "w", "2026-01-01T00:00:00Z"));
  ASSERT_FALSE(w);
  EXPECT_EQ(w.error().kind, ErrorKind::unauthorized);
  EXPECT_NE(w.error().message.find("refused the credentials"), std::string::npos);
  EXPECT_FALSE(wrong.check_login());
  EXPECT_TRUE(client(Credentials{"alice", alice_}).check_login());

  // bob may not push into alice's namespace.
  auto bob = client(Credentials{"bob", bob_});
  auto b = publish(bob, request(ref("alice/x:1.0.0"), "w", "2026-01-01T00:00:00Z"));
  ASSERT_FALSE(b);
  EXPECT_TRUE(b.error().kind == ErrorKind::unauthorized || b.error().kind == ErrorKind::denied)
      << b.error().message;

  // A private repository of alice is not visible to anonymous pulls.
  auto alice = client(Credentials{"alice", alice_});
  ASSERT_TRUE(publish(alice, request(ref("alice/x:1.0.0"), "w", "2026-01-01T00:00:00Z")));
  auto p = pull(anonymous, *store_, ref("alice/x:1.0.0"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::unauthorized);
  EXPECT_TRUE(store_->entries()->empty());
}

TEST_F(Client, PullOfSomethingThatIsNotAComponentIsRefused) {
  auto alice = client(Credentials{"alice", alice_});
  // An artifact without a wasm layer (a bare WIT referrer pushed under a tag).
  auto req = request(ref("alice/notwasm:1.0.0"), "w", "2026-01-01T00:00:00Z");
  const auto& wit = req.referrers[0].artifact;
  for (const auto& b : wit.blobs) ASSERT_TRUE(alice.push_blob("alice/notwasm", b, nullptr));
  ASSERT_TRUE(alice.push_blob("alice/notwasm", req.component.blobs[0], nullptr));
  ASSERT_TRUE(alice.push_blob("alice/notwasm", req.component.blobs[1], nullptr));
  ASSERT_TRUE(alice.put_manifest("alice/notwasm", req.component.digest, req.component.media_type,
                                 req.component.bytes));
  ASSERT_TRUE(alice.put_manifest("alice/notwasm", "1.0.0", wit.media_type, wit.bytes));
  auto p = pull(alice, *store_, ref("alice/notwasm:1.0.0"));
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().kind, ErrorKind::invalid_input);
  EXPECT_NE(p.error().message.find("no application/wasm layer"), std::string::npos);
  auto missing = pull(alice, *store_, ref("alice/notwasm:9.9.9"));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_TRUE(store_->entries()->empty());
}

// Found by tests/fuzz/oci_fuzz: an error answer whose "errors" held a string, or a code that
// was not a string, threw out of registry_error and ended the CLI.
TEST(RegistryError, AnswersOfAnyShapeAreReported) {
  for (const char* body : {R"({"errors":["denied"]})", R"({"errors":[{"code":1}]})",
                           R"({"errors":[{"code":"DENIED","message":["x"]}]})"}) {
    HttpResponse answer;
    answer.status = 403;
    answer.body = body;
    auto error = registry_error(answer, "registry.example.com", "push");
    EXPECT_NE(error.message.find("403"), std::string::npos) << body << ": " << error.message;
  }
  HttpResponse answer;
  answer.status = 403;
  answer.body = R"({"errors":[{"code":"DENIED","message":"no"}]})";
  EXPECT_NE(registry_error(answer, "r", "push").message.find("DENIED: no"), std::string::npos);
}

}  // namespace
}  // namespace asterai::oci
