// Reading a secret's value: from a prompt without echo on a terminal, else all of stdin (one
// trailing newline dropped), never from the command line. Used by `env secret set` and
// `cloud secret set`.
#pragma once

#include <string>

#include "asterai/common/error.h"

namespace asterai::cli {

// A usage error when no value came.
Result<std::string> read_secret_value(const std::string& name);

}  // namespace asterai::cli
