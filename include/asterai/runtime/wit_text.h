// The WIT interface a component carries in its own type information.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "asterai/common/error.h"

namespace asterai::runtime {

// The component's world as WIT text, as `wasm-tools component wit` prints it: the root
// package `root:component` with world `root`, then every package it imports or exports from,
// nested (`package ns:pkg@ver { ... }`). The `///` docs of an `asterai-wit-docs` section
// (written by `asterai build`) are put back on the interfaces, functions and types they
// describe. invalid-component when the bytes are not a component.
Result<std::string> component_wit(std::span<const uint8_t> bytes);

}  // namespace asterai::runtime
