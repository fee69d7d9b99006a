#include <charconv>

#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {
namespace {

struct ByteRange {
  uint64_t first = 0;
  uint64_t length = 0;
};

std::optional<uint64_t> to_u64(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// One range of "bytes=a-b", "bytes=a-" or "bytes=-n" (RFC 9110); nullopt when unsatisfiable
// or malformed. Multiple ranges are not supported and count as malformed.
std::optional<ByteRange> parse_range(std::string_view h, uint64_t size) {
  if (h.substr(0, 6) != "bytes=" || h.find(',') != std::string_view::npos) return std::nullopt;
  h.remove_prefix(6);
  auto dash = h.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto a = h.substr(0, dash), b = h.substr(dash + 1);
  if (a.empty()) {
    auto n = to_u64(b);
    if (!n || *n == 0 || size == 0) return std::nullopt;
    uint64_t len = std::min(*n, size);
    return ByteRange{size - len, len};
  }
  auto first = to_u64(a);
  if (!first || *first >= size) return std::nullopt;
  uint64_t last = size - 1;
  if (!b.empty()) {
    auto l = to_u64(b);
    if (!l || *l < *first) return std::nullopt;
    last = std::min(*l, size - 1);
  }
  return ByteRange{*first, last - *first + 1};
}

}  // namespace

Response handle_blob(Context& ctx, const std::string& name, const std::string& digest_text) {
  auto digest = parse_digest(digest_text);
  if (!digest) return oci_error(400, "DIGEST_INVALID", digest.error().message);
  auto& store = ctx.registry.store();
  const auto& method = ctx.request.method;
  if (method == "DELETE") {
    if (auto ok = store.delete_blob(name, *digest); !ok)
      return from_error(ok.error(), Subject::blob);
    Response r;
    r.status = 202;
    return r;
  }
  auto reader = store.open_blob(name, *digest);
  if (!reader) return from_error(reader.error(), Subject::blob);
  Response r;
  uint64_t size = (*reader)->size();
  r.set("Docker-Content-Digest", digest_text).set("Content-Type", "application/octet-stream");
  r.set("Accept-Ranges", "bytes").set("ETag", "\"" + digest_text + "\"");
  ByteRange range{0, size};
  std::string range_header = ctx.request.header("range");
  if (!range_header.empty() && method == "GET") {
    auto parsed = parse_range(range_header, size);
    if (!parsed) {
      Response bad = oci_error(416, "BLOB_UNKNOWN", "requested range not satisfiable");
      bad.set("Content-Range", "bytes */" + std::to_string(size));
      return bad;
    }
    range = *parsed;
    r.status = 206;
    r.set("Content-Range", "bytes " + std::to_string(range.first) + "-" +
                               std::to_string(range.first + range.length - 1) + "/" +
                               std::to_string(size));
  }
  if (method == "HEAD") {
    r.head_length = size;
    return r;
  }
  r.file = std::move(*reader);
  r.file_offset = range.first;
  r.file_length = range.length;
  return r;
}

}  // namespace asterai::registry::http
