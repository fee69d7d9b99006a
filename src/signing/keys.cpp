#include "asterai/signing/keys.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sodium.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <vector>

#include "asterai/common/sha256.h"
#include "asterai/oci/credentials.h"

namespace asterai::signing {
namespace {

using nlohmann::json;

constexpr std::string_view kSigstorePem = "ENCRYPTED SIGSTORE PRIVATE KEY";
constexpr std::string_view kCosignPem = "ENCRYPTED COSIGN PRIVATE KEY";
// The scrypt parameters cosign's key files use (go-securesystemslib's legacy, standard and
// OWASP levels). Others are refused: a tampered file must not make us derive for minutes.
constexpr uint64_t kScryptNs[] = {1u << 15, 1u << 16, 1u << 17};
constexpr uint64_t kScryptN = 1u << 16;
constexpr uint32_t kScryptR = 8, kScryptP = 1;
constexpr size_t kSaltBytes = 32;

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;
struct CtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

Error bad_key(const std::string& what) {
  return {ErrorKind::invalid_input, what, {}};
}

bool is_p256(EVP_PKEY* k) {
  char group[64] = {};
  size_t len = 0;
  return EVP_PKEY_is_a(k, "EC") && EVP_PKEY_get_group_name(k, group, sizeof group, &len) == 1 &&
         std::string_view(group, len) == "prime256v1";
}

std::string b64(const std::vector<unsigned char>& bytes) {
  return oci::base64_encode(
      std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
}

// A field of the key's JSON, or a default when it is missing or of another type (the file is
// outside input: nothing here may throw).
std::string string_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}
uint64_t number_field(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number_unsigned() ? it->get<uint64_t>() : 0;
}

Result<std::vector<unsigned char>> unb64(const json& j, const char* field, size_t want) {
  std::string text = string_field(j, field);
  if (text.empty())
    return tl::unexpected(bad_key(std::string("the encrypted key has no ") + field));
  auto raw = oci::base64_decode(text);
  if (!raw || (want != 0 && raw->size() != want))
    return tl::unexpected(bad_key(std::string("the encrypted key's ") + field + " is malformed"));
  return std::vector<unsigned char>(raw->begin(), raw->end());
}

Result<std::vector<unsigned char>> derive(std::string_view password,
                                          const std::vector<unsigned char>& salt, uint64_t n,
                                          uint32_t r, uint32_t p) {
  std::vector<unsigned char> key(crypto_secretbox_KEYBYTES);
  if (crypto_pwhash_scryptsalsa208sha256_ll(reinterpret_cast<const uint8_t*>(password.data()),
                                            password.size(), salt.data(), salt.size(), n, r, p,
                                            key.data(), key.size()) != 0)
    return make_error(ErrorKind::internal, "scrypt failed (out of memory?)");
  return key;
}

// PKCS#8 DER of the private key.
Result<std::vector<unsigned char>> pkcs8_der(EVP_PKEY* k) {
  PKCS8_PRIV_KEY_INFO* info = EVP_PKEY2PKCS8(k);
  if (!info) return make_error(ErrorKind::internal, "cannot encode the private key");
  unsigned char* der = nullptr;
  int n = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
  PKCS8_PRIV_KEY_INFO_free(info);
  if (n <= 0) return make_error(ErrorKind::internal, "cannot encode the private key");
  std::vector<unsigned char> out(der, der + n);
  OPENSSL_clear_free(der, static_cast<size_t>(n));
  return out;
}

std::string pem_block(std::string_view type, const std::string& body) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  std::string name(type);
  PEM_write_bio(bio.get(), name.c_str(), "", reinterpret_cast<const unsigned char*>(body.data()),
                static_cast<long>(body.size()));
  return bio_text(bio.get());
}

}  // namespace

Key::Key(EVP_PKEY* owned, bool has_private)
    : key_(owned, EVP_PKEY_free), has_private_(has_private) {}

std::string Key::public_pem() const {
  BioPtr bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PUBKEY(bio.get(), key_.get());
  return bio_text(bio.get());
}

std::string Key::id() const {
  unsigned char* der = nullptr;
  int n = i2d_PUBKEY(key_.get(), &der);
  if (n <= 0) return {};
  std::string hex = sha256_hex(std::span<const uint8_t>(der, static_cast<size_t>(n)));
  OPENSSL_free(der);
  return hex.substr(0, 16);
}

Result<std::string> Key::sign(std::string_view payload) const {
  if (!has_private_) return make_error(ErrorKind::usage, "a public key cannot sign");
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  auto data = reinterpret_cast<const unsigned char*>(payload.data());
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, payload.size()) != 1)
    return make_error(ErrorKind::internal, "signing failed");
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, data,
                     payload.size()) != 1)
    return make_error(ErrorKind::internal, "signing failed");
  sig.resize(len);
  return sig;
}

bool Key::verify(std::string_view payload, std::string_view der_signature) const {
  std::unique_ptr<EVP_MD_CTX, CtxFree> ctx(EVP_MD_CTX_new());
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) == 1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der_signature.data()),
                          der_signature.size(),
                          reinterpret_cast<const unsigned char*>(payload.data()),
                          payload.size()) == 1;
}

