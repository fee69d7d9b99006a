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

}  // namespace asterai

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
