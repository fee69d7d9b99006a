#include "asterai/common/shared_library.h"

#include <dlfcn.h>

namespace asterai {

Result<SharedLibrary> SharedLibrary::open(const std::string& soname, std::string_view package) {
  void* handle = ::dlopen(soname.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = ::dlerror();
    return make_error(ErrorKind::io, "cannot load " + soname + " (install the " +
                                         std::string(package) +
                                         " package): " + (why ? why : "unknown error"));
  }
  return SharedLibrary(handle, soname);
}

Result<void*> SharedLibrary::symbol(const char* name) const {
  ::dlerror();
  void* address = ::dlsym(handle_, name);
  if (!address)
    return make_error(ErrorKind::io, soname_ + " has no function " + name +
                                         " (an older version than asterai was built with?)");
  return address;
}

}  // namespace asterai
