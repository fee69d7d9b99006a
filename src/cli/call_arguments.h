// Command-line words -> JSON arguments of a function, shared by `call` and `env call`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/runtime/types.h"

namespace asterai::cli {

// One JSON object whose keys are all parameter names is taken as named arguments; otherwise
// each word is one positional value. A word that is not JSON is taken as a string where the
// parameter is a string, char or enum.
Result<nlohmann::json> parse_call_arguments(const runtime::FunctionInfo& f,
                                            const std::vector<std::string>& words);

}  // namespace asterai::cli
