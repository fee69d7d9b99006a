#include "resolve.h"

#include <cstdio>

#include "asterai/oci/pull.h"
#include "oci_common.h"

namespace asterai::cli {
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
  RegistryFlags flags;
  flags.plain_http = options.plain_http;
  auto client = ASTERAI_TRY(make_client(ref->registry, flags));
  auto progress = options.progress ? make_progress(false) : nullptr;
  oci::PullOptions pull_options;
  pull_options.progress = progress.get();
  auto pulled = ASTERAI_TRY(oci::pull(client, store, *ref, pull_options));
  return pulled.wasm_path;
}

}  // namespace asterai::cli
