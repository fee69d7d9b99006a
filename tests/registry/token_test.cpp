// Token issue and verification without a server: EdDSA JWTs, the public key set, and every
// forgery the verifier must refuse.
#include "asterai/registry/auth/token.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "asterai/common/sha256.h"
#include "forge_jwt.h"
#include "test_server.h"

namespace asterai::registry::testing {
namespace {

using nlohmann::json;

const std::vector<unsigned char> kSeed(32, 1);
const std::vector<unsigned char> kOtherSeed(32, 2);

std::string decode_part(const std::string& token, int index) {
  size_t start = 0;
  for (int i = 0; i < index; ++i) start = token.find('.', start) + 1;
  return unb64url(token.substr(start, token.find('.', start) - start));
}

class Tokens : public ::testing::Test {
 protected:
  // Claims as the service issues them, for hand-made tokens.
  json claims(int64_t offset = 0) const {
    int64_t now = clock.now_unix() + offset;
    return {
        {"iss", "asterai-registry"},
        {"sub", "alice"},
        {"aud", "asterai-registry"},
        {"iat", now},
        {"nbf", now - 5},
        {"exp", now + 300},
        {"access",
         json::array(
             {{{"type", "repository"}, {"name", "alice/tool"}, {"actions", {"pull", "push"}}}})}};
  }
  std::string header(const std::string& alg = "EdDSA") const {
    return json({{"alg", alg}, {"typ", "JWT"}, {"kid", tokens.key_id()}}).dump();
  }
  // The reason verify gives, or "ok".
  std::string reason(const std::string& token) const {
    auto r = tokens.verify(token);
    if (r) return "ok";
    EXPECT_EQ(r.error().kind, ErrorKind::unauthorized) << r.error().message;
    return r.error().message;
  }

  FakeClock clock;
  TokenService tokens{kSeed, "asterai-registry", clock, 300};
  ForgeKey key{kSeed};
  ForgeKey other_key{kOtherSeed};
};

TEST_F(Tokens, IssuesEdDsaJwtsNamingTheirKey) {
  std::string token = tokens.issue("alice", {Access{"repository", "alice/tool", {"pull"}}});
  json header = json::parse(decode_part(token, 0));
  EXPECT_EQ(header, json({{"alg", "EdDSA"}, {"typ", "JWT"}, {"kid", tokens.key_id()}}));
  // The key id is the first 16 hex characters of the public key's SHA-256.
  EXPECT_EQ(tokens.key_id(), sha256_hex(key.public_key).substr(0, 16));
  EXPECT_EQ(decode_part(token, 2).size(), 64u);
  json c = json::parse(decode_part(token, 1));
  EXPECT_EQ(c["iss"], "asterai-registry");
  EXPECT_EQ(c["aud"], "asterai-registry");
  EXPECT_EQ(c["sub"], "alice");
  EXPECT_EQ(c["exp"].get<int64_t>(), clock.now_unix() + 300);
  auto verified = tokens.verify(token);
  ASSERT_TRUE(verified) << verified.error().message;
  EXPECT_EQ(verified->subject, "alice");
  EXPECT_EQ(verified->issued_at, clock.now_unix());
  EXPECT_EQ(verified->expires_at, clock.now_unix() + 300);
  EXPECT_TRUE(verified->allows("repository", "alice/tool", "pull"));
  EXPECT_FALSE(verified->allows("repository", "alice/tool", "push"));
  // Anonymous tokens verify too, with an empty subject.
  auto anon = tokens.verify(tokens.issue("", {}));
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->subject, "");
}

TEST_F(Tokens, TheKeyIdIsStableAndPerKey) {
  TokenService same(kSeed, "asterai-registry", clock, 60);
  TokenService other(kOtherSeed, "asterai-registry", clock, 60);
  EXPECT_EQ(same.key_id(), tokens.key_id());
  EXPECT_NE(other.key_id(), tokens.key_id());
  EXPECT_EQ(tokens.key_id().size(), 16u);
  // Same seed, same key pair: one service's tokens verify with the other.
  EXPECT_TRUE(same.verify(tokens.issue("alice", {})));
  EXPECT_FALSE(other.verify(tokens.issue("alice", {})));
  // Keys of another length are hashed to a seed rather than refused.
  TokenService odd(std::vector<unsigned char>{1, 2, 3}, "asterai-registry", clock, 60);
  EXPECT_TRUE(odd.verify(odd.issue("alice", {})));
  EXPECT_NE(odd.key_id(), tokens.key_id());
}

TEST_F(Tokens, JwksPublishesOnlyThePublicKey) {
  json jwks = tokens.jwks();
  EXPECT_EQ(jwks["service"], "asterai-registry");
  ASSERT_EQ(jwks["keys"].size(), 1u);
  json k = jwks["keys"][0];
  EXPECT_EQ(k, json({{"kty", "OKP"},
                     {"crv", "Ed25519"},
                     {"x", b64url(std::string(key.public_key.begin(), key.public_key.end()))},
                     {"kid", tokens.key_id()},
                     {"alg", "EdDSA"},
                     {"use", "sig"}}));
  EXPECT_FALSE(k.contains("d"));  // the private part of an OKP JWK
}

TEST_F(Tokens, AVerifierFromTheJwksAloneVerifies) {
  // Through text, as another program receives it.
  auto verifier = TokenVerifier::from_jwks(json::parse(tokens.jwks().dump()), "", clock);
  ASSERT_TRUE(verifier) << verifier.error().message;
  EXPECT_EQ(verifier->service(), "asterai-registry");
  auto claims = verifier->verify(tokens.issue("bob", {Access{"repository", "bob/x", {"push"}}}));
  ASSERT_TRUE(claims) << claims.error().message;
  EXPECT_EQ(claims->subject, "bob");
  EXPECT_TRUE(claims->allows("repository", "bob/x", "push"));
  // A verifier for another service refuses the same token.
  auto elsewhere = TokenVerifier::from_jwks(tokens.jwks(), "other-registry", clock);
  ASSERT_TRUE(elsewhere);
  auto refused = elsewhere->verify(tokens.issue("bob", {}));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().message, "invalid token: issued for another service");
}

