#include "asterai/host/resolve.h"

#include <cstdio>

#include "asterai/host/registry_access.h"
#include "asterai/oci/credentials.h"
#include "asterai/oci/pull.h"
#include "asterai/signing/trust.h"

namespace asterai::host {
namespace fs = std::filesystem;
namespace {

void warn(const ResolveOptions& options, const std::string& line) {
  if (options.on_warning)
    options.on_warning(line);
  else
    std::fprintf(stderr, "warning: %s\n", line.c_str());
}

}  // namespace

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
  auto trust = ASTERAI_TRY(signing::Trust::load(oci::asterai_home()));
  const signing::TrustScope* scope = trust.match(*ref);
  auto store = ASTERAI_TRY(open_store());
  auto local = oci::find_local(store, *ref);
  if (local) {
    // Pulled before: warned about then; `require` holds for every run.
    if (scope && scope->policy == signing::Policy::require) {
      auto client = ASTERAI_TRY(make_client(ref->registry, options.plain_http));
      ASTERAI_TRY(signing::check_trust(trust, client, *ref, local->digest));
    }
    return local->wasm_path;
  }
  if (local.error().kind != ErrorKind::not_found || options.offline)
    return tl::unexpected(local.error());
  auto client = ASTERAI_TRY(make_client(ref->registry, options.plain_http));
  oci::PullOptions pull_options;
  pull_options.progress = options.progress;
  pull_options.before_store = [&](const std::string& digest) -> Result<void> {
    auto check = ASTERAI_TRY(signing::check_trust(trust, client, *ref, digest));
    if (!check.warning.empty()) warn(options, check.warning);
    return {};
  };
  auto pulled = ASTERAI_TRY(oci::pull(client, store, *ref, pull_options));
  return pulled.wasm_path;
}

}  // namespace asterai::host
