// base64url without padding (RFC 4648 §5), the encoding of every JWT part and JWK member.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace asterai::registry {

std::string base64url(std::string_view bytes);
// nullopt for anything but canonical unpadded base64url (libsodium rejects stray bits).
std::optional<std::string> unbase64url(std::string_view text);

}  // namespace asterai::registry
