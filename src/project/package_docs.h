// WIT docs for built components. The language toolchains drop them (the component-type
// section wit-bindgen embeds carries none; componentize-js and componentize-py likewise), but
// tools describe themselves from them (docs/mcp.md). wit-component encodes a WIT package's
// docs as JSON in a "package-docs" custom section; `wasm-tools component wit --wasm` writes
// one, and this copies its payload into the component as an "asterai-wit-docs" section. Not as
// package-docs: decoders apply that to the component's own root package (world "root"), whose
// names differ from the source package's, and then fail to decode the component.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::project {

// The payload of the top-level custom section named `name`, if any.
std::optional<std::span<const uint8_t>> find_custom_section(std::span<const uint8_t> wasm,
                                                            std::string_view name);

inline constexpr std::string_view kWitDocsSection = "asterai-wit-docs";

// Appends the package-docs payload of `encoded_wit` to `component` (rewritten atomically) as
// a kWitDocsSection section, unless the component has one already. An encoded WIT without
// package-docs is an error.
Result<void> add_wit_docs(const std::filesystem::path& component,
                          const std::filesystem::path& encoded_wit);

}  // namespace asterai::project
