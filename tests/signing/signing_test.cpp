// Keys (cosign's encrypted file format), simple-signing payloads, signatures stored in and
// read back from a real asterai registry on loopback, and the trust policy.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "asterai/oci/credentials.h"
#include "asterai/oci/media_types.h"
#include "asterai/oci/publish.h"
#include "asterai/signing/signatures.h"
#include "asterai/signing/trust.h"
#include "test_server.h"

namespace asterai::signing {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

// Keys are slow to make (scrypt, on purpose): one pair per password for the whole suite.
const KeyPairFiles& pair_a() {
  static KeyPairFiles p = *generate_key_pair("correct horse");
  return p;
}
const KeyPairFiles& pair_b() {
  static KeyPairFiles p = *generate_key_pair("");
  return p;
}

std::string replace_body(const std::string& pem, const std::function<void(json&)>& edit) {
  // The PEM body is base64 JSON: decode, edit, encode again.
  auto begin = pem.find('\n') + 1, end = pem.rfind("-----END");
  std::string b64;
  for (char c : pem.substr(begin, end - begin))
    if (c != '\n') b64.push_back(c);
  json doc = json::parse(*oci::base64_decode(b64));
  edit(doc);
  return pem.substr(0, begin) + oci::base64_encode(doc.dump()) + "\n" + pem.substr(end);
}

TEST(Keys, GeneratedPairSignsAndVerifies) {
  const auto& files = pair_a();
  EXPECT_NE(files.private_pem.find("-----BEGIN ENCRYPTED SIGSTORE PRIVATE KEY-----"),
            std::string::npos);
  EXPECT_NE(files.public_pem.find("-----BEGIN PUBLIC KEY-----"), std::string::npos);
  auto priv = decrypt_private_key(files.private_pem, "correct horse");
  ASSERT_TRUE(priv) << priv.error().message;
  auto pub = parse_public_key(files.public_pem);
  ASSERT_TRUE(pub) << pub.error().message;
  EXPECT_EQ(priv->id(), pub->id());
  EXPECT_EQ(pub->id().size(), 16u);
  auto sig = priv->sign("payload");
  ASSERT_TRUE(sig);
  EXPECT_TRUE(pub->verify("payload", *sig));
  EXPECT_FALSE(pub->verify("payloae", *sig));
  EXPECT_FALSE(parse_public_key(pair_b().public_pem)->verify("payload", *sig));
  EXPECT_FALSE(pub->sign("x")) << "a public key cannot sign";
}

TEST(Keys, TheEncryptedFileIsCosignsJson) {
  auto begin = pair_a().private_pem.find('\n') + 1;
  auto end = pair_a().private_pem.rfind("-----END");
  std::string b64;
  for (char c : pair_a().private_pem.substr(begin, end - begin))
    if (c != '\n') b64.push_back(c);
  json doc = json::parse(*oci::base64_decode(b64));
  EXPECT_EQ(doc["kdf"]["name"], "scrypt");
  EXPECT_EQ(doc["kdf"]["params"]["N"], 65536);
  EXPECT_EQ(doc["kdf"]["params"]["r"], 8);
  EXPECT_EQ(doc["kdf"]["params"]["p"], 1);
  EXPECT_EQ(oci::base64_decode(doc["kdf"]["salt"].get<std::string>())->size(), 32u);
  EXPECT_EQ(doc["cipher"]["name"], "nacl/secretbox");
  EXPECT_EQ(oci::base64_decode(doc["cipher"]["nonce"].get<std::string>())->size(), 24u);
}

TEST(Keys, WrongPasswordAndTamperedFilesAreRefused) {
  auto wrong = decrypt_private_key(pair_a().private_pem, "battery staple");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().kind, ErrorKind::unauthorized);
  EXPECT_TRUE(decrypt_private_key(pair_b().private_pem, "")) << "an empty password, as cosign";

  auto flipped = replace_body(pair_a().private_pem, [](json& d) {
    auto ct = *oci::base64_decode(d["ciphertext"].get<std::string>());
    ct[20] ^= 1;
    d["ciphertext"] = oci::base64_encode(ct);
  });
  EXPECT_EQ(decrypt_private_key(flipped, "correct horse").error().kind, ErrorKind::unauthorized);

