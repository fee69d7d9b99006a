// Capability grants: a component gets nothing it was not given. Grants name environment
// variables, directories (host -> guest, read-only by default) and outgoing HTTP hosts.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::runtime {

struct DirGrant {
  std::filesystem::path host;  // an existing directory on the host
  std::string guest;           // where the component sees it (absolute)
  bool writable = false;
};

struct Grants {
  std::vector<std::pair<std::string, std::string>> env;  // name, value
  std::vector<DirGrant> dirs;
  // Outgoing HTTP destinations (see host_allowed); empty = no network at all.
  std::vector<std::string> allow_hosts;
  // Outgoing HTTP reaches public unicast addresses only, whatever a name resolves to: no
  // loopback, private, link-local (cloud metadata) or reserved address (a cloud node's
  // tenants). Checked on the address connected to, so DNS cannot point around it.
  bool public_addresses_only = false;
};

// True when `address` (IPv4 or IPv6 text) is one `public_addresses_only` lets through: a
// public unicast address, or one in a network allow_private_network added.
bool is_public_address(const std::string& address);

// Lets `public_addresses_only` through to a non-public network too, for the whole process (a
// node operator's choice: an internal service tenants may use): "10.1.2.3", "10.0.0.0/8",
// "fd00::/8". An error names what is wrong with `network`.
Result<void> allow_private_network(std::string_view network);
// Forgets every network allow_private_network added (for tests).
void clear_private_networks();

// "KEY=VALUE", or "KEY" to pass the host's current value (an error if it is unset).
Result<std::pair<std::string, std::string>> parse_env_grant(std::string_view spec);

// "HOST[:GUEST][:ro|rw]"; GUEST defaults to HOST, the mode to ro. HOST must be a directory.
Result<DirGrant> parse_dir_grant(std::string_view spec);

// Patterns: "api.example.com" (default port of the scheme), "api.example.com:8443",
// "api.example.com:*" (any port), "*.example.com" (any subdomain, not the apex),
// "127.0.0.1:8080", "[::1]:8080". Returns an error naming what is wrong with a pattern.
Result<void> validate_host_pattern(std::string_view pattern);

// True when `authority` ("host" or "host:port") of a request with `scheme` ("http" or
// "https") matches one of the patterns. Host names compare case-insensitively.
bool host_allowed(const std::vector<std::string>& patterns, std::string_view scheme,
                  std::string_view authority);

}  // namespace asterai::runtime
