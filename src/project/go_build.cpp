// The Go pipeline, for mainline Go's wasip1 port: wit-bindgen's Go generator writes the module
// `wit_component` (the canonical-ABI glue as package main, one package per imported interface);
// the project's src/ adds the packages that implement the exports (export_*); `go build
// -buildmode=c-shared` makes a reactor module, and wasm-tools turns it into a component.
#include <set>
#include <system_error>

#include "asterai/common/files.h"
#include "pipelines.h"

namespace asterai::project {
namespace {

namespace fs = std::filesystem;

// Added to package main for `preinit = true`. wizer calls the export once, after the reactor's
// `_initialize` started the Go runtime, snapshots the module, and renames it to `_initialize`,
// so each instance runs only this instead of the runtime's start. What the snapshot fixed at
// build time and a call must see afresh is read again here: the environment (the runtime's
// copy and syscall's, which is taken once). The first WASI call of an instance makes the
// adapter allocate its state through cabi_realloc, which with garbage-collected allocations
// would call back into the adapter first: the support package's sbrk path is used meanwhile.
// The linknames reach Go internals (hence -checklinkname=0, which the bindings need anyway).
constexpr std::string_view kGoPreinit = R"(package main

import (
	"sync"
	_ "unsafe"
)

//go:linkname runtimeGoenvs runtime.goenvs
func runtimeGoenvs()

//go:linkname runtimeEnvs syscall.runtime_envs
func runtimeEnvs() []string

//go:linkname syscallEnvs syscall.envs
var syscallEnvs []string

//go:linkname syscallEnv syscall.env
var syscallEnv map[string]int

//go:linkname syscallCopyenv syscall.copyenv
var syscallCopyenv func()

//go:linkname useGCAllocations go.bytecodealliance.org/pkg/wit/runtime.useGCAllocations
var useGCAllocations bool

//go:wasmexport asterai-preinit-resume
func asteraiPreinitResume() {
	useGCAllocations = false
	runtimeGoenvs()
	useGCAllocations = true
	syscallEnvs = runtimeEnvs()
	syscallCopyenv = sync.OnceFunc(func() { // as syscall.copyenv: the first of each key counts
		syscallEnv = make(map[string]int)
		for i, s := range syscallEnvs {
			for j := 0; j < len(s); j++ {
				if s[j] == '=' {
					if _, seen := syscallEnv[s[:j]]; seen {
						syscallEnvs[i] = ""
					} else {
						syscallEnv[s[:j]] = i
					}
					break
				}
			}
		}
	})
}
)";

// The one adapter-only import of the bindings' support package, which `wasmtime wizer` (plain
// WASI preview 1) lacks; a no-op while the snapshot is taken.
constexpr std::string_view kAdapterStub =
    R"((module (func (export "adapter_monotonic_clock_set_paused") (param i32))))";

std::set<std::string> folders_in(const fs::path& dir) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec))
    if (entry.is_directory(ec)) names.insert(entry.path().filename().string());
  return names;
}

Result<void> write_text(const fs::path& path, std::string_view text) {
  return write_file_atomic(path, {reinterpret_cast<const uint8_t*>(text.data()), text.size()});
}

// WORK/core.wasm (the reactor module) -> WORK/preinit.wasm, started and snapshotted. Run in the
// scratch folder with relative names: the snapshot gets no environment and no preopens, and
// its argv[0] is "core.wasm", so nothing of the build machine is kept.
Result<fs::path> preinitialize(const PipelineInput& in, const GoPipelineTools& tools) {
  ASTERAI_TRY(write_text(in.work / "adapter-stub.wat", kAdapterStub));
  ASTERAI_TRY(
      in.run("wasm-tools parse (adapter stub)",
             {tools.wasm_tools.string(), "parse", "adapter-stub.wat", "-o", "adapter-stub.wasm"},
             in.work));
  ASTERAI_TRY(
      in.run("wasmtime wizer (pre-initialize the Go runtime)",
             {tools.wizer.string(), "wizer", "--init-func", "asterai-preinit-resume",
              "--keep-init-func=true", "--rename-func", "_initialize=asterai-preinit-resume", "-S",
              "cli=y", "--preload", "wasi_snapshot_preview1=adapter-stub.wasm", "core.wasm", "-o",
              "preinit.wasm"},
             in.work));
  return in.work / "preinit.wasm";
}

}  // namespace

