#include "wasmtime_handles.h"

namespace asterai::runtime::wt {

std::string take_message(wasmtime_error_t* error) {
  ErrorPtr owned(error);
  wasm_name_t message;
  wasmtime_error_message(owned.get(), &message);
  std::string out(message.data, message.size);
  wasm_byte_vec_delete(&message);
  return out;
}

}  // namespace asterai::runtime::wt
