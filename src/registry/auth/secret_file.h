// Server-side secrets (token signing key, key-hash pepper) live in files readable only by
// the server's user; they are created on first start.
#pragma once

#include <string>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::registry {

Result<std::vector<unsigned char>> load_or_create_secret(const std::string& path, size_t size);

}  // namespace asterai::registry
