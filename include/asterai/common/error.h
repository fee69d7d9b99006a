// Errors as values: every fallible call returns Result<T>, carrying an Error with a typed
// kind, a one-line message and (for value errors) the path of the bad value. Kinds are
// declared once in error_kinds.def with their CLI exit code; edges (CLI, HTTP, MCP)
// translate them, nothing else does.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <utility>

namespace asterai {

enum class ErrorKind {
#define ASTERAI_ERROR_KIND(id, name, exit_code, description) id,
#include "asterai/common/error_kinds.def"
#undef ASTERAI_ERROR_KIND
};

inline constexpr int kErrorKindCount = 0
#define ASTERAI_ERROR_KIND(id, name, exit_code, description) +1
#include "asterai/common/error_kinds.def"
#undef ASTERAI_ERROR_KIND
    ;

// The stable, user-visible name of a kind ("out-of-memory"); used in JSON envelopes.
std::string_view error_kind_name(ErrorKind kind);
// The kind of a name error_kind_name gives (an error that crossed HTTP); nullopt when unknown.
std::optional<ErrorKind> error_kind_from_name(std::string_view name);
// The documented exit code of the `asterai` CLI for this kind.
int error_exit_code(ErrorKind kind);
// One-line description of the kind, for the docs and `--help`.
std::string_view error_kind_description(ErrorKind kind);

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
  // Where in the input the problem is, e.g. "args.person.age"; empty when not about a value.
  std::string path;

  // "args.person.age: expected u32, got -1", or just the message when there is no path.
  std::string to_string() const;
};

template <class T>
using Result = tl::expected<T, Error>;

inline tl::unexpected<Error> make_error(ErrorKind kind, std::string message,
                                        std::string path = {}) {
  return tl::unexpected<Error>(Error{kind, std::move(message), std::move(path)});
}

namespace detail {
template <class T>
T take_value(tl::expected<T, Error>&& r) {
  return std::move(*r);
}
inline void take_value(tl::expected<void, Error>&&) {}
}  // namespace detail

}  // namespace asterai

// Propagates an error from an expression returning Result<...>; yields its value otherwise.
// (A GNU statement expression: supported by GCC and Clang, the only compilers we build with.)
#define ASTERAI_TRY(expr)                                                              \
  ({                                                                                   \
    auto&& asterai_try_result_ = (expr);                                               \
    if (!asterai_try_result_)                                                          \
      return tl::unexpected<::asterai::Error>(std::move(asterai_try_result_).error()); \
    ::asterai::detail::take_value(std::move(asterai_try_result_));                     \
  })
