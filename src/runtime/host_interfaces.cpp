#include "host_interfaces.h"

#include <algorithm>
#include <array>

#include "interface_name.h"
#include "wasmtime_ext.h"

namespace asterai::runtime {
namespace {

// What wasmtime_component_linker_add_wasip2 (wasmtime-wasi's add_to_linker_sync) and
// asterai_component_linker_add_wasi_http_filtered define. wasi:clocks/timezone is not here:
// it is an unstable feature Wasmtime leaves out by default.
constexpr std::array<std::string_view, 29> kHostInterfaces = {
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stderr",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stderr",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:clocks/monotonic-clock",
    "wasi:clocks/wall-clock",
    "wasi:filesystem/preopens",
    "wasi:filesystem/types",
    "wasi:http/outgoing-handler",
    "wasi:http/types",
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
    "wasi:random/random",
    "wasi:sockets/instance-network",
    "wasi:sockets/ip-name-lookup",
    "wasi:sockets/network",
    "wasi:sockets/tcp",
    "wasi:sockets/tcp-create-socket",
    "wasi:sockets/udp",
    "wasi:sockets/udp-create-socket",
};

}  // namespace

std::optional<std::string> host_interface_for(std::string_view import_name) {
  auto name = parse_interface_name(import_name);
  // Wasmtime matches `a:b/c@0.2.N` with the `@0.2` it defines, whatever N; an unversioned or
  // pre-release name matches only itself, and the host defines none of those.
  if (!name || !name->version || !name->version->pre.empty()) return std::nullopt;
  if (name->version->major != 0 || name->version->minor != 2) return std::nullopt;
  std::string unversioned = name->unversioned();
  if (std::find(kHostInterfaces.begin(), kHostInterfaces.end(), unversioned) ==
      kHostInterfaces.end())
    return std::nullopt;
  return unversioned + "@" + std::string(kHostWasiVersion);
}

Result<wt::LinkerPtr> new_host_linker(const wasm_engine_t* engine) {
  wt::LinkerPtr linker(wasmtime_component_linker_new(engine));
  if (auto* err = wasmtime_component_linker_add_wasip2(linker.get())) {
    return make_error(ErrorKind::internal, "linking WASI p2: " + wt::take_message(err));
  }
  // Epoch interruption stops wasm code only; these make waits in the host end at the deadline.
  if (auto* err = asterai_component_linker_bound_wasi_io(linker.get())) {
    return make_error(ErrorKind::internal, "linking wasi:io: " + wt::take_message(err));
  }
  // wasi:http through asterai's filter: requests go out only to hosts a call was granted.
  if (auto* err = asterai_component_linker_add_wasi_http_filtered(linker.get())) {
    return make_error(ErrorKind::internal, "linking wasi:http: " + wt::take_message(err));
  }
  return linker;
}

}  // namespace asterai::runtime