TEST_F(Tokens, ForgedAlgorithmsNeverVerify) {
  std::string c = claims().dump();
  std::string pub(key.public_key.begin(), key.public_key.end());
  std::string seed(kSeed.begin(), kSeed.end());
  std::string real = tokens.issue("alice", {});
  std::string real_signature = real.substr(real.rfind('.'));
  const std::vector<std::string> forged = {
      b64url(header("none")) + "." + b64url(c) + ".",
      b64url(header("none")) + "." + b64url(c) + real_signature,
      b64url(R"({"alg":"none"})") + "." + b64url(c) + ".",
      // HS256 keyed with the public key, the seed, or anything else.
      hs256_jwt(header("HS256"), c, pub),
      hs256_jwt(header("HS256"), c, b64url(pub)),
      hs256_jwt(header("HS256"), c, seed),
      hs256_jwt(header("HS256"), c, "secret"),
      // Other names for the same or other algorithms.
      eddsa_jwt(header("ES256"), c, key),
      eddsa_jwt(header("RS256"), c, key),
      eddsa_jwt(header("eddsa"), c, key),
      eddsa_jwt(header("Ed25519"), c, key),
      eddsa_jwt(R"({"typ":"JWT","kid":")" + tokens.key_id() + "\"}", c, key),
      eddsa_jwt(R"({"alg":["EdDSA"],"kid":")" + tokens.key_id() + "\"}", c, key),
  };
  for (const auto& t : forged) EXPECT_EQ(reason(t), "invalid token: unsupported algorithm") << t;
  // The control: the same claims, properly signed, verify.
  EXPECT_EQ(reason(eddsa_jwt(header(), c, key)), "ok");
}

TEST_F(Tokens, ForeignKeysAndUnknownKeyIdsNeverVerify) {
  std::string c = claims().dump();
  // Another Ed25519 key claiming our kid.
  EXPECT_EQ(reason(eddsa_jwt(header(), c, other_key)), "invalid token: bad signature");
  // Our key under an id we do not publish, or none.
  EXPECT_EQ(reason(eddsa_jwt(R"({"alg":"EdDSA","typ":"JWT","kid":"0000000000000000"})", c, key)),
            "invalid token: unknown key id");
  EXPECT_EQ(reason(eddsa_jwt(R"({"alg":"EdDSA","typ":"JWT"})", c, key)),
            "invalid token: unknown key id");
  EXPECT_EQ(reason(eddsa_jwt(R"({"alg":"EdDSA","kid":7})", c, key)),
            "invalid token: unknown key id");
  // A whole other registry's token.
  TokenService other(kOtherSeed, "asterai-registry", clock, 300);
  EXPECT_EQ(reason(other.issue("alice", {})), "invalid token: unknown key id");
}

