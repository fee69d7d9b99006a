#include "asterai/oci/reference.h"

#include "asterai/oci/digest.h"

namespace asterai::oci {
namespace {

bool is_lower_alnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool is_valid_component(std::string_view c) {
  // [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
  if (c.empty() || !is_lower_alnum(c.front()) || !is_lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size(); ++i) {
    if (is_lower_alnum(c[i])) continue;
    size_t j = i;
    while (j < c.size() && !is_lower_alnum(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j - 1;
  }
  return true;
}

bool is_registry_host(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost";
}

bool is_valid_host(std::string_view host) {
  if (host.empty() || host.size() > 255) return false;
  for (char c : host) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return false;
  }
  return true;
}

Error bad(std::string_view text, const std::string& why) {
  return Error{ErrorKind::usage,
               "invalid reference \"" + std::string(text) + "\": " + why +
                   " (write REGISTRY/NAMESPACE/NAME:VERSION, e.g. "
                   "127.0.0.1:5000/alice/greeter:1.0.0, or …@sha256:<hex>)",
               {}};
}

}  // namespace

bool is_valid_repository(std::string_view name) {
  if (name.empty() || name.size() > 255) return false;
  size_t start = 0;
  while (true) {
    size_t slash = name.find('/', start);
    auto part = name.substr(start, slash == std::string_view::npos ? name.npos : slash - start);
    if (!is_valid_component(part)) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool is_valid_tag(std::string_view tag) {
  if (tag.empty() || tag.size() > 128) return false;
  for (size_t i = 0; i < tag.size(); ++i) {
    char c = tag[i];
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    if (!(alnum || c == '_' || (i > 0 && (c == '.' || c == '-')))) return false;
  }
  return true;
}

std::string Reference::to_string() const {
  return name() + (digest.empty() ? ":" + tag : "@" + digest);
}

Reference Reference::with_tag(std::string t) const {
  Reference r = *this;
  r.tag = std::move(t);
  r.digest.clear();
  return r;
}

Reference Reference::with_digest(std::string d) const {
  Reference r = *this;
  r.digest = std::move(d);
  return r;
}

Result<Reference> parse_reference(std::string_view text,
                                  std::optional<std::string> default_registry) {
  Reference ref;
  std::string_view rest = text;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    ref.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (!is_valid_digest(ref.digest))
      return tl::unexpected(bad(text, "the digest must be sha256:<64 lower-case hex digits>"));
  }
  auto slash = rest.find('/');
  if (slash != std::string_view::npos && is_registry_host(rest.substr(0, slash))) {
    ref.registry = std::string(rest.substr(0, slash));
    rest = rest.substr(slash + 1);
    if (!is_valid_host(ref.registry))
      return tl::unexpected(bad(text, "invalid registry host " + ref.registry));
  } else if (default_registry && !default_registry->empty()) {
    ref.registry = *default_registry;
  } else {
    return tl::unexpected(bad(text, "no registry host (or set ASTERAI_REGISTRY)"));
  }
  // A ':' after the last '/' separates the tag (a ':' before it belongs to a host:port).
  auto last_slash = rest.rfind('/');
  auto colon = rest.rfind(':');
  if (colon != std::string_view::npos &&
      (last_slash == std::string_view::npos || colon > last_slash)) {
    ref.tag = std::string(rest.substr(colon + 1));
    rest = rest.substr(0, colon);
    if (!is_valid_tag(ref.tag)) return tl::unexpected(bad(text, "invalid tag \"" + ref.tag + "\""));
  }
  ref.repository = std::string(rest);
  if (!is_valid_repository(ref.repository))
    return tl::unexpected(bad(text, "invalid repository name \"" + ref.repository +
                                        "\" (lower-case letters, digits, . _ - separated by /)"));
  if (ref.tag.empty() && ref.digest.empty()) ref.tag = "latest";
  return ref;
}

bool looks_like_reference(std::string_view text) {
  if (text.empty() || text.front() == '.' || text.front() == '/' || text.front() == '~')
    return false;
  if (text.size() > 5 && text.substr(text.size() - 5) == ".wasm") return false;
  return text.find('/') != std::string_view::npos;
}

}  // namespace asterai::oci
