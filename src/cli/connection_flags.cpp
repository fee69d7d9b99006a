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

Result<std::pair<std::string, uint16_t>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  if (colon == std::string::npos)
    return make_error(ErrorKind::usage, "--listen takes HOST:PORT, e.g. 127.0.0.1:8080");
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) host = "127.0.0.1";
  std::string port = text.substr(colon + 1);
  unsigned long value = 0;
  bool digits = !port.empty() && port.size() <= 5 &&
                port.find_first_not_of("0123456789") == std::string::npos;
  if (digits) value = std::stoul(port);
  if (!digits || value > 65535)
    return make_error(ErrorKind::usage, "--listen: invalid port \"" + port + "\"");
  return std::pair{host, static_cast<uint16_t>(value)};
}

}  // namespace asterai::cli
