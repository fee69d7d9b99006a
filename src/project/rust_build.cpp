// The Rust pipeline: Debian's cargo and rustc build the crate for wasm32-wasip2, compiling std
// from its source (-Zbuild-std, allowed on a stable compiler by RUSTC_BOOTSTRAP=1) and linking
// against Debian's wasi-libc; the target's linker (wasm-component-ld) writes the component.
#include <system_error>

#include "pipelines.h"

namespace asterai::project {
namespace {

namespace fs = std::filesystem;

Result<void> copy_into(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::create_directories(to.parent_path(), ec);
  fs::copy(from, to, fs::copy_options::recursive, ec);
  if (ec) return make_error(ErrorKind::io, "copying " + from.string() + ": " + ec.message());
  return {};
}

}  // namespace

std::vector<fs::path> manifest_files(const Project& project) {
  std::vector<fs::path> files;
  const char* names[3] = {};
  if (project.language == Language::rust) {
    names[0] = "Cargo.toml", names[1] = "Cargo.lock", names[2] = "build.rs";
  } else if (project.language == Language::go) {
    names[0] = "go.mod", names[1] = "go.sum";
  }
  std::error_code ec;
  for (const char* name : names)
    if (name && fs::exists(project.root / name, ec)) files.push_back(project.root / name);
  return files;
}

Result<void> lock_rust_dependencies(const Project& project, const RustTools& rust,
                                    const RunStep& run) {
  fs::path manifest = project.root / "Cargo.toml", lock = project.root / "Cargo.lock";
  std::error_code ec;
  if (!fs::exists(manifest, ec))
    return make_error(ErrorKind::not_found, "no Cargo.toml in " + project.root.string() +
                                                " (asterai init --lang rust writes one)");
  if (fs::exists(lock, ec) && fs::last_write_time(lock, ec) >= fs::last_write_time(manifest, ec))
    return {};
  return run(
      "cargo fetch",
      {rust.cargo.string(), "fetch", "--color", "never", "--manifest-path", manifest.string()},
      project.root);
}

Result<fs::path> build_rust(const PipelineInput& in, const RustTools& rust,
                            const fs::path& wasi_sysroot) {
  // The crate is built from a copy holding the WIT folder as wit/ (where
  // wit_bindgen::generate! looks by default), so WASI packages added by the build are seen.
  fs::path crate = in.work / "crate";
  for (const auto& file : manifest_files(in.project))
    ASTERAI_TRY(copy_into(file, crate / file.filename()));
  std::error_code ec;
  if (!fs::exists(crate / "Cargo.toml", ec))
    return make_error(ErrorKind::not_found, "no Cargo.toml in " + in.project.root.string() +
                                                " (asterai init --lang rust "
                                                "writes one)");
  ASTERAI_TRY(copy_into(in.project.src_dir, crate / "src"));
  ASTERAI_TRY(copy_into(in.wit_dir, crate / "wit"));

  fs::path artifacts = in.work / "artifacts";
  fs::path target = in.cache_root / "rust-target";
  ASTERAI_TRY(in.run(
      "cargo build --target wasm32-wasip2 (the first Rust build also compiles std: minutes)",
      {"env", "RUSTC=" + rust.rustc.string(), "RUSTC_BOOTSTRAP=1",
       "CARGO_TARGET_DIR=" + target.string(),
       "RUSTFLAGS=-C link-self-contained=no -L native=" +
           (wasi_sysroot / "lib/wasm32-wasi").string(),
       rust.cargo.string(), "build", "--release", "--color", "never", "--target", "wasm32-wasip2",
       "-Zbuild-std=std,panic_abort", "-Zunstable-options", "--artifact-dir", artifacts.string(),
       "--manifest-path", (crate / "Cargo.toml").string()},
      crate));
  // The target folder is shared: the component is taken from this build's own artifact folder.
  for (const auto& entry : fs::directory_iterator(artifacts, ec))
    if (entry.path().extension() == ".wasm") return entry.path();
  return make_error(ErrorKind::build_failed,
                    "cargo built no .wasm: the crate needs `crate-type = [\"cdylib\"]` in [lib]");
}

}  // namespace asterai::project
