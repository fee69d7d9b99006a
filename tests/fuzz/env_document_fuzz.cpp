// Environment documents (docs/environments.md): any TOML text is a document or a one-line
// error; a parsed document's canonical text parses back to the same document and prints as
// the same bytes again (serialize_document's promise).
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "asterai/env/document.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto doc = asterai::env::parse_document(text, "env.toml");
  if (!doc) {
    if (doc.error().message.find('\n') != std::string::npos) {
      std::fprintf(stderr, "a document error of more than one line: %s\n",
                   doc.error().message.c_str());
      std::abort();
    }
    return 0;
  }
  std::string canonical = asterai::env::serialize_document(*doc);
  auto again = asterai::env::parse_document(canonical, "canonical.toml");
  if (!again) {
    std::fprintf(stderr, "the canonical text does not parse: %s\n--- canonical:\n%s\n",
                 again.error().message.c_str(), canonical.c_str());
    std::abort();
  }
  if (!(*again == *doc)) {
    std::fprintf(stderr, "the canonical text parses to another document:\n%s\n", canonical.c_str());
    std::abort();
  }
  if (asterai::env::serialize_document(*again) != canonical) {
    std::fprintf(stderr, "the canonical text is not stable:\n%s\n", canonical.c_str());
    std::abort();
  }
  return 0;
}
