// The Rust and Go pipelines of `asterai build`. build.cpp owns the frame every language shares
// (tools resolved up front, the scratch folder, the fingerprint, the atomic move into place)
// and calls these with what they need.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/project/project.h"
#include "toolchain.h"

namespace asterai::project {

// Runs one step (a tool's argv in a folder); a non-zero exit is a build_failed error after the
// tool's output has been shown.
using RunStep =
    std::function<Result<void>(const std::string& step, const std::vector<std::string>& argv,
                               const std::filesystem::path& cwd)>;

struct PipelineInput {
  const Project& project;
  std::filesystem::path wit_dir;     // the WIT folder to build from (WASI packages added)
  std::filesystem::path work;        // the build's scratch folder, empty at the start
  std::filesystem::path cache_root;  // the asterai cache (tools/, rust-target/)
  RunStep run;
};

// Files outside src/ that a Rust or Go project's build reads (Cargo.toml, go.mod, ...), for
// the fingerprint; empty for the other languages.
std::vector<std::filesystem::path> manifest_files(const Project& project);

// Makes Cargo.lock current (cargo fetch, which also downloads the crates) when it is missing or
// older than Cargo.toml, as cargo itself would on a build: the lock file is a project file,
// part of the build's fingerprint, and pins the crates later builds use.
Result<void> lock_rust_dependencies(const Project& project, const RustTools& rust,
                                    const RunStep& run);

// cargo build --target wasm32-wasip2 with -Zbuild-std into a target folder shared by every
// project (cache_root/rust-target), so the standard library is compiled once per toolchain.
// `wasi_sysroot` holds Debian's wasi-libc (lib/wasm32-wasi).
Result<std::filesystem::path> build_rust(const PipelineInput& in, const RustTools& rust,
                                         const std::filesystem::path& wasi_sysroot);

// wit-bindgen go -> go build (GOOS=wasip1, c-shared) -> [wasmtime wizer: the module snapshot
// after the Go runtime started, for `preinit = true`] -> wasm-tools component embed + new with
// the WASI preview 1 reactor adapter.
struct GoPipelineTools {
  GoTools go;
  std::filesystem::path wit_bindgen, wasm_tools, adapter;
  std::filesystem::path wizer;  // only for `preinit = true`
};
Result<std::filesystem::path> build_go(const PipelineInput& in, const GoPipelineTools& tools);

}  // namespace asterai::project
