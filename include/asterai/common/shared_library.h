// A C library loaded when first needed (dlopen) instead of at start-up. libcurl and libpq bring
// 26 more shared objects with them; binding their symbols was about a third of a one-shot
// `asterai call`, which talks to no registry and no database.
#pragma once

#include <string>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai {

class SharedLibrary {
 public:
  // Loads `soname`; `package` names what to install when it is missing. The library stays
  // loaded until the process ends: those loaded this way keep global state (curl's init).
  static Result<SharedLibrary> open(const std::string& soname, std::string_view package);

  // The address of the function `name`; an error naming the library when it lacks it.
  Result<void*> symbol(const char* name) const;

 private:
  SharedLibrary(void* handle, std::string soname) : handle_(handle), soname_(std::move(soname)) {}
  void* handle_;
  std::string soname_;
};

// An API bound by `Bind` the first time it is asked for, once per process (thread-safe); the
// outcome, a missing library included, is kept.
template <class Api, Result<Api> (*Bind)()>
struct BoundOnce {
  static Result<const Api*> load() {
    const auto& api = get();
    if (!api) return tl::unexpected(api.error());
    return &*api;
  }
  // Only after load() succeeded.
  static const Api& loaded() { return *get(); }

 private:
  static const Result<Api>& get() {
    static const Result<Api> api = Bind();
    return api;
  }
};

}  // namespace asterai

// A struct of one pointer per function in LIST(X), each named and typed as the function:
//   struct CurlLibrary { ASTERAI_FUNCTION_POINTERS(ASTERAI_CURL_FUNCTIONS) };
#define ASTERAI_FUNCTION_POINTER_(f) decltype(&::f) f = nullptr;
#define ASTERAI_FUNCTION_POINTERS(LIST) LIST(ASTERAI_FUNCTION_POINTER_)

// Fills `api.f` for every `f` in LIST(X) from `library`, returning the error of a missing one:
//   ASTERAI_BIND_FUNCTIONS(LIST, library, api);
#define ASTERAI_BIND_ONE_(f) \
  asterai_api_.f = reinterpret_cast<decltype(asterai_api_.f)>(ASTERAI_TRY(asterai_lib_.symbol(#f)));
#define ASTERAI_BIND_FUNCTIONS(LIST, library, api) \
  do {                                             \
    auto& asterai_api_ = (api);                    \
    const auto& asterai_lib_ = (library);          \
    LIST(ASTERAI_BIND_ONE_)                        \
  } while (0)
