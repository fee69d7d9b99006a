// References to artifacts in a registry: `registry/ns/name:tag`, `registry/ns/name@sha256:…`
// or both (`…:tag@sha256:…`, the digest wins). Parsed and validated once, at the edge, so
// every later use (URLs, store keys) works on valid parts only.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::oci {

struct Reference {
  std::string registry;    // "127.0.0.1:5000", "registry.example.com"
  std::string repository;  // "alice/greeter"
  std::string tag;         // "1.0.0"; empty when only a digest was given
  std::string digest;      // "sha256:<hex>"; empty when only a tag was given

  // "registry/repository:tag", "registry/repository@digest" (the digest when both are set).
  std::string to_string() const;
  // "registry/repository"
  std::string name() const { return registry + "/" + repository; }
  // The tag or the digest, as the last part of a manifest URL.
  const std::string& identifier() const { return digest.empty() ? tag : digest; }
  bool by_digest() const { return !digest.empty(); }
  // The same repository at another tag or digest.
  Reference with_tag(std::string t) const;
  Reference with_digest(std::string d) const;
};

// Parses a reference. Without a registry host in front (a first part with '.' or ':', or
// "localhost"), `default_registry` is used when given; without tag and digest, "latest".
Result<Reference> parse_reference(std::string_view text,
                                  std::optional<std::string> default_registry = std::nullopt);

// True when the text has the shape of a reference rather than of a file path, e.g. for
// `asterai call REF …`: it has a '/' and a tag or digest, and does not start with '.' or '/'.
bool looks_like_reference(std::string_view text);

// dist-spec grammar: lower-case path components separated by '/', at most 255 bytes.
bool is_valid_repository(std::string_view name);
// `[A-Za-z0-9_][A-Za-z0-9._-]{0,127}`
bool is_valid_tag(std::string_view tag);

}  // namespace asterai::oci
