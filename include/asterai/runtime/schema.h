// JSON Schema (draft 2020-12) for component values, exact to the value encoding of
// docs/values.md: integers carry their range, enums and flags list their names, records
// require every field and allow no others.
#pragma once

#include <nlohmann/json.hpp>

#include "asterai/runtime/types.h"

namespace asterai::runtime {

nlohmann::json value_schema(const ValType& type);

// An object schema with one property per parameter, all required.
nlohmann::json input_schema(const FunctionInfo& function);

// The schema of the result value; {"type": "null"} for a function without a result.
nlohmann::json output_schema(const FunctionInfo& function);

}  // namespace asterai::runtime
