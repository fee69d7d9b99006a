#include "fuzz_server.h"

#include <wasmtime.h>

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace asterai::fuzz {
namespace {

constexpr std::string_view kComponent = R"((component
  (core module $m
    (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
    (func (export "not") (param i32) (result i32) local.get 0 i32.eqz)
    (func (export "ok") (result i32) i32.const 7))
  (core instance $i (instantiate $m))
  (func (export "add") (param "a" s32) (param "b" s32) (result s32) (canon lift (core func $i "add")))
  (func (export "not") (param "b" bool) (result bool) (canon lift (core func $i "not")))
  (func (export "ok") (result s32) (canon lift (core func $i "ok")))
))";

[[noreturn]] void setup_failed(const std::string& why) {
  std::fprintf(stderr, "fuzz set-up failed: %s\n", why.c_str());
  std::abort();
}

std::vector<uint8_t> component_bytes() {
  wasm_byte_vec_t out;
  if (wasmtime_error_t* err = wasmtime_wat2wasm(kComponent.data(), kComponent.size(), &out)) {
    wasmtime_error_delete(err);
    setup_failed("the served component's WAT does not compile");
  }
  std::vector<uint8_t> bytes(out.data, out.data + out.size);
  wasm_byte_vec_delete(&out);
  return bytes;
}

std::unique_ptr<mcp::Server> make_server() {
  runtime::EngineOptions engine;
  engine.pooling = false;  // no large reservations next to the sanitizers' shadow memory
  auto runtime = runtime::Runtime::create(engine);
  if (!runtime) setup_failed(runtime.error().message);
  auto component = (*runtime)->load(component_bytes(), "tools.wasm");
  if (!component) setup_failed(component.error().message);
  runtime::Policy policy;
  policy.limits.timeout = std::chrono::seconds(5);
  mcp::ToolSource source = [component = *component,
                            policy]() -> Result<std::vector<mcp::ServedComponent>> {
    return std::vector<mcp::ServedComponent>{{"tools", component, policy, {}, nullptr}};
  };
  mcp::ServerOptions options;
  options.workers = 1;
  options.max_queued = 16;
  options.page_size = 2;  // tools/list pages after two tools: cursors get fuzzed too
  auto server = mcp::Server::create(*runtime, source, options);
  if (!server) setup_failed(server.error().message);
  return std::move(*server);
}

}  // namespace

mcp::Server& served_tools() {
  static std::unique_ptr<mcp::Server> server = make_server();
  return *server;
}

}  // namespace asterai::fuzz
