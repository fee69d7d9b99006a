// Token flow, ownership, visibility and token rejection cases.
#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "asterai/registry/auth/token.h"
#include "asterai/registry/digest.h"
#include "test_server.h"

namespace asterai::registry::testing {
namespace {

using nlohmann::json;

class Auth : public ::testing::Test {
 protected:
  Auth() : t(/*auth=*/true) {
    auto& creds = t.registry().credentials();
    EXPECT_TRUE(creds.create_user("alice", false));
    EXPECT_TRUE(creds.create_user("bob", false));
    alice_key = creds.issue_key("alice", "test")->secret;
    bob_key = creds.issue_key("bob", "test")->secret;
  }

  // Returns the bearer header for the scope, as a client would after a 401.
  std::string token(const std::string& scope, const std::string& user = "",
                    const std::string& key = "") {
    HttpRequest r("GET", "/token?service=asterai-registry&scope=" + scope);
    r.user = user;
    r.password = key;
    auto res = t.client().send(r);
    EXPECT_EQ(res.status, 200) << res.body;
    return "Authorization: Bearer " + json::parse(res.body)["token"].get<std::string>();
  }

  std::vector<std::string> granted(const std::string& bearer) {
    auto claims =
        t.registry().tokens().verify(bearer.substr(std::string("Authorization: Bearer ").size()));
    EXPECT_TRUE(claims);
    return claims->access.empty() ? std::vector<std::string>{} : claims->access[0].actions;
  }

  TestRegistry t;
  std::string alice_key, bob_key;
};

TEST_F(Auth, ChallengeOnBaseAndPrivateRepositories) {
  auto c = t.client();
  auto base = c.get("/v2/");
  EXPECT_EQ(base.status, 401);
  EXPECT_NE(base.header("www-authenticate").find("Bearer realm=\"http://127.0.0.1:"),
            std::string::npos);
  auto pull = c.get("/v2/alice/tool/manifests/latest");
  EXPECT_EQ(pull.status, 401);
  EXPECT_NE(pull.header("www-authenticate").find("scope=\"repository:alice/tool:pull\""),
            std::string::npos);
  auto push = c.send({"POST", "/v2/alice/tool/blobs/uploads/"});
  EXPECT_NE(push.header("www-authenticate").find("scope=\"repository:alice/tool:pull,push\""),
            std::string::npos);
}

TEST_F(Auth, OwnerPushesOthersCannot) {
  auto c = t.client();
  auto alice = token("repository:alice/tool:pull,push", "alice", alice_key);
  EXPECT_EQ(granted(alice), (std::vector<std::string>{"pull", "push"}));
  push_blob(c, "alice/tool", "content", {alice});
  auto bob = token("repository:alice/tool:pull,push", "bob", bob_key);
  EXPECT_TRUE(granted(bob).empty());
  EXPECT_EQ(c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {bob}}).status, 401);
  // A token for one repository does not open another.
  EXPECT_EQ(c.send({"POST", "/v2/alice/other/blobs/uploads/", "", {alice}}).status, 401);
  // Wrong key, unknown user, revoked key.
  HttpRequest bad("GET", "/token?scope=repository:alice/tool:pull");
  bad.user = "alice";
  bad.password = bob_key;
  EXPECT_EQ(c.send(bad).status, 401);
  bad.user = "mallory";
  EXPECT_EQ(c.send(bad).status, 401);
  auto& creds = t.registry().credentials();
  auto keys = creds.keys("alice");
  ASSERT_TRUE(keys && keys->size() == 1);
  ASSERT_TRUE(creds.revoke_key((*keys)[0].id));
  bad.user = "alice";
  bad.password = alice_key;
  EXPECT_EQ(c.send(bad).status, 401);
}

