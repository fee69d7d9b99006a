// Component binaries from outside (a pushed or pulled .wasm): sniffing, Wasmtime's validation
// and compilation, asterai's reflection of the types (functions, imports, exports, schemas),
// the WIT read back from the binary, and the package-docs / asterai-wit-docs custom sections.
// Text that is not a binary goes to the WIT doc-comment scanner (`serve --wit`). Properties:
// nothing crashes or leaks; every callable exported function has a signature and schemas.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <string_view>

#include "asterai/mcp/wit_docs.h"
#include "asterai/runtime/runtime.h"
#include "asterai/runtime/schema.h"
#include "asterai/runtime/wit_text.h"

namespace {

const asterai::runtime::Runtime& shared_runtime() {
  static auto runtime = [] {
    asterai::runtime::EngineOptions engine;
    engine.pooling = false;
    auto created = asterai::runtime::Runtime::create(engine);
    if (!created) std::abort();
    return *created;
  }();
  return *runtime;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  if (size < 4 ||
      std::string_view(reinterpret_cast<const char*>(data), 4) != std::string_view("\0asm", 4)) {
    (void)asterai::mcp::parse_wit_docs(std::string_view(reinterpret_cast<const char*>(data), size));
  }
  (void)asterai::mcp::read_wit_docs(bytes);
  if (auto component = shared_runtime().load(bytes, "fuzz.wasm")) {
    for (const auto& f : (*component)->functions()) {
      (void)f.signature();
      if (f.unsupported.empty()) {
        (void)asterai::runtime::input_schema(f);
        (void)asterai::runtime::output_schema(f);
      }
    }
  }
  // A second decoder of the same bytes (wit-component's): it may refuse valid components it
  // cannot express as WIT (type exports at the root, say), with an error, never a crash.
  (void)asterai::runtime::component_wit(bytes);
  return 0;
}
