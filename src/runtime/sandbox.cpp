#include "asterai/runtime/sandbox.h"

#include <algorithm>
#include <cstdlib>

#include "wasmtime_ext.h"

namespace asterai::runtime {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return out;
}

bool valid_env_name(std::string_view name) {
  return !name.empty() && name.find('=') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

// Splits "host:port", "[v6]:port", "host" into host and port ("" when absent).
void split_authority(std::string_view authority, std::string_view& host, std::string_view& port) {
  port = {};
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    host = authority.substr(0, close == std::string_view::npos ? authority.size() : close + 1);
    if (close != std::string_view::npos && close + 1 < authority.size() &&
        authority[close + 1] == ':') {
      port = authority.substr(close + 2);
    }
    return;
  }
  auto colon = authority.rfind(':');
  if (colon == std::string_view::npos) {
    host = authority;
  } else {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
}

// An IP literal, or what URL parsers read as one (WHATWG URL "ends in a number"): "[v6]", or
// a last label of decimal digits or 0x-hex ("127.0.0.1", "127.1", "a.0x7f"; a trailing dot
// ignored). No registrable DNS name ends that way.
bool is_ip_like(std::string_view host) {
  if (host.empty()) return false;
  if (host.front() == '[' || host.find(':') != std::string_view::npos) return true;
  if (host.back() == '.') host.remove_suffix(1);
  auto dot = host.rfind('.');
  std::string_view last = dot == std::string_view::npos ? host : host.substr(dot + 1);
  if (last.size() >= 2 && last[0] == '0' && (last[1] == 'x' || last[1] == 'X'))
    return last.find_first_not_of("0123456789abcdefABCDEF", 2) == std::string_view::npos;
  return !last.empty() && last.find_first_not_of("0123456789") == std::string_view::npos;
}

bool host_matches(std::string_view pattern_host, std::string_view host) {
  std::string p = lower(pattern_host), h = lower(host);
  if (p.rfind("*.", 0) == 0) {
    // A wildcard names subdomains: never an address (`*.0.0.1` must not allow 127.0.0.1).
    if (is_ip_like(h)) return false;
    std::string suffix = p.substr(1);  // ".example.com"
    return h.size() > suffix.size() &&
           h.compare(h.size() - suffix.size(), suffix.size(), suffix) == 0;
  }
  return p == h;
}

}  // namespace

Result<std::pair<std::string, std::string>> parse_env_grant(std::string_view spec) {
  auto eq = spec.find('=');
  std::string name(spec.substr(0, eq));
  if (!valid_env_name(name)) {
    return make_error(ErrorKind::usage,
                      "--env " + std::string(spec) + ": expected KEY or KEY=VALUE");
  }
  if (eq != std::string_view::npos) return std::make_pair(name, std::string(spec.substr(eq + 1)));
  const char* value = std::getenv(name.c_str());
  if (!value) {
    return make_error(ErrorKind::usage, "--env " + name + ": " + name +
                                            " is not set in this environment (use --env " + name +
                                            "=VALUE)");
  }
  return std::make_pair(name, std::string(value));
}

Result<DirGrant> parse_dir_grant(std::string_view spec) {
  DirGrant grant;
  std::string_view rest = spec;
  auto last = rest.rfind(':');
  if (last != std::string_view::npos &&
      (rest.substr(last + 1) == "ro" || rest.substr(last + 1) == "rw")) {
    grant.writable = rest.substr(last + 1) == "rw";
    rest = rest.substr(0, last);
  }
  auto colon = rest.find(':');
  std::string host(rest.substr(0, colon));
  grant.guest = colon == std::string_view::npos ? host : std::string(rest.substr(colon + 1));
  if (host.empty()) {
    return make_error(ErrorKind::usage,
                      "--dir " + std::string(spec) + ": expected HOST[:GUEST][:ro|rw]");
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(host, ec)) {
    return make_error(ErrorKind::usage,
                      "--dir " + std::string(spec) + ": " + host + " is not a directory");
  }
  grant.host = std::filesystem::canonical(host, ec);
  if (grant.guest.empty() || grant.guest.front() != '/') grant.guest = "/" + grant.guest;
  return grant;
}

Result<void> validate_host_pattern(std::string_view pattern) {
  auto bad = [&](const std::string& why) {
    return make_error(ErrorKind::usage, "allowed host \"" + std::string(pattern) + "\": " + why);
  };
  if (pattern.empty()) return bad("empty");
  if (pattern.find("://") != std::string_view::npos)
    return bad("give a host, not a URL (e.g. api.example.com)");
  if (pattern.find('/') != std::string_view::npos)
    return bad("paths are not allowed, only host[:port]");
  std::string_view host, port;
  split_authority(pattern, host, port);
  if (host.empty() || host == "*" || host == "*.")
    return bad("a host is required; a bare * would allow everything");
  if (host.find('*') != std::string_view::npos &&
      (host.rfind("*.", 0) != 0 || host.find('*', 1) != std::string_view::npos)) {
    return bad("a wildcard may only be a leading \"*.\" (e.g. *.example.com)");
  }
  if (host.front() == '*' && is_ip_like(host.substr(2))) {
    return bad("a wildcard matches host names, never IP addresses; name each address instead");
  }
  if (!port.empty() && port != "*" &&
      port.find_first_not_of("0123456789") != std::string_view::npos) {
    return bad("the port must be a number or *");
  }
  return {};
}

bool host_allowed(const std::vector<std::string>& patterns, std::string_view scheme,
                  std::string_view authority) {
  std::string_view host, port;
  split_authority(authority, host, port);
  std::string_view default_port = scheme == "http" ? "80" : scheme == "https" ? "443" : "";
  if (port.empty()) port = default_port;
  for (const auto& pattern : patterns) {
    std::string_view p_host, p_port;
    split_authority(pattern, p_host, p_port);
    if (!host_matches(p_host, host)) continue;
    if (p_port == "*") return true;
    if (p_port.empty() ? port == default_port : port == p_port) return true;
  }
  return false;
}

bool is_public_address(const std::string& address) {
  return asterai_ip_is_public(address.c_str());
}

Result<void> allow_private_network(std::string_view network) {
  if (!asterai_ip_reachable_add(std::string(network).c_str()))
    return make_error(ErrorKind::usage, "`" + std::string(network) +
                                            "` is not an address or ADDRESS/PREFIX (e.g. "
                                            "10.0.0.0/8, 192.168.1.20, fd00::/8)");
  return {};
}

void clear_private_networks() {
  asterai_ip_reachable_clear();
}

}  // namespace asterai::runtime