TEST_F(Auth, PublicPullsAnonymouslyPrivateStaysHidden) {
  auto c = t.client();
  auto alice = token("repository:alice/pub:pull,push", "alice", alice_key);
  std::string d = push_blob(c, "alice/pub", "public bits", {alice});
  auto alice2 = token("repository:alice/priv:pull,push", "alice", alice_key);
  push_blob(c, "alice/priv", "private bits", {alice2});
  EXPECT_EQ(c.get("/v2/alice/pub/blobs/" + d).status, 401);  // private by default
  ASSERT_TRUE(t.registry().metadata().set_visibility("alice/pub", true));
  EXPECT_EQ(c.get("/v2/alice/pub/blobs/" + d).body, "public bits");
  auto anon = token("repository:alice/priv:pull");
  EXPECT_TRUE(granted(anon).empty());
  auto anon_catalog = token("registry:catalog:*");
  auto listed = json::parse(c.get("/v2/_catalog", {anon_catalog}).body)["repositories"];
  EXPECT_EQ(listed, json({"alice/pub"}));
  auto alice_catalog = token("registry:catalog:*", "alice", alice_key);
  EXPECT_EQ(json::parse(c.get("/v2/_catalog", {alice_catalog}).body)["repositories"],
            json({"alice/priv", "alice/pub"}));
  auto bob_catalog = token("registry:catalog:*", "bob", bob_key);
  EXPECT_EQ(json::parse(c.get("/v2/_catalog", {bob_catalog}).body)["repositories"],
            json({"alice/pub"}));
}

TEST_F(Auth, SearchShowsPrivateRepositoriesOnlyToTheirOwners) {
  auto c = t.client();
  push_blob(c, "alice/pub", "public bits",
            {token("repository:alice/pub:pull,push", "alice", alice_key)});
  push_blob(c, "alice/priv", "private bits",
            {token("repository:alice/priv:pull,push", "alice", alice_key)});
  ASSERT_TRUE(t.registry().metadata().set_visibility("alice/pub", true));
  auto found = [&](const std::vector<std::string>& auth) {
    auto body = json::parse(c.get("/v1/search?q=alice", auth).body);
    std::vector<std::string> out;
    for (const auto& r : body["results"])
      out.push_back(r["name"].get<std::string>() + " " + r["visibility"].get<std::string>());
    return out;
  };
  using Found = std::vector<std::string>;
  EXPECT_EQ(found({}), (Found{"alice/pub public"}));
  // Any token naming the user identifies it; the search endpoint itself never challenges.
  EXPECT_EQ(found({token("registry:catalog:*", "alice", alice_key)}),
            (Found{"alice/priv private", "alice/pub public"}));
  EXPECT_EQ(found({token("registry:catalog:*", "bob", bob_key)}), (Found{"alice/pub public"}));
  EXPECT_EQ(c.get("/v1/search?q=alice", {"Authorization: Bearer forged"}).status, 401);
}