TEST_F(Tokens, EveryChangedCharacterBreaksTheToken) {
  std::string token = tokens.issue("alice", {Access{"repository", "alice/tool", {"pull"}}});
  ASSERT_EQ(reason(token), "ok");
  const std::string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  size_t tried = 0;
  for (size_t i = 0; i < token.size(); ++i) {
    if (token[i] == '.') continue;
    // Two replacements per position: the neighbours in the alphabet, so the low bits (which
    // the last character of a part only partly uses) change too.
    size_t at = alphabet.find(token[i]);
    for (size_t step : {size_t{1}, alphabet.size() - 1}) {
      std::string changed = token;
      changed[i] = alphabet[(at + step) % alphabet.size()];
      EXPECT_NE(reason(changed), "ok") << "position " << i;
      ++tried;
    }
  }
  EXPECT_GT(tried, 300u);
  // Flipped bytes inside each decoded part, re-encoded.
  for (int part = 0; part < 3; ++part) {
    std::string bytes = decode_part(token, part);
    for (size_t i = 0; i < bytes.size(); ++i) {
      std::string flipped = bytes;
      flipped[i] = static_cast<char>(flipped[i] ^ 0x01);
      std::string parts[3] = {b64url(decode_part(token, 0)), b64url(decode_part(token, 1)),
                              b64url(decode_part(token, 2))};
      parts[part] = b64url(flipped);
      EXPECT_NE(reason(parts[0] + "." + parts[1] + "." + parts[2]), "ok")
          << "part " << part << " byte " << i;
    }
  }
  // Shapes that are not a JWT at all.
  for (const std::string& bad :
       std::vector<std::string>{"", "garbage", "a.b", "a.b.c", "..", token + ".", token + ".x",
                                "." + token, token.substr(0, token.rfind('.'))})
    EXPECT_NE(reason(bad), "ok") << bad;
}

TEST_F(Tokens, ExpiryAndNotBefore) {
  std::string token = tokens.issue("alice", {});
  clock.now += 299;
  EXPECT_EQ(reason(token), "ok");
  clock.now += 1;  // exp itself is past
  EXPECT_EQ(reason(token), "invalid token: expired");
  clock.now -= 300 + 6;  // before nbf (issued at - 5)
  EXPECT_EQ(reason(token), "invalid token: not yet valid");
  clock.now += 1;
  EXPECT_EQ(reason(token), "ok");
  // A token without nbf is valid from the start; a far-future nbf is not.
  json c = claims();
  c.erase("nbf");
  EXPECT_EQ(reason(eddsa_jwt(header(), c.dump(), key)), "ok");
  c["nbf"] = clock.now_unix() + 60;
  EXPECT_EQ(reason(eddsa_jwt(header(), c.dump(), key)), "invalid token: not yet valid");
}

TEST_F(Tokens, ClaimsForAnotherServiceOrMalformedAreRefused) {
  json c = claims();
  c["aud"] = "other-registry";
  EXPECT_EQ(reason(eddsa_jwt(header(), c.dump(), key)),
            "invalid token: issued for another service");
  c = claims();
  c["iss"] = "other-registry";
  EXPECT_EQ(reason(eddsa_jwt(header(), c.dump(), key)), "invalid token: issued by another service");
  TokenService other_service(kSeed, "other-registry", clock, 300);
  EXPECT_EQ(reason(other_service.issue("alice", {})), "invalid token: issued for another service");
  // Signed correctly but not the claims we issue: refused, never thrown.
  for (const char* drop : {"aud", "iss", "sub", "iat", "exp", "access"}) {
    json partial = claims();
    partial.erase(drop);
    EXPECT_EQ(reason(eddsa_jwt(header(), partial.dump(), key)), "invalid token: bad claims")
        << drop;
  }
  json wrong_type = claims();
  wrong_type["exp"] = "tomorrow";
  EXPECT_EQ(reason(eddsa_jwt(header(), wrong_type.dump(), key)), "invalid token: bad claims");
  wrong_type = claims();
  wrong_type["access"] = json::array({{{"type", "repository"}, {"name", 1}}});
  EXPECT_EQ(reason(eddsa_jwt(header(), wrong_type.dump(), key)), "invalid token: bad claims");
  EXPECT_EQ(reason(eddsa_jwt(header(), "[1,2]", key)), "invalid token: bad claims");
  EXPECT_EQ(reason(eddsa_jwt(header(), "not json", key)), "invalid token: bad claims");
  EXPECT_EQ(reason(eddsa_jwt("not json", claims().dump(), key)), "invalid token: bad header");
}

