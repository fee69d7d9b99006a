// JSON <-> component values, guided by asterai's type model. The encoding is documented in
// docs/values.md; every error names the path of the bad value ("args.person.age").
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "asterai/common/error.h"
#include "asterai/runtime/types.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

// Owns a wasmtime_component_val_t tree; moving transfers the tree.
class OwnedVal {
 public:
  OwnedVal() { raw.kind = WASMTIME_COMPONENT_BOOL; }
  ~OwnedVal() { wasmtime_component_val_delete(&raw); }
  OwnedVal(OwnedVal&& other) noexcept : raw(other.raw) { other.raw.kind = WASMTIME_COMPONENT_BOOL; }
  OwnedVal& operator=(OwnedVal&& other) noexcept {
    if (this != &other) {
      wasmtime_component_val_delete(&raw);
      raw = other.raw;
      other.raw.kind = WASMTIME_COMPONENT_BOOL;
    }
    return *this;
  }
  OwnedVal(const OwnedVal&) = delete;
  OwnedVal& operator=(const OwnedVal&) = delete;

  // Hands the tree to a C container slot (which then owns it) and leaves this empty.
  wasmtime_component_val_t release() {
    auto out = raw;
    raw.kind = WASMTIME_COMPONENT_BOOL;
    return out;
  }

  wasmtime_component_val_t raw{};
};

Result<OwnedVal> json_to_val(const ValType& type, const nlohmann::json& value,
                             const std::string& path);

nlohmann::json val_to_json(const ValType& type, const wasmtime_component_val_t& value);

// Validates UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace asterai::runtime