  // A tampered cost parameter would make us derive for minutes: refused before deriving.
  auto costly =
      replace_body(pair_a().private_pem, [](json& d) { d["kdf"]["params"]["N"] = 1 << 30; });
  auto e = decrypt_private_key(costly, "correct horse");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, ErrorKind::invalid_input);
  EXPECT_NE(e.error().message.find("scrypt"), std::string::npos);

  auto other_cipher =
      replace_body(pair_a().private_pem, [](json& d) { d["cipher"]["name"] = "aes-gcm"; });
  EXPECT_EQ(decrypt_private_key(other_cipher, "correct horse").error().kind,
            ErrorKind::invalid_input);
  EXPECT_EQ(decrypt_private_key(pair_a().public_pem, "x").error().kind, ErrorKind::invalid_input);
  EXPECT_EQ(decrypt_private_key("not pem at all", "x").error().kind, ErrorKind::invalid_input);
}

TEST(Keys, OnlyP256PublicKeysAreAccepted) {
  EVP_PKEY* ed = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(bio, ed);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(n));
  BIO_free(bio);
  EVP_PKEY_free(ed);
  auto k = parse_public_key(pem);
  ASSERT_FALSE(k);
  EXPECT_NE(k.error().message.find("P-256"), std::string::npos);
  EXPECT_FALSE(parse_public_key("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
}

TEST(Payload, IsCosignsSimpleSigningJson) {
  std::string digest = "sha256:" + std::string(64, 'a');
  EXPECT_EQ(simple_signing_payload("example.com/alice/tool", digest),
            R"({"critical":{"identity":{"docker-reference":"example.com/alice/tool"},)"
            R"("image":{"docker-manifest-digest":")" +
                digest + R"("},"type":"cosign container image signature"},"optional":null})");
  EXPECT_EQ(*signed_digest(simple_signing_payload("r/x", digest)), digest);
  EXPECT_FALSE(signed_digest(R"({"critical":{"type":"atomic container signature",)"
                             R"("image":{"docker-manifest-digest":"sha256:00"}}})"));
  EXPECT_FALSE(signed_digest("[]"));
  EXPECT_FALSE(signed_digest("{"));
  EXPECT_EQ(signature_tag(digest), "sha256-" + std::string(64, 'a') + ".sig");
}

class Signatures : public ::testing::Test {
 protected:
  void SetUp() override {
    oci::ClientOptions o;
    o.backoff = std::chrono::milliseconds(1);
    client_ = std::make_unique<oci::RegistryClient>(host(), o);
    digest_ = publish("1.0.0", "wasm one");
    other_ = publish("2.0.0", "wasm two");
  }
  std::string host() const { return registry_.base_url().substr(std::string("http://").size()); }
  std::string publish(const std::string& tag, const std::string& wasm) {
    oci::ComponentMetadata meta;
    meta.created = "2026-01-01T00:00:00Z";
    oci::PublishRequest req;
    req.ref = *oci::parse_reference(host() + "/alice/tool:" + tag);
    req.component = oci::build_component_artifact({wasm.begin(), wasm.end()}, {}, meta);
    auto r = oci::publish(*client_, req);
    EXPECT_TRUE(r) << r.error().message;
    return r->digest;
  }
  Key priv_a() { return *decrypt_private_key(pair_a().private_pem, "correct horse"); }
  Key priv_b() { return *decrypt_private_key(pair_b().private_pem, ""); }
  Key pub_a() { return *parse_public_key(pair_a().public_pem); }
  Key pub_b() { return *parse_public_key(pair_b().public_pem); }
  Verdict verdict(const std::string& digest, std::vector<Key> keys) {
    auto found = find_signatures(*client_, "alice/tool", digest);
    EXPECT_TRUE(found) << found.error().message;
    return verify_signatures(*found, digest, keys);
  }

  registry::testing::TestRegistry registry_;
  std::unique_ptr<oci::RegistryClient> client_;
  std::string digest_, other_;
};

TEST_F(Signatures, SignedByOneKeyVerifiesWithThatKeyOnly) {
  EXPECT_EQ(verdict(digest_, {}).found, 0u);
  auto s = sign_manifest(*client_, "alice/tool", digest_, priv_a());
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_FALSE(s->already_signed);
  auto v = verdict(digest_, {pub_a(), pub_b()});
  EXPECT_EQ(v.found, 1u);
  EXPECT_EQ(v.signers, std::vector<std::string>{pub_a().id()});
  EXPECT_TRUE(verdict(digest_, {pub_b()}).signers.empty()) << "a wrong key";
  EXPECT_TRUE(verdict(other_, {pub_a()}).signers.empty()) << "another version is not signed";

  // Signing again with the same key adds nothing; a second key adds its signature.
  EXPECT_TRUE(sign_manifest(*client_, "alice/tool", digest_, priv_a())->already_signed);
  ASSERT_TRUE(sign_manifest(*client_, "alice/tool", digest_, priv_b()));
  v = verdict(digest_, {pub_a(), pub_b()});
  EXPECT_EQ(v.found, 2u);
  EXPECT_EQ(v.signers.size(), 2u);
}

