// Parsing `WWW-Authenticate` challenges (RFC 7235 auth-params, as registries send them).
#pragma once

#include <map>
#include <string>
#include <string_view>

namespace asterai::oci {

struct Challenge {
  std::string scheme;                         // lower-case: "bearer", "basic"
  std::map<std::string, std::string> params;  // lower-case names: realm, service, scope
};

Challenge parse_challenge(std::string_view header);

}  // namespace asterai::oci
