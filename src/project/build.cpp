// One pipeline per language; every step writes into OUT/.work and the component is moved into
// place last, so an interrupted or failed build never leaves an output that looks current.
#include "asterai/project/build.h"

#include <algorithm>
#include <set>
#include <system_error>
#include <vector>

#include "asterai/common/files.h"
#include "asterai/common/process.h"
#include "asterai/common/sha256.h"
#include "asterai_wit.h"
#include "js_builder.h"
#include "package_docs.h"
#include "pipelines.h"
#include "toolchain.h"
#include "wasi_wit.h"

namespace asterai::project {
namespace {

namespace fs = std::filesystem;

std::string file_text(const fs::path& path) {
  auto bytes = read_file(path);
  return bytes ? std::string(bytes->begin(), bytes->end()) : std::string();
}

// Files under `dir` (sorted), skipping folders that are outputs or caches.
std::vector<fs::path> files_under(const fs::path& dir, const fs::path& skip) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    auto name = it->path().filename().string();
    if (it->is_directory(ec) &&
        (name == "__pycache__" || name == "node_modules" || name == ".git" || it->path() == skip)) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec)) files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> with_extension(const std::vector<fs::path>& files,
                                     std::initializer_list<std::string_view> extensions) {
  std::vector<fs::path> out;
  for (const auto& f : files)
    if (std::find(extensions.begin(), extensions.end(), f.extension().string()) != extensions.end())
      out.push_back(f);
  return out;
}

class Builder {
 public:
  Builder(const Project& p, const BuildOptions& o, fs::path out_dir)
      : p_(p),
        o_(o),
        tools_(o.cache_root),
        tools_dir_(o.cache_root / "tools"),
        out_dir_(std::move(out_dir)),
        work_(out_dir_ / ".work"),
        wit_dir_(p.wit_dir) {}

  // The tools this language needs, resolved up front: a missing one fails before anything runs.
  Result<void> resolve_tools() {
    switch (p_.language) {
      case Language::c:
      case Language::cpp:
        c_compiler_ = ASTERAI_TRY(tools_.clang());
        compiler_ = p_.language == Language::c ? c_compiler_ : ASTERAI_TRY(tools_.clangxx());
        sysroot_ = ASTERAI_TRY(tools_.sysroot());
        wit_bindgen_ = ASTERAI_TRY(tools_.wit_bindgen());
        wasm_tools_ = ASTERAI_TRY(tools_.wasm_tools());
        adapter_ = ASTERAI_TRY(tools_.wasi_adapter());
        used_ = {c_compiler_, compiler_, wit_bindgen_, wasm_tools_, adapter_};
        break;
      case Language::js:
      case Language::ts:
        node_ = ASTERAI_TRY(tools_.node());
        node_modules_ = ASTERAI_TRY(tools_.node_modules());
        used_ = {node_, node_modules_ / "@bytecodealliance/componentize-js/package.json"};
        if (p_.language == Language::ts) {
          std::error_code ec;
          if (!fs::exists(node_modules_ / "typescript/lib/typescript.js", ec))
            return make_error(ErrorKind::toolchain_missing,
                              "typescript is not installed next to componentize-js in " +
                                  node_modules_.string() + ": run scripts/install-guest-tools.sh");
          used_.push_back(node_modules_ / "typescript/package.json");
        }
        break;
      case Language::python:
        componentize_py_ = ASTERAI_TRY(tools_.componentize_py());
        used_ = {componentize_py_};
        break;
      case Language::rust:
        rust_ = ASTERAI_TRY(tools_.rust());
        sysroot_ = ASTERAI_TRY(tools_.sysroot());
        used_ = {rust_.rustc, rust_.cargo, rust_.std_source / "Cargo.lock"};
        ASTERAI_TRY(lock_rust_dependencies(p_, rust_, step_runner()));
        break;
      case Language::go:
        go_.go = ASTERAI_TRY(tools_.go());
        go_.wit_bindgen = ASTERAI_TRY(tools_.wit_bindgen());
        go_.wasm_tools = wasm_tools_ = ASTERAI_TRY(tools_.wasm_tools());
        go_.adapter = ASTERAI_TRY(tools_.wasi_adapter());
        used_ = {go_.go.go, go_.go.wit_pkg / "go.mod", go_.wit_bindgen, wasm_tools_, go_.adapter};
        if (p_.preinit) {
          go_.wizer = ASTERAI_TRY(tools_.wizer());
          used_.push_back(go_.wizer);
        }
        break;
    }
    // A world importing wasi: interfaces its wit/deps lacks gets the runtime's own packages.
    if (!missing_wasi_packages(p_.wit_dir).empty()) {
      wasi_wit_ = ASTERAI_TRY(wasi_wit_packages(tools_dir_, o_.wasmtime_version));
      used_.push_back(wasi_wit_);
    }
    // And one importing asterai:host or asterai:mcp gets this runtime's own (asterai_wit.h).
    asterai_wit_ = missing_asterai_packages(p_.wit_dir);
    // The WIT docs are copied in with wasm-tools (package_docs.h): required for C and C++,
    // used when installed for the other languages (without it their tools have no docs).
    if (wasm_tools_.empty()) {
      if (auto found = tools_.wasm_tools()) {
        wasm_tools_ = *found;
        used_.push_back(wasm_tools_);
      }
    }
    return {};
  }

