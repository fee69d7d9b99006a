#include "asterai/common/error.h"

#include <array>

namespace asterai {
namespace {

struct KindInfo {
  std::string_view name;
  int exit_code;
  std::string_view description;
};

constexpr std::array kKinds = {
#define ASTERAI_ERROR_KIND(id, name, exit_code, description) KindInfo{name, exit_code, description},
#include "asterai/common/error_kinds.def"
#undef ASTERAI_ERROR_KIND
};

const KindInfo& info(ErrorKind kind) {
  return kKinds.at(static_cast<size_t>(kind));
}

}  // namespace

std::string_view error_kind_name(ErrorKind kind) {
  return info(kind).name;
}
std::optional<ErrorKind> error_kind_from_name(std::string_view name) {
  for (int i = 0; i < kErrorKindCount; ++i) {
    auto kind = static_cast<ErrorKind>(i);
    if (info(kind).name == name) return kind;
  }
  return std::nullopt;
}
int error_exit_code(ErrorKind kind) {
  return info(kind).exit_code;
}
std::string_view error_kind_description(ErrorKind kind) {
  return info(kind).description;
}

std::string Error::to_string() const {
  if (path.empty()) return message;
  return path + ": " + message;
}

}  // namespace asterai
