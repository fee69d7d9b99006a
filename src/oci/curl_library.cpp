#include "curl_library.h"

#include "asterai/common/shared_library.h"

namespace asterai::oci {
namespace {

Result<CurlLibrary> bind() {
  auto library = ASTERAI_TRY(SharedLibrary::open(ASTERAI_CURL_SONAME, "libcurl4"));
  CurlLibrary api;
  ASTERAI_BIND_FUNCTIONS(ASTERAI_CURL_FUNCTIONS, library, api);
  api.curl_global_init(CURL_GLOBAL_DEFAULT);
  return api;
}

const Result<CurlLibrary>& loaded() {
  static const Result<CurlLibrary> library = bind();
  return library;
}

}  // namespace

Result<const CurlLibrary*> load_curl() {
  const auto& library = loaded();
  if (!library) return tl::unexpected(library.error());
  return &*library;
}

const CurlLibrary& curl() {
  return *loaded();
}

}  // namespace asterai::oci
