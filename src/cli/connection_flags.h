// The connection flags both HTTP servers take (`registry serve`, `serve --listen`): the caps
// and the header deadline of the shared listener (net::ListenerOptions), defaults included.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

namespace asterai::cli {

struct ConnectionFlags {
  size_t max_connections = 16384;
  size_t max_client_connections = 1024;
  int header_timeout = 10;  // seconds
};

// Adds --max-connections, --max-client-connections and --header-timeout; `scope` starts each
// help text (e.g. "HTTP: " for serve, whose stdio mode has no connections).
void add_connection_flags(CLI::App* cmd, ConnectionFlags& flags, const std::string& scope = "");

}  // namespace asterai::cli
