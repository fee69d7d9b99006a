#include "connection_flags.h"

#include <cctype>

namespace asterai::cli {

void add_connection_flags(CLI::App* cmd, ConnectionFlags& flags, const std::string& scope) {
  auto help = [&scope](std::string text) {
    if (scope.empty())
      text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
    return scope + text;
  };
  cmd->add_option("--max-connections", flags.max_connections,
                  help("open connections, all clients together; more get 503 + Retry-After"))
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--max-client-connections", flags.max_client_connections,
                  help("open connections from one client IP address"))
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd->add_option("--header-timeout", flags.header_timeout,
                  help("seconds a request's headers may take to arrive"))
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
}

}  // namespace asterai::cli
