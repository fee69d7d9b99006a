#include "pq_library.h"

namespace asterai::cloud {
namespace {

Result<PqLibrary> bind() {
  auto library = ASTERAI_TRY(SharedLibrary::open(ASTERAI_PQ_SONAME, "libpq5"));
  PqLibrary api;
  ASTERAI_BIND_FUNCTIONS(ASTERAI_PQ_FUNCTIONS, library, api);
  return api;
}

using Loaded = BoundOnce<PqLibrary, bind>;

}  // namespace

Result<const PqLibrary*> load_pq() {
  return Loaded::load();
}

const PqLibrary& pq() {
  return Loaded::loaded();
}

}  // namespace asterai::cloud
