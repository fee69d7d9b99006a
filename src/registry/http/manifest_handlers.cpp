#include "http/errors.h"
#include "http/handlers.h"

namespace asterai::registry::http {

Response handle_manifest(Context& ctx, const std::string& name, const std::string& reference) {
  auto& store = ctx.registry.store();
  const auto& method = ctx.request.method;
  if (method == "PUT") {
    // One byte past the limit tells "exactly 4 MiB" from "too large" without reading it all.
    auto body = ctx.request.read_body(kMaxManifestBytes);
    if (!body) return from_error(body.error(), Subject::manifest_write);
    auto put = store.put_manifest(name, reference, ctx.request.header("content-type"), *body);
    if (!put) return from_error(put.error(), Subject::manifest_write);
    Response r;
    r.status = 201;
    r.set("Location", "/v2/" + name + "/manifests/" + put->digest)
        .set("Docker-Content-Digest", put->digest);
    if (!put->subject.empty()) r.set("OCI-Subject", put->subject);
    return r;
  }
  if (method == "DELETE") {
    if (auto ok = store.delete_manifest(name, reference); !ok)
      return from_error(ok.error(), Subject::manifest_read);
    Response r;
    r.status = 202;
    return r;
  }
  bool head = method == "HEAD";
  auto found = store.get_manifest(name, reference, !head);
  if (!found) return from_error(found.error(), Subject::manifest_read);
  Response r;
  r.set("Content-Type", found->record.media_type)
      .set("Docker-Content-Digest", found->record.digest);
  r.set("ETag", "\"" + found->record.digest + "\"");
  if (head) {
    r.head_length = found->record.size;
  } else {
    r.body = std::move(found->bytes);
  }
  return r;
}

}  // namespace asterai::registry::http
