// Standard base64 (RFC 4648, with padding): registry credentials, signatures, MCP's binary
// content.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asterai {

std::string base64_encode(std::string_view bytes);
// Null when `text` holds a character outside the alphabet; padding and line breaks are skipped.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace asterai
