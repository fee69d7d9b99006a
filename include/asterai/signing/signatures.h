// Signatures on component manifests, in cosign's formats so either tool verifies what the
// other signed: a "simple signing" JSON payload naming the manifest digest, signed with
// ECDSA P-256 over SHA-256, the base64 DER signature in the annotation
// `dev.cosignproject.cosign/signature` of the payload's layer.
//
// Where they live: one manifest holding every signature's layer, tagged `sha256-<hex>.sig`
// in the component's repository (cosign's tag scheme, for registries without the referrers
// API), and carrying `subject` + cosign's signature artifactType, so a dist-spec 1.1 registry
// also lists it as a referrer. Reading looks in both places and in referrers cosign pushed.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/oci/registry_client.h"
#include "asterai/signing/keys.h"

namespace asterai::signing {

inline constexpr std::string_view kSimpleSigningLayer =
    "application/vnd.dev.cosign.simplesigning.v1+json";
inline constexpr std::string_view kSignatureAnnotation = "dev.cosignproject.cosign/signature";
inline constexpr std::string_view kSignatureArtifact =
    "application/vnd.dev.cosign.artifact.sig.v1+json";

// "sha256-<hex>.sig": where cosign looks for the signatures of `digest`.
std::string signature_tag(std::string_view digest);

// The payload cosign signs for `digest` in `docker_reference` ("registry/repository").
std::string simple_signing_payload(std::string_view docker_reference, std::string_view digest);
// The manifest digest a payload claims; invalid-input when it is not a cosign container
// image signature payload.
Result<std::string> signed_digest(std::string_view payload);

struct SignResult {
  std::string manifest_digest;  // the signatures manifest now tagged `sha256-<hex>.sig`
  bool already_signed = false;  // this key's signature was there; nothing was pushed
};

// Signs the manifest `digest` of `repo` with `key` and adds the signature to the ones already
// there (other signers' are kept).
Result<SignResult> sign_manifest(oci::RegistryClient& client, const std::string& repo,
                                 const std::string& digest, const Key& key);

struct FoundSignature {
  std::string payload;
  std::string signature;  // DER, decoded from the annotation
};

// Every signature stored for `digest` (tag and referrers; duplicates removed). A payload
// larger than 64 KiB or a layer that is not a signature is skipped.
Result<std::vector<FoundSignature>> find_signatures(oci::RegistryClient& client,
                                                    const std::string& repo,
                                                    const std::string& digest);

struct Verdict {
  std::vector<std::string> signers;  // ids of the keys whose signature of `digest` verified
  size_t found = 0;                  // signatures seen
};

// Which of `keys` signed `digest`: a signature counts when it verifies under the key and its
// payload names exactly this digest (a valid signature of another digest does not).
Verdict verify_signatures(const std::vector<FoundSignature>& found, const std::string& digest,
                          const std::vector<Key>& keys);

}  // namespace asterai::signing
