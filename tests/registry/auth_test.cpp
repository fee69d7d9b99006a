// Token flow, ownership, visibility, token rejection and the published token keys.
#include <gtest/gtest.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "asterai/registry/auth/token.h"
#include "asterai/registry/digest.h"
#include "forge_jwt.h"
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
  // HS256 keyed with the published public key, naming the registry's kid.
  auto jwks = json::parse(c.get("/token/keys").body);
  std::string kid = jwks["keys"][0]["kid"];
  std::string hs256 = hs256_jwt(json({{"alg", "HS256"}, {"typ", "JWT"}, {"kid", kid}}).dump(),
                                unb64url(claims_b64), unb64url(jwks["keys"][0]["x"]));
  for (const auto& bad :
       {none, tampered, foreign, hs256, std::string("garbage"), std::string("a.b.c")}) {
    auto r =
        c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {"Authorization: Bearer " + bad}});
    EXPECT_EQ(r.status, 401) << bad;
    EXPECT_NE(r.header("www-authenticate").find("invalid_token"), std::string::npos);
  }
  t.clock().now += 301;
  EXPECT_EQ(c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {bearer}}).status, 401);
}

// The keys a verifier needs, fetched over the socket like a cloud node would: tokens from
// GET /token verify with them alone, without the registry's secret.
TEST_F(Auth, TokenKeysVerifyTokensWithoutTheRegistry) {
  auto c = t.client();
  auto keys = c.get("/token/keys");
  ASSERT_EQ(keys.status, 200) << keys.body;
  EXPECT_EQ(keys.header("content-type"), "application/json");
  json jwks = json::parse(keys.body);
  EXPECT_EQ(jwks["service"], "asterai-registry");
  ASSERT_EQ(jwks["keys"].size(), 1u);
  EXPECT_EQ(jwks["keys"][0]["kty"], "OKP");
  EXPECT_EQ(jwks["keys"][0]["crv"], "Ed25519");
  EXPECT_FALSE(jwks["keys"][0].contains("d"));
  FakeClock clock;  // the verifier's own clock, as on another machine
  auto verifier = TokenVerifier::from_jwks(jwks, "", clock);
  ASSERT_TRUE(verifier) << verifier.error().message;

  std::string bearer = token("repository:alice/tool:pull,push", "alice", alice_key);
  auto claims = verifier->verify(bearer.substr(std::string("Authorization: Bearer ").size()));
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "alice");
  EXPECT_TRUE(claims->allows("repository", "alice/tool", "push"));
  auto anon = verifier->verify(token("repository:alice/tool:pull").substr(22));
  ASSERT_TRUE(anon) << anon.error().message;
  EXPECT_EQ(anon->subject, "");
  clock.now += 301;
  EXPECT_FALSE(verifier->verify(bearer.substr(22)));
}

TEST_F(Auth, TokenKeysAreAnonymousAndApartFromTheTokenEndpoint) {
  auto c = t.client();
  std::string expected = t.registry().tokens().jwks().dump();
  // No credentials, a bad bearer token, Basic credentials: the same public document.
  EXPECT_EQ(c.get("/token/keys").body, expected);
  auto with_bad = c.get("/token/keys", {"Authorization: Bearer forged"});
  EXPECT_EQ(with_bad.status, 200);
  EXPECT_EQ(with_bad.body, expected);
  HttpRequest basic("GET", "/token/keys");
  basic.user = "alice";
  basic.password = "wrong";
  EXPECT_EQ(c.send(basic).body, expected);
  auto head = c.send({"HEAD", "/token/keys"});
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.body, "");
  EXPECT_EQ(c.send({"POST", "/token/keys"}).status, 405);
  EXPECT_EQ(c.send({"DELETE", "/token/keys"}).status, 405);
  EXPECT_EQ(c.get("/token/keys/x").status, 404);
  // GET /token still issues tokens, and the keys document is no token.
  auto issued = json::parse(c.get("/token?service=asterai-registry").body);
  EXPECT_TRUE(issued.contains("token"));
  EXPECT_FALSE(json::parse(expected).contains("token"));
}