Result<fs::path> build_go(const PipelineInput& in, const GoPipelineTools& tools) {
  const Project& p = in.project;
  fs::path module = in.work / "go", stubs = in.work / "stubs";
  auto generate = [&](const fs::path& out, bool with_stubs) {
    std::vector<std::string> argv{
        tools.wit_bindgen.string(), "go", "--world", p.world, "--out-dir", out.string(),
        in.wit_dir.string()};
    if (with_stubs) argv.push_back("--generate-stubs");
    return in.run(with_stubs ? "wit-bindgen go --generate-stubs" : "wit-bindgen go", argv, {});
  };
  ASTERAI_TRY(generate(module, false));
  // The packages the stubs add are the ones the project implements: each must be in src/.
  ASTERAI_TRY(generate(stubs, true));
  auto generated = folders_in(module), sources = folders_in(p.src_dir);
  for (const auto& name : folders_in(stubs))
    if (!generated.contains(name) && !sources.contains(name))
      return make_error(ErrorKind::not_found,
                        "no " + (p.src_dir / name).string() +
                            "/: the package implementing the world's exports (start from the "
                            "stub " +
                            (stubs / name / "wit_bindings.go").string() + ")");

  std::error_code ec;
  fs::copy(p.src_dir, module, fs::copy_options::recursive | fs::copy_options::overwrite_existing,
           ec);
  for (const auto& file : manifest_files(p))  // the project's own go.mod (requires) wins
    if (!ec)
      fs::copy_file(file, module / file.filename(), fs::copy_options::overwrite_existing, ec);
  if (ec) return make_error(ErrorKind::io, "copying " + p.src_dir.string() + ": " + ec.message());
  if (p.preinit) ASTERAI_TRY(write_text(module / "asterai_preinit.go", kGoPreinit));
  ASTERAI_TRY(in.run("go mod edit",
                     {tools.go.go.string(), "mod", "edit",
                      "-replace=go.bytecodealliance.org/pkg=" + tools.go.wit_pkg.string()},
                     module));

  fs::path core = in.work / "core.wasm", embedded = in.work / "embedded.wasm",
           component = in.work / "component.wasm";
  // GOTOOLCHAIN=local: never download another Go; -mod=mod: go.mod may be brought up to the
  // installed Go's version; -checklinkname=0: the runtime support package links to Go runtime
  // internals.
  ASTERAI_TRY(in.run("go build (GOOS=wasip1, c-shared)",
                     {"env", "GOOS=wasip1", "GOARCH=wasm", "GOTOOLCHAIN=local", "GOWORK=off",
                      "GOFLAGS=-mod=mod", tools.go.go.string(), "build", "-buildmode=c-shared",
                      "-trimpath", "-ldflags=-checklinkname=0", "-o", core.string(), "."},
                     module));
  if (p.preinit) core = ASTERAI_TRY(preinitialize(in, tools));
  // The generator does not embed the world in the module: wasm-tools does.
  ASTERAI_TRY(in.run("wasm-tools component embed",
                     {tools.wasm_tools.string(), "component", "embed", "--world", p.world,
                      in.wit_dir.string(), core.string(), "-o", embedded.string()},
                     {}));
  ASTERAI_TRY(in.run("wasm-tools component new",
                     {tools.wasm_tools.string(), "component", "new", embedded.string(), "--adapt",
                      "wasi_snapshot_preview1=" + tools.adapter.string(), "-o", component.string()},
                     {}));
  return component;
}

}  // namespace asterai::project