std::string jwks_error(const json& jwks, const std::string& service = "") {
  FakeClock clock;
  auto v = TokenVerifier::from_jwks(jwks, service, clock);
  if (v) return "ok";
  EXPECT_EQ(v.error().kind, ErrorKind::invalid_input);
  return v.error().message;
}

TEST_F(Tokens, JwksParseErrorsAreClear) {
  json good = tokens.jwks();
  json k = good["keys"][0];
  auto with_keys = [](json keys) {
    json doc = json::object();
    doc["service"] = "s";
    doc["keys"] = std::move(keys);
    return doc;
  };
  auto changed = [&](const char* member, json value) {
    json copy = k;
    if (value.is_null()) {
      copy.erase(member);
    } else {
      copy[member] = std::move(value);
    }
    return with_keys(json::array({copy}));
  };
  EXPECT_EQ(jwks_error(good), "ok");
  EXPECT_EQ(jwks_error(json::array()), "bad JWKS: not a JSON object");
  EXPECT_EQ(jwks_error(json({{"keys", json::array({k})}})),
            "bad JWKS: no service given and no \"service\" member");
  EXPECT_EQ(jwks_error(json({{"keys", json::array({k})}}), "s"), "ok");
  EXPECT_EQ(jwks_error(json({{"service", "s"}})), "bad JWKS: \"keys\" is not an array");
  EXPECT_EQ(jwks_error(json({{"service", "s"}, {"keys", k}})),
            "bad JWKS: \"keys\" is not an array");
  EXPECT_EQ(jwks_error(with_keys(json::array({k, 5}))), "bad JWKS: key 1 is not an object");
  EXPECT_EQ(jwks_error(with_keys(json::array())), "bad JWKS: no OKP/Ed25519 signing key");
  EXPECT_EQ(jwks_error(changed("x", nullptr)),
            "bad JWKS: key 0: \"x\" is not 32 bytes of base64url");
  EXPECT_EQ(jwks_error(changed("x", b64url(std::string(31, 'a')))),
            "bad JWKS: key 0: \"x\" is not 32 bytes of base64url");
  EXPECT_EQ(jwks_error(changed("x", k["x"].get<std::string>() + "=")),
            "bad JWKS: key 0: \"x\" is not 32 bytes of base64url");
  EXPECT_EQ(jwks_error(changed("kid", nullptr)), "bad JWKS: key 0 has no \"kid\"");
  EXPECT_EQ(jwks_error(with_keys(json::array({k, k}))),
            "bad JWKS: kid \"" + tokens.key_id() + "\" appears twice");
  // Keys of other types, curves and uses are skipped; with nothing else left, that is an error.
  json rsa = {{"kty", "RSA"}, {"kid", "r"}, {"n", "AQAB"}, {"e", "AQAB"}};
  json x25519 = k;
  x25519["crv"] = "X25519";
  json encryption = k;
  encryption["use"] = "enc";
  json other_alg = k;
  other_alg["alg"] = "ES256";
  EXPECT_EQ(jwks_error(with_keys(json::array({rsa, x25519, encryption, other_alg}))),
            "bad JWKS: no OKP/Ed25519 signing key");
  EXPECT_EQ(jwks_error(with_keys(json::array({rsa, x25519, k}))), "ok");
}

TEST_F(Tokens, AVerifierTakesOnlyTheKeysOfItsSet) {
  // A set with two keys verifies tokens of both; a set without ours refuses ours.
  TokenService other(kOtherSeed, "asterai-registry", clock, 300);
  json both = tokens.jwks();
  both["keys"].push_back(other.jwks()["keys"][0]);
  auto v = TokenVerifier::from_jwks(both, "", clock);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->verify(tokens.issue("alice", {})));
  EXPECT_TRUE(v->verify(other.issue("alice", {})));
  auto only_other = TokenVerifier::from_jwks(other.jwks(), "", clock);
  ASSERT_TRUE(only_other);
  auto r = only_other->verify(tokens.issue("alice", {}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "invalid token: unknown key id");
  // Our key published under another kid: tokens naming our kid find nothing.
  json renamed = tokens.jwks();
  renamed["keys"][0]["kid"] = "renamed";
  auto v2 = TokenVerifier::from_jwks(renamed, "", clock);
  ASSERT_TRUE(v2);
  EXPECT_FALSE(v2->verify(tokens.issue("alice", {})));
}

}  // namespace
}  // namespace asterai::registry::testing