TEST_F(Signatures, LiveAtCosignsTagAndAsAReferrer) {
  auto s = sign_manifest(*client_, "alice/tool", digest_, priv_a());
  ASSERT_TRUE(s);
  auto tagged = client_->get_manifest("alice/tool", signature_tag(digest_));
  ASSERT_TRUE(tagged) << tagged.error().message;
  EXPECT_EQ(tagged->digest, s->manifest_digest);
  auto m = *oci::parse_manifest(tagged->bytes);
  ASSERT_EQ(m.layers.size(), 1u);
  EXPECT_EQ(m.layers[0].media_type, kSimpleSigningLayer);
  EXPECT_TRUE(m.layers[0].annotations.contains(std::string(kSignatureAnnotation)));
  ASSERT_TRUE(m.subject);
  EXPECT_EQ(m.subject->digest, digest_);
  auto refs = client_->referrers("alice/tool", digest_, std::string(kSignatureArtifact));
  ASSERT_TRUE(refs && *refs);
  ASSERT_FALSE((*refs)->empty());
  EXPECT_EQ((*refs)->back().digest, s->manifest_digest);
}

TEST_F(Signatures, ASignatureOfAnotherDigestDoesNotCount) {
  // Copy version 2's valid signature manifest to version 1's signature tag: the payload
  // verifies under the key but names the other digest.
  ASSERT_TRUE(sign_manifest(*client_, "alice/tool", other_, priv_a()));
  auto sig = client_->get_manifest("alice/tool", signature_tag(other_));
  ASSERT_TRUE(sig);
  ASSERT_TRUE(client_->put_manifest("alice/tool", signature_tag(digest_),
                                    std::string(oci::kImageManifest), sig->bytes));
  auto v = verdict(digest_, {pub_a()});
  EXPECT_EQ(v.found, 1u);
  EXPECT_TRUE(v.signers.empty());
  EXPECT_EQ(verdict(other_, {pub_a()}).signers.size(), 1u);
}

TEST_F(Signatures, ATamperedPayloadOrSignatureDoesNotVerify) {
  std::string payload = simple_signing_payload(host() + "/alice/tool", digest_);
  std::string good = *priv_a().sign(payload);
  std::string tampered_payload = payload;
  tampered_payload.replace(tampered_payload.find("alice"), 5, "mallo");
  std::string bad_sig = good;
  bad_sig[bad_sig.size() - 1] ^= 1;
  std::vector<FoundSignature> found = {{tampered_payload, good}, {payload, bad_sig}};
  EXPECT_TRUE(verify_signatures(found, digest_, {pub_a()}).signers.empty());
  found.push_back({payload, good});
  EXPECT_EQ(verify_signatures(found, digest_, {pub_a()}).signers.size(), 1u);
}

class TrustPolicy : public Signatures {
 protected:
  void SetUp() override {
    Signatures::SetUp();
    std::random_device rd;
    home_ = fs::temp_directory_path() / ("asterai-trust-" + std::to_string(rd()));
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(home_, ec);
  }
  oci::Reference ref(const std::string& tag) {
    return *oci::parse_reference(host() + "/alice/tool:" + tag);
  }
  fs::path home_;
};

TEST_F(TrustPolicy, ScopesMatchTheMostSpecificPrefix) {
  auto t = *Trust::load(home_);
  EXPECT_TRUE(t.empty());
  ASSERT_TRUE(t.add("reg.example.com", pub_a(), Policy::warn));
  ASSERT_TRUE(t.add("reg.example.com/alice/", pub_b(), Policy::require));
  auto reloaded = *Trust::load(home_);
  ASSERT_EQ(reloaded.scopes().size(), 2u);
  EXPECT_EQ(reloaded.match(*oci::parse_reference("reg.example.com/alice/x:1"))->name,
            "reg.example.com/alice");
  EXPECT_EQ(reloaded.match(*oci::parse_reference("reg.example.com/alicex/y:1"))->name,
            "reg.example.com");
  EXPECT_EQ(reloaded.match(*oci::parse_reference("other.example.com/alice/x:1")), nullptr);
  EXPECT_EQ(reloaded.keys_of(*reloaded.match(*oci::parse_reference("reg.example.com/alice/x:1")))
                ->front()
                .id(),
            pub_b().id());
  EXPECT_FALSE(t.add("reg.example.com/alice:1.0", pub_a(), std::nullopt)) << "no tags in scopes";
  EXPECT_EQ(t.remove("nope.example.com", "").error().kind, ErrorKind::not_found);
  ASSERT_TRUE(t.remove("reg.example.com/alice", pub_b().id()));
  EXPECT_TRUE(Trust::load(home_)->scopes()[1].key_ids.empty());
}

