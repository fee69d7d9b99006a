#include "asterai/host/resolve.h"

#include "asterai/host/registry_access.h"
#include "asterai/oci/pull.h"

namespace asterai::host {
namespace fs = std::filesystem;

Result<fs::path> resolve_component(std::string_view path_or_ref, const ResolveOptions& options) {
  // A local component (an environment member added from a file) is always in the store.
  if (oci::is_local_ref(path_or_ref)) return ASTERAI_TRY(open_store()).find_local(path_or_ref);
  fs::path path(path_or_ref);
  std::error_code ec;
  if (fs::exists(path, ec) || !oci::looks_like_reference(path_or_ref)) return path;
  auto ref = parse_ref(std::string(path_or_ref));
  if (!ref) {
    Error e = ref.error();
    e.message = "no such file, and not a registry reference: " + e.message;
    return tl::unexpected(e);
  }
  auto store = ASTERAI_TRY(open_store());
  auto local = oci::find_local(store, *ref);
  if (local) return local->wasm_path;
  if (local.error().kind != ErrorKind::not_found || options.offline)
    return tl::unexpected(local.error());
  auto client = ASTERAI_TRY(make_client(ref->registry, options.plain_http));
  oci::PullOptions pull_options;
  pull_options.progress = options.progress;
  auto pulled = ASTERAI_TRY(oci::pull(client, store, *ref, pull_options));
  return pulled.wasm_path;
}

}  // namespace asterai::host
