#include "traps.h"

#include "missing_imports.h"

namespace asterai::runtime {
namespace {

bool contains(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

// Wasmtime's first line is context ("error while executing at wasm backtrace:"); the trap
// reason is in the cause chain. Keep the most specific line that names a trap.
std::string trap_line(const std::string& message) {
  size_t pos = message.find("wasm trap: ");
  if (pos == std::string::npos) return message.substr(0, message.find('\n'));
  size_t end = message.find('\n', pos);
  return message.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
}

}  // namespace

Error classify_call_error(const std::string& message) {
  if (auto missing = missing_import_error(message)) return std::move(*missing);
  // Wasmtime's trap texts (its TrapCode display strings); the tests pin them per version.
  // The second text comes from the deadline on blocking host calls (wasmtime_ext.h).
  if (contains(message, "wasm trap: interrupt") || contains(message, "call deadline passed")) {
    return Error{ErrorKind::timeout, "the call exceeded its time limit", {}};
  }
  if (contains(message, "all fuel consumed")) {
    return Error{ErrorKind::fuel_exhausted, "the call used up its fuel budget", {}};
  }
  if (contains(message, "call stack exhausted")) {
    return Error{ErrorKind::stack_overflow, "the call exhausted the wasm stack", {}};
  }
  if (contains(message, "forcing trap when growing memory") ||
      contains(message, "memory limit exceeded")) {
    return Error{ErrorKind::out_of_memory, "the call tried to grow memory past its limit", {}};
  }
  if (contains(message, "wasm trap: ") || contains(message, "wasm backtrace")) {
    return Error{ErrorKind::trap, trap_line(message), {}};
  }
  return Error{ErrorKind::trap, message.substr(0, message.find('\n')), {}};
}

}  // namespace asterai::runtime