TEST_F(TrustPolicy, RequireRefusesWarnWarnsOffIgnores) {
  auto t = *Trust::load(home_);
  ASSERT_TRUE(t.add(host() + "/alice", pub_a(), Policy::require));
  auto refused = check_trust(t, *client_, ref("1.0.0"), digest_);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, ErrorKind::signature);
  EXPECT_NE(refused.error().message.find("is not signed"), std::string::npos);

  ASSERT_TRUE(sign_manifest(*client_, "alice/tool", digest_, priv_b()));
  refused = check_trust(t, *client_, ref("1.0.0"), digest_);
  ASSERT_FALSE(refused) << "signed, but by a key not trusted here";
  EXPECT_NE(refused.error().message.find("none valid"), std::string::npos);

  ASSERT_TRUE(sign_manifest(*client_, "alice/tool", digest_, priv_a()));
  auto ok = check_trust(t, *client_, ref("1.0.0"), digest_);
  ASSERT_TRUE(ok) << ok.error().message;
  EXPECT_EQ(ok->signers, std::vector<std::string>{pub_a().id()});
  // Remembered: no registry needed the second time.
  oci::RegistryClient nowhere("127.0.0.1:1");
  EXPECT_TRUE(check_trust(t, nowhere, ref("1.0.0"), digest_));

  ASSERT_TRUE(t.set_policy(host() + "/alice", Policy::warn));
  auto warned = check_trust(t, *client_, ref("2.0.0"), other_);
  ASSERT_TRUE(warned);
  EXPECT_NE(warned->warning.find("is not signed"), std::string::npos);
  ASSERT_TRUE(t.set_policy(host() + "/alice", Policy::off));
  auto off = check_trust(t, *client_, ref("2.0.0"), other_);
  ASSERT_TRUE(off);
  EXPECT_TRUE(off->warning.empty());
}

TEST_F(TrustPolicy, ABrokenTrustFileIsAnErrorNamingIt) {
  fs::create_directories(home_);
  std::ofstream(home_ / "trust.toml") << "[[scope]]\nname = \"x\"\npolicy = \"maybe\"\n";
  auto t = Trust::load(home_);
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::invalid_input);
  EXPECT_NE(t.error().message.find("trust.toml"), std::string::npos);
  std::ofstream(home_ / "trust.toml") << "[[scope\n";
  EXPECT_FALSE(Trust::load(home_));
}

TEST_F(TrustPolicy, OutsideEveryScopePublicWarnsAndPrivateDoesNot) {
  auto t = *Trust::load(home_);
  ASSERT_TRUE(client_->set_visibility("alice/tool", true));
  auto unsigned_public = check_trust(t, *client_, ref("1.0.0"), digest_);
  ASSERT_TRUE(unsigned_public) << unsigned_public.error().message;
  EXPECT_NE(unsigned_public->warning.find("is not signed"), std::string::npos);
  EXPECT_NE(unsigned_public->warning.find("asterai trust add " + host() + "/alice KEY.pub"),
            std::string::npos)
      << unsigned_public->warning;

  ASSERT_TRUE(sign_manifest(*client_, "alice/tool", digest_, priv_a()));
  auto signed_public = check_trust(t, *client_, ref("1.0.0"), digest_);
  ASSERT_TRUE(signed_public);
  EXPECT_NE(signed_public->warning.find("1 signature(s) by keys you have not trusted"),
            std::string::npos)
      << signed_public->warning;
  EXPECT_TRUE(signed_public->signers.empty());

  ASSERT_TRUE(client_->set_visibility("alice/tool", false));
  auto private_one = check_trust(t, *client_, ref("2.0.0"), other_);
  ASSERT_TRUE(private_one);
  EXPECT_TRUE(private_one->warning.empty()) << private_one->warning;

  // A scope turned off silences the default for what it covers.
  ASSERT_TRUE(client_->set_visibility("alice/tool", true));
  ASSERT_TRUE(t.set_policy(host(), Policy::off));
  EXPECT_TRUE(check_trust(t, *client_, ref("2.0.0"), other_)->warning.empty());
}

}  // namespace
}  // namespace asterai::signing
