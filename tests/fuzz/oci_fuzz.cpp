// OCI decoding on both sides: the client's manifest, index and reference parsers, digest
// checks and reading of a registry's error answers (src/oci), and the registry's manifest
// validation and digest parser (src/registry). Properties: nothing crashes; a parsed reference
// prints as text that parses back to it; a parsed digest prints as itself; the two sides agree on
// which sha256 digests are valid.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdio>
#include <cstdlib>

#include "asterai/oci/digest.h"
#include "asterai/oci/manifest.h"
#include "asterai/oci/reference.h"
#include "asterai/oci/registry_client.h"
#include "asterai/registry/digest.h"
#include "asterai/registry/storage/manifest.h"

namespace {

[[noreturn]] void fail(const char* what, std::string_view input) {
  std::fprintf(stderr, "%s: %.*s\n", what, static_cast<int>(input.size()), input.data());
  std::abort();
}

void check_reference(std::string_view text, bool with_default) {
  auto ref = with_default ? asterai::oci::parse_reference(text, "registry.example.com")
                          : asterai::oci::parse_reference(text);
  if (!ref) return;
  auto again = asterai::oci::parse_reference(ref->to_string());
  if (!again) fail("a parsed reference does not parse back", text);
  if (again->registry != ref->registry || again->repository != ref->repository ||
      again->identifier() != ref->identifier())
    fail("a parsed reference parses back to another one", text);
  if (!asterai::oci::is_valid_repository(ref->repository)) fail("invalid repository kept", text);
}

void check_digest(std::string_view text) {
  auto parsed = asterai::registry::parse_digest(text);
  if (parsed && parsed->to_string() != text) fail("a digest does not print as itself", text);
  bool client_valid = asterai::oci::is_valid_digest(text);
  if (client_valid && !(parsed && parsed->algorithm == asterai::registry::DigestAlgorithm::sha256))
    fail("the client accepts a digest the registry refuses", text);
  if (client_valid) (void)asterai::oci::digest_hex(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  int mode = in.ConsumeIntegralInRange(0, 5);
  std::string content_type = mode == 4 ? in.ConsumeRandomLengthString(80) : std::string();
  std::string text = in.ConsumeRemainingBytesAsString();
  switch (mode) {
    case 0:
      if (auto m = asterai::oci::parse_manifest(text)) {
        (void)m->effective_artifact_type();
        (void)asterai::oci::wasm_layer(*m);
      }
      break;
    case 1:
      if (auto index = asterai::oci::parse_index(text)) {
        // What we build from parsed descriptors must parse again.
        if (!asterai::oci::parse_index(asterai::oci::build_index(*index)))
          fail("a rebuilt index does not parse", text);
      }
      break;
    case 2:
      check_reference(text, false);
      check_reference(text, true);
      (void)asterai::oci::looks_like_reference(text);
      (void)asterai::oci::is_valid_tag(text);
      break;
    case 3:
      check_digest(text);
      break;
    case 4:
      (void)asterai::registry::parse_manifest(text, content_type);
      break;
    default: {
      // A registry's error answer, as the client reports it.
      asterai::oci::HttpResponse answer;
      answer.status = 400;
      answer.body = text;
      (void)asterai::oci::registry_error(answer, "registry.example.com", "push");
    }
  }
  return 0;
}
