#include "asterai/env/local_component.h"

#include "asterai/common/files.h"

namespace asterai::env {
namespace fs = std::filesystem;

Result<LocalComponent> import_local_component(const fs::path& file, const runtime::Runtime& runtime,
                                              oci::LocalStore& store) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    return make_error(ErrorKind::not_found,
                      "no component file " + file.string() +
                          " (give the path of a built .wasm component, or a registry reference "
                          "REGISTRY/NS/NAME:VERSION)");
  auto bytes = ASTERAI_TRY(read_file(file));
  // Loaded as a call will load it: a core module or a broken file is refused now, not at
  // the first call.
  ASTERAI_TRY(runtime.load(bytes, file.filename().string()));
  LocalComponent out;
  out.ref = ASTERAI_TRY(store.add_local(bytes));
  out.path = fs::absolute(file).lexically_normal().string();
  return out;
}

}  // namespace asterai::env
