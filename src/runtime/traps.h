// Classifies a Wasmtime call/instantiation error into asterai's typed error kinds.
#pragma once

#include <string>

#include "asterai/common/error.h"

namespace asterai::runtime {

// `message` is Wasmtime's full error text (first line + cause chain + wasm backtrace).
Error classify_call_error(const std::string& message);

}  // namespace asterai::runtime