  // A digest of everything the output depends on: inputs, the project file, the tools.
  std::string fingerprint() const {
    std::string all = "asterai-build-2\n" + std::string(language_name(p_.language)) + "\n";
    all += file_text(p_.root / kProjectFile);
    for (const auto& f : manifest_files(p_)) all += "\n" + f.string() + "\n" + file_text(f);
    for (const auto& dir : {p_.wit_dir, p_.src_dir})
      for (const auto& f : files_under(dir, out_dir_))
        all += "\n" + f.string() + "\n" + file_text(f);
    for (const auto& pkg : asterai_wit_packages())
      if (asterai_wit_.contains(std::string(pkg.name))) all += "\n" + std::string(pkg.text);
    for (const auto& t : used_) {
      std::error_code ec;
      auto size = fs::file_size(t, ec);
      auto time = fs::last_write_time(t, ec).time_since_epoch().count();
      all += "\n" + t.string() + " " + std::to_string(size) + " " + std::to_string(time);
    }
    return sha256_hex({reinterpret_cast<const uint8_t*>(all.data()), all.size()});
  }

  Result<fs::path> build() {
    std::error_code ec;
    fs::remove_all(work_, ec);
    if (!fs::create_directories(work_, ec) && ec)
      return make_error(ErrorKind::io, "cannot create " + work_.string() + ": " + ec.message());
    if (!wasi_wit_.empty() || !asterai_wit_.empty()) {
      wit_dir_ = work_ / "wit";
      ASTERAI_TRY(compose_wit(p_.wit_dir, wasi_wit_, wit_dir_));
      ASTERAI_TRY(add_asterai_packages(asterai_wit_, wit_dir_));
    }
    fs::path component = ASTERAI_TRY(build_language());
    if (!wasm_tools_.empty()) {
      fs::path docs = work_ / "wit-docs.wasm";
      ASTERAI_TRY(
          run("wasm-tools component wit", {wasm_tools_.string(), "component", "wit", "--wasm", "-o",
                                           docs.string(), wit_dir_.string()}));
      ASTERAI_TRY(add_wit_docs(component, docs));
    }
    return component;
  }

 private:
  Result<fs::path> build_language() {
    switch (p_.language) {
      case Language::c:
      case Language::cpp:
        return build_c_family();
      case Language::js:
      case Language::ts:
        return build_js();
      case Language::python:
        return build_python();
      case Language::rust:
        return build_rust(pipeline_input(), rust_, sysroot_);
      case Language::go:
        return build_go(pipeline_input(), go_);
    }
    return make_error(ErrorKind::internal, "no pipeline for this language");
  }

