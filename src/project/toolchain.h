// Finding the guest toolchains `asterai build` drives. Each tool is looked up in order: an
// environment variable naming it, the asterai tool cache (scripts/install-guest-tools.sh
// installs there), then PATH. A missing tool is an error that names what to install.
#pragma once

#include <filesystem>

#include "asterai/common/error.h"

namespace asterai::project {

// Debian's Rust (rustc-web, cargo-web, rust-web-src, rust-web-llvm): std is compiled for
// wasm32-wasip2 from its source (-Zbuild-std), so no rustup target is needed.
struct RustTools {
  std::filesystem::path rustc, cargo;
  std::filesystem::path std_source;  // SYSROOT/lib/rustlib/src/rust/library
};

// Mainline Go (GOOS=wasip1) and the Go support package of wit-bindgen's Go generator, which
// install-guest-tools.sh copies out of the wit-bindgen-go crate (docs/authoring.md, "Go").
struct GoTools {
  std::filesystem::path go;
  std::filesystem::path wit_pkg;  // the module go.bytecodealliance.org/pkg
};

class Toolchain {
 public:
  // `cache_root`: $ASTERAI_CACHE_DIR or ~/.cache/asterai; tools live under cache_root/tools.
  explicit Toolchain(std::filesystem::path cache_root) : tools_(std::move(cache_root) / "tools") {}

  Result<std::filesystem::path> clang() const;    // clang-19 (C)
  Result<std::filesystem::path> clangxx() const;  // clang++-19 (C++)
  Result<std::filesystem::path> sysroot() const;  // wasi-libc (Debian: /usr)
  Result<std::filesystem::path> wit_bindgen() const;
  Result<std::filesystem::path> wasm_tools() const;
  Result<std::filesystem::path> wasi_adapter() const;  // the WASI p1 -> p2 reactor adapter
  Result<std::filesystem::path> node() const;
  Result<std::filesystem::path> node_modules() const;  // holding componentize-js, typescript
  Result<std::filesystem::path> componentize_py() const;
  Result<RustTools> rust() const;
  Result<GoTools> go() const;
  // `wasmtime` built with its `wizer` command, of the Wasmtime version asterai embeds.
  Result<std::filesystem::path> wizer() const;

 private:
  std::filesystem::path tools_;
};

}  // namespace asterai::project