TEST_F(Auth, SigningKeyIsKeptAcrossRestartsInItsOwnFile) {
  namespace fs = std::filesystem;
  auto c = t.client();
  std::string before = c.get("/token/keys").body;
  std::string bearer = token("repository:alice/tool:pull,push", "alice", alice_key);
  fs::path seed = t.root() / "secrets" / "token-ed25519-seed";
  ASSERT_TRUE(fs::exists(seed));
  EXPECT_EQ(fs::file_size(seed), 32u);
  EXPECT_EQ(fs::status(seed).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_FALSE(fs::exists(t.root() / "secrets" / "token-hmac-key"));
  for (const auto& e : fs::directory_iterator(t.root() / "secrets"))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
  t.restart();
  c = t.client();
  EXPECT_EQ(c.get("/token/keys").body, before);
  EXPECT_EQ(c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {bearer}}).status, 202);
}

// Found by tests/fuzz/token_fuzz: libsodium 1.0.18 decodes any byte from 0x80 up as '_', so
// a token with such a byte in place of a '_' of its signature verified as the original.
TEST_F(Auth, OnlyTheIssuedSpellingOfATokenVerifies) {
  const auto& tokens = t.registry().tokens();
  std::string issued;
  size_t at = std::string::npos;
  // A signature has a '_' with probability 1/2; one of 64 tokens has one for certain enough.
  for (int i = 0; i < 64 && at == std::string::npos; ++i) {
    issued = tokens.issue("alice", {Access{"repository", "alice/tool", {"pull"}}});
    auto found = issued.find('_', issued.rfind('.'));
    if (found != std::string::npos) at = found;
  }
  ASSERT_NE(at, std::string::npos);
  ASSERT_TRUE(tokens.verify(issued));
  for (char high : {'\x80', '\xc3', '\xff'}) {
    std::string respelled = issued;
    respelled[at] = high;
    EXPECT_FALSE(tokens.verify(respelled)) << "byte " << int(static_cast<unsigned char>(high));
  }
}

// Found with tests/fuzz/token_fuzz: a header whose "alg" is not a string made verify() throw
// outside the handlers' catch, which ended the registry process.
TEST_F(Auth, AHeaderWithANonStringAlgorithmIsRefused) {
  auto c = t.client();
  for (const char* header : {R"({"alg":1})", R"({"alg":null})", R"({"alg":["HS256"]})"}) {
    std::string token = b64url(header) + "." + b64url("{}") + ".AA";
    auto r =
        c.send({"POST", "/v2/alice/tool/blobs/uploads/", "", {"Authorization: Bearer " + token}});
    EXPECT_EQ(r.status, 401) << header;
    EXPECT_FALSE(t.registry().tokens().verify(token)) << header;
  }
  EXPECT_EQ(c.get("/v2/").status, 401);  // still serving
}

// Found by tests/fuzz/registry_http_fuzz: a scope that was not UTF-8 went into the token's
// claims, whose JSON could not be written: GET /token answered 500.
TEST_F(Auth, ScopesThatAreNotPrintableAsciiGrantNothing) {
  auto c = t.client();
  auto r = c.get("/token?service=asterai-registry&scope=repository:alice%DAtool:pull");
  ASSERT_EQ(r.status, 200) << r.body;
  auto claims = t.registry().tokens().verify(json::parse(r.body)["token"].get<std::string>());
  ASSERT_TRUE(claims);
  EXPECT_TRUE(claims->access.empty());
  HttpRequest oauth("POST", "/token",
                    "grant_type=password&username=alice&password=" + alice_key +
                        "&service=asterai-registry&scope=repository:a%FF:pull");
  EXPECT_EQ(c.send(oauth).status, 200);
  EXPECT_FALSE(parse_scope("repository:alice/tool:pull\x01"));
  EXPECT_TRUE(parse_scope("repository:alice/tool:pull"));
}

}  // namespace
}  // namespace asterai::registry::testing