  PipelineInput pipeline_input() { return {p_, wit_dir_, work_, o_.cache_root, step_runner()}; }

  RunStep step_runner() {
    return [this](const std::string& step, const std::vector<std::string>& argv,
                  const fs::path& cwd) { return run(step, argv, cwd); };
  }

  Result<void> run(const std::string& step, const std::vector<std::string>& argv,
                   const fs::path& cwd = {}) {
    if (o_.on_step) o_.on_step(step);
    auto out = ASTERAI_TRY(run_process(argv, cwd));
    if (out.exit_code == 0) return {};
    if (o_.on_failure_output) o_.on_failure_output(out.output);
    return make_error(ErrorKind::build_failed, step + " failed (exit code " +
                                                   std::to_string(out.exit_code) +
                                                   "); its output is shown above");
  }

  Result<fs::path> build_c_family() {
    fs::path gen = work_ / "bindings";
    ASTERAI_TRY(run("wit-bindgen", {wit_bindgen_.string(), "c", "--world", p_.world, "--out-dir",
                                    gen.string(), wit_dir_.string()}));
    auto sources = files_under(p_.src_dir, out_dir_);
    auto generated = files_under(gen, {});
    auto c_files = with_extension(sources, {".c"});
    auto cpp_files = with_extension(sources, {".cpp", ".cc", ".cxx"});
    auto gen_c = with_extension(generated, {".c"});
    auto gen_o = with_extension(generated, {".o"});
    if (c_files.empty() && cpp_files.empty())
      return make_error(ErrorKind::not_found, "no C or C++ sources in " + p_.src_dir.string());
    bool cpp = p_.language == Language::cpp;
    std::vector<std::string> common{
        "--target=wasm32-wasi", "--sysroot=" + sysroot_.string(), "-O2", "-Wall", "-Wextra",
        "-I" + gen.string(),    "-I" + p_.src_dir.string()};
    std::vector<std::string> objects;
    if (cpp) {
      // The C files (bindings and any of the user's) are compiled as C first: clang++ would
      // take them for C++.
      for (const auto& f : gen_c) c_files.push_back(f);
      for (size_t i = 0; i < c_files.size(); ++i) {
        fs::path object = work_ / ("c" + std::to_string(i) + ".o");
        std::vector<std::string> argv{c_compiler_.string()};
        argv.insert(argv.end(), common.begin(), common.end());
        argv.insert(argv.end(), {"-c", c_files[i].string(), "-o", object.string()});
        ASTERAI_TRY(run("clang " + c_files[i].filename().string(), argv));
        objects.push_back(object.string());
      }
    }
    fs::path core = work_ / "core.wasm";
    std::vector<std::string> argv{compiler_.string()};
    argv.insert(argv.end(), common.begin(), common.end());
    argv.insert(argv.end(), {"-mexec-model=reactor", "-Wl,--strip-debug", "-o", core.string()});
    if (cpp) {
      argv.insert(argv.end(), {"-std=c++20", "-fno-exceptions"});
      for (const auto& f : cpp_files) argv.push_back(f.string());
      argv.insert(argv.end(), objects.begin(), objects.end());
    } else {
      for (const auto& f : c_files) argv.push_back(f.string());
      for (const auto& f : gen_c) argv.push_back(f.string());
    }
    for (const auto& f : gen_o) argv.push_back(f.string());
    ASTERAI_TRY(run(cpp ? "clang++" : "clang", argv));
    fs::path component = work_ / "component.wasm";
    ASTERAI_TRY(run("wasm-tools component new",
                    {wasm_tools_.string(), "component", "new", core.string(), "--adapt",
                     "wasi_snapshot_preview1=" + adapter_.string(), "-o", component.string()}));
    return component;
  }

