// libcurl, loaded on the first request (common/shared_library.h) so that commands which never
// reach a registry do not load it and its 20-odd dependencies at start-up.
#pragma once

// Without this, curl.h turns curl_easy_setopt into a macro that would rewrite the members below.
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

#include "asterai/common/shared_library.h"

namespace asterai::oci {

#define ASTERAI_CURL_FUNCTIONS(X)                                                    \
  X(curl_global_init)                                                                \
  X(curl_easy_init)                                                                  \
  X(curl_easy_setopt) X(curl_easy_perform) X(curl_easy_getinfo) X(curl_easy_cleanup) \
      X(curl_easy_strerror) X(curl_slist_append) X(curl_slist_free_all)

// The functions asterai calls, under their own names: `curl().curl_easy_init()`.
struct CurlLibrary {
  ASTERAI_FUNCTION_POINTERS(ASTERAI_CURL_FUNCTIONS)
};

// Loads libcurl and runs curl_global_init once per process (thread-safe); the error says
// which library is missing and what to install.
Result<const CurlLibrary*> load_curl();

// The loaded library; only after load_curl() succeeded (a handle exists only then).
const CurlLibrary& curl();

}  // namespace asterai::oci
