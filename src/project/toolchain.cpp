#include "toolchain.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "asterai/common/process.h"

namespace asterai::project {
namespace {

namespace fs = std::filesystem;

// Every package the Rust pipeline needs (docs/authoring.md, "Rust").
const char* kRustPackages = "rustc-web cargo-web rust-web-src rust-web-llvm lld-22 wasi-libc";

const char* kInstallHint =
    "run scripts/install-guest-tools.sh from the asterai repository (docs/authoring.md)";

fs::path from_env(const char* variable) {
  const char* value = std::getenv(variable);
  return value && *value ? fs::path(value) : fs::path();
}

// The newest `tools/<prefix>*/<relative>` in the cache (versions sort as text: pinned
// versions of one tool share a digit count in practice).
fs::path newest_in_cache(const fs::path& tools, const std::string& prefix, const fs::path& rel) {
  std::error_code ec;
  fs::path best;
  for (const auto& entry : fs::directory_iterator(tools, ec)) {
    std::string name = entry.path().filename().string();
    if (name.rfind(prefix, 0) != 0) continue;
    fs::path candidate = entry.path() / rel;
    if (fs::exists(candidate, ec) && (best.empty() || candidate > best)) best = candidate;
  }
  return best;
}

Result<fs::path> found_or_missing(const fs::path& path, const std::string& what,
                                  const char* variable, const std::string& how) {
  std::error_code ec;
  if (!path.empty() && fs::exists(path, ec)) return path;
  return make_error(ErrorKind::toolchain_missing,
                    what + " is not installed: " + how + " (or set " + variable + ")");
}

Result<fs::path> tool(const fs::path& tools, const char* variable, const std::string& program,
                      const std::string& cache_prefix, const fs::path& cache_rel,
                      const std::string& how) {
  if (fs::path p = from_env(variable); !p.empty())
    return found_or_missing(p, program + " (" + p.string() + ")", variable, how);
  if (!cache_prefix.empty())
    if (fs::path p = newest_in_cache(tools, cache_prefix, cache_rel); !p.empty()) return p;
  return found_or_missing(find_on_path(program), program, variable, how);
}

}  // namespace

Result<fs::path> Toolchain::clang() const {
  return tool(tools_, "ASTERAI_CLANG", "clang-19", "", "", "apt-get install clang-19 lld-19");
}

Result<fs::path> Toolchain::clangxx() const {
  return tool(tools_, "ASTERAI_CLANGXX", "clang++-19", "", "",
              "apt-get install clang-19 lld-19 libc++-19-dev-wasm32 libc++abi-19-dev-wasm32");
}

Result<fs::path> Toolchain::sysroot() const {
  fs::path root = from_env("ASTERAI_WASI_SYSROOT");
  if (root.empty()) root = "/usr";  // Debian's wasi-libc: /usr/include/wasm32-wasi
  std::error_code ec;
  if (fs::exists(root / "include/wasm32-wasi/stdio.h", ec) ||
      fs::exists(root / "include/stdio.h", ec))
    return root;
  return make_error(ErrorKind::toolchain_missing,
                    "wasi-libc is not installed: apt-get install wasi-libc "
                    "libclang-rt-19-dev-wasm32 (or set ASTERAI_WASI_SYSROOT)");
}

Result<fs::path> Toolchain::wit_bindgen() const {
  return tool(tools_, "ASTERAI_WIT_BINDGEN", "wit-bindgen", "wit-bindgen-cli-", "bin/wit-bindgen",
              std::string(kInstallHint) + ", or cargo install wit-bindgen-cli");
}

Result<fs::path> Toolchain::wasm_tools() const {
  return tool(tools_, "ASTERAI_WASM_TOOLS", "wasm-tools", "wasm-tools-", "bin/wasm-tools",
              std::string(kInstallHint) + ", or cargo install wasm-tools");
}

Result<fs::path> Toolchain::node() const {
  return tool(tools_, "ASTERAI_NODE", "node", "", "", "install Node.js 18 or newer");
}

Result<fs::path> Toolchain::node_modules() const {
  fs::path p = from_env("ASTERAI_JS_TOOLS");
  if (p.empty()) p = tools_ / "guest-npm" / "node_modules";  // install-guest-tools.sh
  std::error_code ec;
  if (!p.empty() && fs::exists(p / "@bytecodealliance/componentize-js", ec)) return p;
  return make_error(ErrorKind::toolchain_missing,
                    "componentize-js is not installed: " + std::string(kInstallHint) +
                        " (or set ASTERAI_JS_TOOLS to a node_modules folder holding "
                        "@bytecodealliance/componentize-js and typescript)");
}

Result<fs::path> Toolchain::wasi_adapter() const {
  if (fs::path p = from_env("ASTERAI_WASI_ADAPTER"); !p.empty())
    return found_or_missing(p, "the WASI adapter " + p.string(), "ASTERAI_WASI_ADAPTER",
                            kInstallHint);
  auto modules = node_modules();
  fs::path p = modules ? *modules / "@bytecodealliance/jco/lib/wasi_snapshot_preview1.reactor.wasm"
                       : fs::path();
  return found_or_missing(p, "the WASI preview 1 reactor adapter", "ASTERAI_WASI_ADAPTER",
                          kInstallHint);
}

Result<fs::path> Toolchain::componentize_py() const {
  return tool(tools_, "ASTERAI_COMPONENTIZE_PY", "componentize-py", "componentize-py-",
              "bin/componentize-py",
              std::string(kInstallHint) + ", or pip install componentize-py");
}

Result<RustTools> Toolchain::rust() const {
  const std::string how = "apt-get install " + std::string(kRustPackages);
  RustTools r;
  // Debian's rustc by its own path: a rustup toolchain earlier on PATH has no std source.
  fs::path rustc = from_env("ASTERAI_RUSTC");
  r.rustc = ASTERAI_TRY(found_or_missing(rustc.empty() ? fs::path("/usr/bin/rustc") : rustc,
                                         "rustc (Debian rustc-web)", "ASTERAI_RUSTC", how));
  fs::path cargo = from_env("ASTERAI_CARGO");
  r.cargo = ASTERAI_TRY(found_or_missing(cargo.empty() ? r.rustc.parent_path() / "cargo" : cargo,
                                         "cargo (Debian cargo-web)", "ASTERAI_CARGO", how));
  fs::path sysroot = r.rustc.parent_path().parent_path();
  r.std_source = sysroot / "lib/rustlib/src/rust/library";
  std::error_code ec;
  if (!fs::exists(r.std_source / "Cargo.lock", ec))
    return make_error(ErrorKind::toolchain_missing,
                      "the Rust standard library's source is not installed next to " +
                          r.rustc.string() + ": " + how);
  // wasm32-wasip2 links to a component with the wasm-component-ld of rust-web-llvm.
  if (newest_in_cache(sysroot / "lib/rustlib", "", "bin/wasm-component-ld").empty())
    return make_error(ErrorKind::toolchain_missing, "wasm-component-ld is not installed next to " +
                                                        r.rustc.string() + ": " + how);
  return r;
}

Result<fs::path> Toolchain::wizer() const {
  return tool(tools_, "ASTERAI_WIZER", "wasmtime", "wasmtime-wizer-", "bin/wasmtime",
              std::string(kInstallHint) + " (it builds wasmtime-cli with the wizer feature)");
}

Result<GoTools> Toolchain::go() const {
  GoTools g;
  g.go = ASTERAI_TRY(tool(tools_, "ASTERAI_GO", "go", "", "", "install Go 1.24 or newer"));
  fs::path pkg = from_env("ASTERAI_GO_WIT_PKG");
  if (pkg.empty()) pkg = newest_in_cache(tools_, "go-wit-pkg-", "");
  g.wit_pkg = ASTERAI_TRY(found_or_missing(pkg.empty() ? pkg : pkg / "go.mod",
                                           "the Go module go.bytecodealliance.org/pkg",
                                           "ASTERAI_GO_WIT_PKG", kInstallHint))
                  .parent_path();
  return g;
}

}  // namespace asterai::project
