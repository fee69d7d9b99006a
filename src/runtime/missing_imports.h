// Imports that nothing provides, defined so the component still instantiates: each function
// fails the call with ErrorKind::missing_import naming it, and each resource type is a host
// type no value of which ever exists (its constructor is one of those functions). Private to
// src/runtime.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "reflect.h"

namespace asterai::runtime {

// Defines every item of `missing` in `linker`. The linker owns what the definitions need.
Result<void> define_missing_imports(wasmtime_component_linker_t* linker,
                                    const std::vector<ImportedItem>& missing);

// The error a call ends with when it reaches a missing import, recognised in a Wasmtime
// error's text; null when `message` is not one.
std::optional<Error> missing_import_error(const std::string& message);

}  // namespace asterai::runtime
