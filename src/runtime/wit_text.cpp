#include "asterai/runtime/wit_text.h"

#include "wasmtime_ext.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

Result<std::string> component_wit(std::span<const uint8_t> bytes) {
  wasm_byte_vec_t out{};
  if (auto* err = asterai_component_wit(bytes.data(), bytes.size(), &out)) {
    std::string message = wt::take_message(err);
    return make_error(ErrorKind::invalid_component,
                      "cannot read the component's WIT: " + message.substr(0, message.find('\n')));
  }
  std::string text(out.data, out.size);
  wasm_byte_vec_delete(&out);
  return text;
}

}  // namespace asterai::runtime
