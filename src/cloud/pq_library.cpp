#include "pq_library.h"

#include "asterai/common/shared_library.h"

namespace asterai::cloud {
namespace {

Result<PqLibrary> bind() {
  auto library = ASTERAI_TRY(SharedLibrary::open(ASTERAI_PQ_SONAME, "libpq5"));
  PqLibrary api;
  ASTERAI_BIND_FUNCTIONS(ASTERAI_PQ_FUNCTIONS, library, api);
  return api;
}

const Result<PqLibrary>& loaded() {
  static const Result<PqLibrary> library = bind();
  return library;
}

}  // namespace

Result<const PqLibrary*> load_pq() {
  const auto& library = loaded();
  if (!library) return tl::unexpected(library.error());
  return &*library;
}

const PqLibrary& pq() {
  return *loaded();
}

}  // namespace asterai::cloud
