#include "curl_library.h"

namespace asterai::oci {
namespace {

Result<CurlLibrary> bind() {
  auto library = ASTERAI_TRY(SharedLibrary::open(ASTERAI_CURL_SONAME, "libcurl4"));
  CurlLibrary api;
  ASTERAI_BIND_FUNCTIONS(ASTERAI_CURL_FUNCTIONS, library, api);
  api.curl_global_init(CURL_GLOBAL_DEFAULT);
  return api;
}

using Loaded = BoundOnce<CurlLibrary, bind>;

}  // namespace

Result<const CurlLibrary*> load_curl() {
  return Loaded::load();
}

const CurlLibrary& curl() {
  return Loaded::loaded();
}

}  // namespace asterai::oci
