// Signing keys: ECDSA P-256, cosign's key type, in cosign's files so a key made by either
// tool works in both. The private key is PKCS#8 DER sealed with nacl/secretbox under a key
// derived from the password by scrypt, in a PEM block "ENCRYPTED SIGSTORE PRIVATE KEY"
// (cosign also reads and writes "ENCRYPTED COSIGN PRIVATE KEY"); the public key is PKIX PEM.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "asterai/common/error.h"

typedef struct evp_pkey_st EVP_PKEY;

namespace asterai::signing {

// A public key, or a key pair when it was decrypted from a private key file. Copies share one
// immutable OpenSSL EVP_PKEY (freed with the last of them).
class Key {
 public:
  Key() = default;
  explicit Key(EVP_PKEY* owned, bool has_private);

  bool has_private() const { return has_private_; }
  EVP_PKEY* capi() const { return key_.get(); }

  // The public half as PKIX PEM ("-----BEGIN PUBLIC KEY-----").
  std::string public_pem() const;
  // First 16 hex digits of the SHA-256 of the public key's DER: how signers are named.
  std::string id() const;

  // An ASN.1 DER ECDSA signature of SHA-256(`payload`); needs the private half.
  Result<std::string> sign(std::string_view payload) const;
  bool verify(std::string_view payload, std::string_view der_signature) const;

 private:
  std::shared_ptr<EVP_PKEY> key_;
  bool has_private_ = false;
};

struct KeyPairFiles {
  std::string private_pem;  // encrypted
  std::string public_pem;
};

// A new P-256 key pair; the private key encrypted under `password` (which may be empty, as
// with cosign, though the CLI asks for one).
Result<KeyPairFiles> generate_key_pair(std::string_view password);

// The key pair in an encrypted private key file's text; unauthorized for a wrong password,
// invalid-input for anything that is not such a file (an unencrypted key among them).
Result<Key> decrypt_private_key(std::string_view pem, std::string_view password);

// A PKIX PEM public key (P-256 only, as cosign's keys are).
Result<Key> parse_public_key(std::string_view pem);

}  // namespace asterai::signing
