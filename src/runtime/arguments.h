// Binds JSON arguments (named object or positional array) to a function's parameters.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "asterai/runtime/types.h"
#include "values.h"

namespace asterai::runtime {

Result<std::vector<OwnedVal>> bind_arguments(const FunctionInfo& function,
                                             const nlohmann::json& args);

}  // namespace asterai::runtime