Result<KeyPairFiles> generate_key_pair(std::string_view password) {
  if (sodium_init() < 0) return make_error(ErrorKind::internal, "libsodium failed to start");
  Key key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"), true);
  if (!key.capi()) return make_error(ErrorKind::internal, "P-256 key generation failed");
  auto der = ASTERAI_TRY(pkcs8_der(key.capi()));

  std::vector<unsigned char> salt(kSaltBytes), nonce(crypto_secretbox_NONCEBYTES);
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  auto box_key = ASTERAI_TRY(derive(password, salt, kScryptN, kScryptR, kScryptP));
  std::vector<unsigned char> sealed(der.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(sealed.data(), der.data(), der.size(), nonce.data(), box_key.data());
  sodium_memzero(der.data(), der.size());
  sodium_memzero(box_key.data(), box_key.size());

  json doc = {{"kdf",
               {{"name", "scrypt"},
                {"params", {{"N", kScryptN}, {"r", kScryptR}, {"p", kScryptP}}},
                {"salt", b64(salt)}}},
              {"cipher", {{"name", "nacl/secretbox"}, {"nonce", b64(nonce)}}},
              {"ciphertext", b64(sealed)}};
  return KeyPairFiles{pem_block(kSigstorePem, doc.dump()), key.public_pem()};
}

Result<Key> decrypt_private_key(std::string_view pem, std::string_view password) {
  if (sodium_init() < 0) return make_error(ErrorKind::internal, "libsodium failed to start");
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char *name = nullptr, *header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) != 1)
    return tl::unexpected(bad_key("not a PEM key file"));
  std::string type(name), body(reinterpret_cast<char*>(data), static_cast<size_t>(len));
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (type != kSigstorePem && type != kCosignPem)
    return tl::unexpected(bad_key(
        "a \"" + type +
        "\" PEM block, not an encrypted private key; make one with `asterai key generate` (or "
        "`cosign generate-key-pair`)"));

  const json doc = json::parse(body, nullptr, false);
  auto object = [](const json& j, const char* key) -> const json* {
    auto it = j.is_object() ? j.find(key) : j.end();
    return it != j.end() && it->is_object() ? &*it : nullptr;
  };
  const json* kdf = object(doc, "kdf");
  const json* cipher = object(doc, "cipher");
  const json* params = kdf ? object(*kdf, "params") : nullptr;
  if (!kdf || !cipher || !params)
    return tl::unexpected(bad_key("the encrypted key is not the JSON cosign writes"));
  if (string_field(*kdf, "name") != "scrypt" || string_field(*cipher, "name") != "nacl/secretbox")
    return tl::unexpected(bad_key("the encrypted key uses an unknown KDF or cipher"));
  uint64_t n = number_field(*params, "N");
  bool known = number_field(*params, "r") == kScryptR && number_field(*params, "p") == kScryptP &&
               std::find(std::begin(kScryptNs), std::end(kScryptNs), n) != std::end(kScryptNs);
  if (!known) return tl::unexpected(bad_key("the encrypted key has unsupported scrypt parameters"));
  auto salt = ASTERAI_TRY(unb64(*kdf, "salt", 0));
  auto nonce = ASTERAI_TRY(unb64(*cipher, "nonce", crypto_secretbox_NONCEBYTES));
  auto sealed = ASTERAI_TRY(unb64(doc, "ciphertext", 0));
  if (sealed.size() < crypto_secretbox_MACBYTES)
    return tl::unexpected(bad_key("the encrypted key is truncated"));

  auto box_key = ASTERAI_TRY(derive(password, salt, n, kScryptR, kScryptP));
  std::vector<unsigned char> der(sealed.size() - crypto_secretbox_MACBYTES);
  int opened = crypto_secretbox_open_easy(der.data(), sealed.data(), sealed.size(), nonce.data(),
                                          box_key.data());
  sodium_memzero(box_key.data(), box_key.size());
  if (opened != 0) return make_error(ErrorKind::unauthorized, "wrong password for the private key");

  const unsigned char* p = der.data();
  PKCS8_PRIV_KEY_INFO* info = d2i_PKCS8_PRIV_KEY_INFO(nullptr, &p, static_cast<long>(der.size()));
  EVP_PKEY* k = info ? EVP_PKCS82PKEY(info) : nullptr;
  PKCS8_PRIV_KEY_INFO_free(info);
  sodium_memzero(der.data(), der.size());
  Key key(k, true);
  if (!k || !is_p256(k))
    return tl::unexpected(bad_key("the private key is not an ECDSA P-256 key"));
  return key;
}

Result<Key> parse_public_key(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Key key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), false);
  if (!key.capi())
    return tl::unexpected(bad_key("not a PEM public key (\"-----BEGIN PUBLIC KEY-----\")"));
  if (!is_p256(key.capi()))
    return tl::unexpected(bad_key("the public key is not an ECDSA P-256 key (cosign's kind)"));
  return key;
}

}  // namespace asterai::signing