  Result<fs::path> build_js() {
    bool ts = p_.language == Language::ts;
    fs::path entry = p_.src_dir / (ts ? "index.ts" : "index.js");
    std::error_code ec;
    if (!fs::exists(entry, ec))
      return make_error(ErrorKind::not_found, "no " + entry.filename().string() + " in " +
                                                  p_.src_dir.string() +
                                                  " (the module componentize-js starts from)");
    fs::path script = work_ / "componentize.mjs";
    ASTERAI_TRY(write_file_atomic(
        script, {reinterpret_cast<const uint8_t*>(kJsBuilder.data()), kJsBuilder.size()}));
    fs::path component = work_ / "component.wasm";
    fs::path typescript = ts ? node_modules_ / "typescript/lib/typescript.js" : fs::path();
    ASTERAI_TRY(run(
        ts ? "typescript + componentize-js" : "componentize-js",
        {node_.string(), script.string(),
         (node_modules_ / "@bytecodealliance/componentize-js/src/componentize.js").string(),
         typescript.string(), entry.string(), wit_dir_.string(), p_.world, component.string()}));
    return component;
  }

  Result<fs::path> build_python() {
    // From a copy: componentize-py's CPython writes __pycache__ next to the sources it reads.
    fs::path copy = work_ / "python";
    std::error_code ec;
    fs::copy(p_.src_dir, copy, fs::copy_options::recursive, ec);
    if (ec)
      return make_error(ErrorKind::io, "copying " + p_.src_dir.string() + ": " + ec.message());
    fs::path component = work_ / "component.wasm";
    ASTERAI_TRY(run("componentize-py",
                    {componentize_py_.string(), "-d", wit_dir_.string(), "-w", p_.world,
                     "componentize", "-p", copy.string(), "-o", component.string(), "app"}));
    return component;
  }

  const Project& p_;
  const BuildOptions& o_;
  Toolchain tools_;
  fs::path tools_dir_, out_dir_, work_;
  fs::path wit_dir_;   // the project's WIT folder, or work_/wit when WASI packages are added
  fs::path wasi_wit_;  // the WASI WIT packages added, if any
  std::set<std::string> asterai_wit_;  // the asterai packages added ("host", "mcp"), if any
  fs::path c_compiler_, compiler_, sysroot_, wit_bindgen_, wasm_tools_, adapter_, node_,
      node_modules_, componentize_py_;
  RustTools rust_;
  GoPipelineTools go_;
  std::vector<fs::path> used_;
};

}  // namespace

Result<BuildResult> build_project(const Project& project, const BuildOptions& options) {
  std::error_code ec;
  if (!fs::is_directory(project.wit_dir, ec))
    return make_error(ErrorKind::not_found,
                      "no WIT folder " + project.wit_dir.string() + " (set `wit` in asterai.toml)");
  if (!fs::is_directory(project.src_dir, ec))
    return make_error(ErrorKind::not_found, "no source folder " + project.src_dir.string() +
                                                " (set `src` in asterai.toml)");
  fs::path out_dir = options.out_dir.empty() ? project.root / "build" : options.out_dir;
  out_dir = fs::absolute(out_dir).lexically_normal();
  Builder builder(project, options, out_dir);
  ASTERAI_TRY(builder.resolve_tools());

  BuildResult result;
  result.output = out_dir / (project.name + ".wasm");
  fs::path stamp = out_dir / ("." + project.name + ".stamp");
  std::string fingerprint = builder.fingerprint();
  if (!options.force && fs::exists(result.output, ec) && file_text(stamp) == fingerprint) {
    result.up_to_date = true;
    result.size_bytes = fs::file_size(result.output, ec);
    return result;
  }
  fs::path built = ASTERAI_TRY(builder.build());
  // The output goes first: an old stamp next to a new output only means one needless rebuild.
  fs::remove(stamp, ec);
  fs::rename(built, result.output, ec);
  if (ec)
    return make_error(ErrorKind::io,
                      "cannot write " + result.output.string() + ": " + ec.message());
  ASTERAI_TRY(write_file_atomic(
      stamp, {reinterpret_cast<const uint8_t*>(fingerprint.data()), fingerprint.size()}));
  fs::remove_all(out_dir / ".work", ec);
  result.size_bytes = fs::file_size(result.output, ec);
  return result;
}

}  // namespace asterai::project
