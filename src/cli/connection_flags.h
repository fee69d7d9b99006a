// The --listen address and the connection flags both HTTP servers take (`registry serve`, `serve
// --listen`): the caps and the header deadline of the shared listener (net::ListenerOptions),
// defaults included.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

#include "asterai/common/error.h"

namespace asterai::cli {

struct ConnectionFlags {
  size_t max_connections = 16384;
  size_t max_client_connections = 1024;
  int header_timeout = 10;  // seconds
};

// "HOST:PORT" of --listen ("[::1]:8080"; an empty host is 127.0.0.1; PORT 0 picks one).
Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text);

// Adds --max-connections, --max-client-connections and --header-timeout; `scope` starts each
// help text (e.g. "HTTP: " for serve, whose stdio mode has no connections).
void add_connection_flags(CLI::App* cmd, ConnectionFlags& flags, const std::string& scope = "");

}  // namespace asterai::cli
