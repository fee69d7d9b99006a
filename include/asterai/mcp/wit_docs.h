// WIT documentation comments carried by a component binary. Toolchains that keep docs store
// them (wit-component's convention) as JSON in a custom section named "package-docs", in the
// component or a nested one. Components without it simply have no docs.
#pragma once

#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

#include "asterai/common/error.h"
#include "asterai/mcp/catalog.h"

namespace asterai::mcp {

// Function docs keyed as docs_key() names them. Never fails: unreadable docs are ignored.
FunctionDocs read_wit_docs(std::span<const uint8_t> component_bytes);

// Function docs from WIT source text: the `///` comments before `name: func(...)` in an
// `interface` and before `export name: func(...)` in a `world`. A light scanner, not a WIT
// parser: enough for doc comments, never an error.
FunctionDocs parse_wit_docs(std::string_view wit_text);

// parse_wit_docs over a .wit file or every .wit file in a directory (recursively).
Result<FunctionDocs> load_wit_docs(const std::filesystem::path& path);

// "values#greet" for a function of interface ".../values@...", "add" for a world-level one.
std::string docs_key(std::string_view interface, std::string_view function);

}  // namespace asterai::mcp
