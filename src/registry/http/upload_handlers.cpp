#include <charconv>

#include "asterai/registry/names.h"
#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {
namespace {

std::string upload_location(const std::string& name, const std::string& id) {
  return "/v2/" + name + "/blobs/uploads/" + id;
}

// dist-spec: the Range header reports the inclusive end of what the registry holds.
std::string range_value(uint64_t size) {
  return "0-" + std::to_string(size == 0 ? 0 : size - 1);
}

Response upload_accepted(const std::string& name, const std::string& id, uint64_t size,
                         unsigned status) {
  Response r;
  r.status = status;
  r.set("Location", upload_location(name, id))
      .set("Range", range_value(size))
      .set("Docker-Upload-UUID", id);
  r.set("Content-Length", "0");
  return r;
}

Response blob_created(const std::string& name, const std::string& digest) {
  Response r;
  r.status = 201;
  r.set("Location", "/v2/" + name + "/blobs/" + digest).set("Docker-Content-Digest", digest);
  return r;
}

// "start-end" or "bytes start-end/total"; returns the start offset and the declared length.
struct ChunkRange {
  uint64_t start = 0, length = 0;
};
std::optional<ChunkRange> parse_content_range(std::string_view v) {
  if (v.substr(0, 6) == "bytes ") v.remove_prefix(6);
  v = v.substr(0, v.find('/'));
  auto dash = v.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  uint64_t a = 0, b = 0;
  auto r1 = std::from_chars(v.data(), v.data() + dash, a);
  auto r2 = std::from_chars(v.data() + dash + 1, v.data() + v.size(), b);
  if (r1.ec != std::errc() || r2.ec != std::errc() || r1.ptr != v.data() + dash ||
      r2.ptr != v.data() + v.size() || b < a) {
    return std::nullopt;
  }
  return ChunkRange{a, b - a + 1};
}

// Appends the request body, honouring Content-Range; 416 when the chunk is out of order.
std::optional<Response> append_body(Context& ctx, const std::string& name, const std::string& id) {
  auto& store = ctx.registry.store();
  std::optional<uint64_t> start;
  std::optional<uint64_t> declared;
  std::string cr = ctx.request.header("content-range");
  if (!cr.empty()) {
    auto parsed = parse_content_range(cr);
    if (!parsed) return oci_error(416, "BLOB_UPLOAD_INVALID", "malformed Content-Range");
    start = parsed->start;
    declared = parsed->length;
    // Refused before anything is stored: a refused chunk must leave the session as it was, or
    // the client's retry would store its bytes twice.
    if (ctx.request.content_length && *ctx.request.content_length != *declared)
      return oci_error(400, "BLOB_UPLOAD_INVALID", "chunk length differs from its Content-Range");
  }
  auto before = store.upload_offset(name, id);
  if (!before) return from_error(before.error(), Subject::upload);
  auto after = store.append_upload(name, id, start, ctx.request.body);
  if (!after) {
    if (after.error().kind == ErrorKind::invalid_input) {
      Response r = oci_error(416, "BLOB_UPLOAD_INVALID", after.error().message);
      r.set("Location", upload_location(name, id)).set("Range", range_value(*before));
      return r;
    }
    return from_error(after.error(), Subject::upload);
  }
  if (declared && *after - *before != *declared) {
    return oci_error(400, "BLOB_UPLOAD_INVALID", "chunk length differs from its Content-Range");
  }
  return std::nullopt;
}

Response complete(Context& ctx, const std::string& name, const std::string& id) {
  std::string digest_text = ctx.request.param("digest");
  auto digest = parse_digest(digest_text);
  if (!digest)
    return oci_error(400, "DIGEST_INVALID", "a valid digest query parameter is required");
  if (auto failed = append_body(ctx, name, id)) return std::move(*failed);
  if (auto ok = ctx.registry.store().complete_upload(name, id, *digest); !ok) {
    return from_error(ok.error(), Subject::upload);
  }
  return blob_created(name, digest_text);
}

bool may_pull(Context& ctx, const std::string& repo) {
  if (!ctx.registry.config().auth) return true;
  if (ctx.caller.claims && ctx.caller.claims->allows("repository", repo, "pull")) return true;
  auto info = ctx.registry.metadata().repository(repo);
  return info && *info && (*info)->is_public;
}

}  // namespace

Response handle_upload_start(Context& ctx, const std::string& name) {
  auto& store = ctx.registry.store();
  std::string mount = ctx.request.param("mount");
  std::string from = ctx.request.param("from");
  if (!mount.empty() && !from.empty()) {
    // dist-spec: if the mount cannot happen, fall back to an ordinary upload session.
    auto digest = parse_digest(mount);
    if (digest && is_valid_repository_name(from) && may_pull(ctx, from) &&
        store.mount_blob(name, from, *digest)) {
      return blob_created(name, mount);
    }
  }
  auto id = store.start_upload(name);
  if (!id) return from_error(id.error(), Subject::upload);
  if (ctx.request.has_param("digest")) {
    // Monolithic upload in a single POST.
    return complete(ctx, name, *id);
  }
  return upload_accepted(name, *id, 0, 202);
}

Response handle_upload(Context& ctx, const std::string& name, const std::string& id) {
  auto& store = ctx.registry.store();
  const auto& method = ctx.request.method;
  if (method == "GET") {
    auto size = store.upload_offset(name, id);
    if (!size) return from_error(size.error(), Subject::upload);
    return upload_accepted(name, id, *size, 204);
  }
  if (method == "DELETE") {
    if (auto ok = store.cancel_upload(name, id); !ok)
      return from_error(ok.error(), Subject::upload);
    Response r;
    r.status = 204;
    return r;
  }
  if (method == "PATCH") {
    if (auto failed = append_body(ctx, name, id)) return std::move(*failed);
    auto size = store.upload_offset(name, id);
    if (!size) return from_error(size.error(), Subject::upload);
    return upload_accepted(name, id, *size, 202);
  }
  if (method == "PUT") return complete(ctx, name, id);
  return oci_error(405, "UNSUPPORTED", "method not allowed");
}

}  // namespace asterai::registry::http