TEST_F(Auth, VisibilityEndpointIsForThoseWhoMayPush) {
  auto c = t.client();
  const std::string path = "/v1/repositories/alice/vis/visibility";
  auto alice = token("repository:alice/vis:pull,push", "alice", alice_key);
  // Unknown repository: the owner learns it does not exist; others get the same challenge
  // as for a private one.
  EXPECT_EQ(c.get(path, {alice}).status, 404);
  auto anon = c.get(path);
  EXPECT_EQ(anon.status, 401);
  EXPECT_NE(anon.header("www-authenticate").find("scope=\"repository:alice/vis:pull\""),
            std::string::npos);
  auto anon_put = c.send({"PUT", path, R"({"visibility":"public"})"});
  EXPECT_EQ(anon_put.status, 401);
  EXPECT_NE(anon_put.header("www-authenticate").find("scope=\"repository:alice/vis:pull,push\""),
            std::string::npos);
  // bob holds a valid token but no push right in alice's namespace.
  auto bob = token("repository:alice/vis:pull,push", "bob", bob_key);
  EXPECT_EQ(c.send({"PUT", path, R"({"visibility":"public"})", {bob}}).status, 401);
  EXPECT_FALSE(*t.registry().metadata().repository("alice/vis"));

  // The owner creates it as public: anonymous pulls work, the endpoint reads it back.
  auto put = c.send({"PUT", path, R"({"visibility":"public"})", {alice}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(json::parse(put.body), json({{"name", "alice/vis"}, {"visibility", "public"}}));
  std::string d = push_blob(c, "alice/vis", "visible bits", {alice});
  EXPECT_EQ(c.get("/v2/alice/vis/blobs/" + d).body, "visible bits");
  EXPECT_EQ(json::parse(c.get(path).body)["visibility"], "public");
  EXPECT_EQ(c.send({"PUT", path, R"({"visibility":"private"})", {bob}}).status, 401);
  EXPECT_EQ(c.get("/v2/alice/vis/blobs/" + d).status, 200);

  // Back to private: anonymous pulls are challenged again.
  ASSERT_EQ(c.send({"PUT", path, R"({"visibility":"private"})", {alice}}).status, 200);
  EXPECT_EQ(c.get("/v2/alice/vis/blobs/" + d).status, 401);
  EXPECT_EQ(c.get(path).status, 401);
  EXPECT_EQ(json::parse(c.get(path, {alice}).body)["visibility"], "private");

  // Bad bodies and paths.
  for (std::string body : {"", "{}", R"({"visibility":"secret"})", R"({"visibility":true})"})
    EXPECT_EQ(c.send({"PUT", path, body, {alice}}).status, 400) << body;
  EXPECT_EQ(c.send({"DELETE", path, "", {alice}}).status, 405);
  EXPECT_EQ(c.get("/v1/repositories//visibility").status, 404);
  EXPECT_EQ(c.get("/v1/repositories/alice/vis/other").status, 404);
  EXPECT_EQ(c.get("/v1/repositories/Alice/vis/visibility").status, 400);
  // An empty repository name never skips authorization.
  EXPECT_EQ(c.send({"POST", "/v2//blobs/uploads/"}).status, 400);
}

TEST_F(Auth, OAuthPasswordGrant) {
  HttpRequest r("POST", "/token",
                "grant_type=password&username=alice&password=" + alice_key +
                    "&service=asterai-registry&scope=repository%3Aalice%2Ft%3Apush",
                {"Content-Type: application/x-www-form-urlencoded"});
  auto res = t.client().send(r);
  ASSERT_EQ(res.status, 200) << res.body;
  auto claims =
      t.registry().tokens().verify(json::parse(res.body)["access_token"].get<std::string>());
  ASSERT_TRUE(claims);
  EXPECT_TRUE(claims->allows("repository", "alice/t", "push"));
}

std::string b64url(const std::string& s) {
  std::string out(sodium_base64_encoded_len(s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING),
                  '\0');
  sodium_bin2base64(out.data(), out.size(), reinterpret_cast<const unsigned char*>(s.data()),
                    s.size(), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  out.resize(std::strlen(out.c_str()));
  return out;
}

TEST_F(Auth, RejectsExpiredTamperedNoneAndForeignTokens) {
  auto c = t.client();
  std::string bearer = token("repository:alice/tool:pull,push", "alice", alice_key);
  std::string raw = bearer.substr(std::string("Authorization: Bearer ").size());
  EXPECT_EQ(c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {bearer}}).status, 202);
  auto first_dot = raw.find('.');
  auto last_dot = raw.rfind('.');
  std::string claims_b64 = raw.substr(first_dot + 1, last_dot - first_dot - 1);
  // alg: none with the same claims and no signature.
  std::string none = b64url(R"({"alg":"none","typ":"JWT"})") + "." + claims_b64 + ".";
  // Claims changed to another repository, signature kept.
  std::string forged_claims =
      b64url(R"({"iss":"asterai-registry","sub":"alice","aud":"asterai-registry",)"
             R"("iat":1700000000,"nbf":1699999990,"exp":1800000000,)"
             R"("access":[{"type":"repository","name":"bob/x","actions":["push"]}]})");
  std::string tampered = raw.substr(0, first_dot) + "." + forged_claims + raw.substr(last_dot);
  // Signed by another registry (different key).
  FakeClock clock;
  TokenService other(std::vector<unsigned char>(32, 7), "asterai-registry", clock, 300);
  std::string foreign = other.issue("alice", {Access{"repository", "alice/tool", {"push"}}});
  for (const auto& bad : {none, tampered, foreign, std::string("garbage"), std::string("a.b.c")}) {
    auto r =
        c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {"Authorization: Bearer " + bad}});
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_NE(r.header("www-authenticate").find("invalid_token"), std::string::npos);
  }
  t.clock().now += 301;
  EXPECT_EQ(c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {bearer}}).status, 401);
}

}  // namespace
}  // namespace asterai::registry::testing
