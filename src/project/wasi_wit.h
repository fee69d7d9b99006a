// The WASI WIT packages (wasi:io, wasi:http, ...) a project's world may import without
// carrying them in its own wit/deps. They are taken from the wasmtime-wasi-http crate of the
// Wasmtime the runtime is built with, so a component imports exactly the versions the
// runtime's linker provides; the crate comes from Cargo's registry cache (fetched by cargo
// when missing) and the packages are kept in the asterai tool cache, never in a project.
#pragma once

#include <filesystem>
#include <set>
#include <string>
#include <string_view>

#include "asterai/common/error.h"

namespace asterai::project {

// The NS:NAME packages (their NAMEs) that the .wit files under `dir` declare (`package
// NS:NAME@...`) or, with `declared` false, refer to anywhere.
std::set<std::string> wit_package_names(const std::filesystem::path& dir, std::string_view ns,
                                        bool declared);

// The `wasi:` packages ("http", "io", ...) the project's WIT (its deps included) refers to
// and its wit/deps does not declare itself.
std::set<std::string> missing_wasi_packages(const std::filesystem::path& wit_dir);

// A folder of WASI WIT packages for `wasmtime_version`: $ASTERAI_WASI_WIT when set, else
// TOOLS/wasi-wit-VERSION, filled on first use from the wasmtime-wasi-http crate (through
// `cargo metadata`, offline first).
Result<std::filesystem::path> wasi_wit_packages(const std::filesystem::path& tools_dir,
                                                std::string_view wasmtime_version);

// Copies `wit_dir` into `dest` and adds the packages of `wasi_dir` (none when empty) that it
// lacks under dest/deps, for the binding generators, which all read one WIT folder with its deps.
Result<void> compose_wit(const std::filesystem::path& wit_dir,
                         const std::filesystem::path& wasi_dir, const std::filesystem::path& dest);

}  // namespace asterai::project
