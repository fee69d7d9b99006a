// WIT documentation comments carried by a component binary, as JSON in wit-component's
// package-docs format: in a "package-docs" custom section (wit-component's own, describing the
// component's package) or an "asterai-wit-docs" one (the source WIT package's docs, added by
// `asterai build`), in the component or a nested one. Components without either have no docs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "asterai/common/error.h"
#include "asterai/mcp/catalog.h"

namespace asterai::mcp {

// Function and type docs keyed as docs_key() names them. Never fails: unreadable docs are
// ignored.
WitDocs read_wit_docs(std::span<const uint8_t> component_bytes);

// Docs from WIT source text: the `///` comments before `name: func(...)` in an `interface`
// and before `export name: func(...)` in a `world`, and those before a `record`, `variant`,
// `enum` or `flags` and before each of its fields or cases (one per line). A light scanner,
// not a WIT parser: enough for doc comments, never an error.
WitDocs parse_wit_docs(std::string_view wit_text);

// parse_wit_docs over a .wit file or every .wit file in a directory (recursively).
Result<WitDocs> load_wit_docs(const std::filesystem::path& path);

// "values#greet" for a function (or type) of interface ".../values@...", "add" for a
// world-level one.
std::string docs_key(std::string_view interface, std::string_view function);

}  // namespace asterai::mcp
