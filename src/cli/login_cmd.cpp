// `asterai login REGISTRY` and `asterai logout REGISTRY`: credentials for registries, checked
// against the registry before they are stored (mode 0600, docs/publishing.md);
// `asterai login --status` / `asterai whoami`: which registries, as whom (never the secret).
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "asterai/oci/credentials.h"
#include "commands.h"
#include "oci_common.h"
#include "output.h"

namespace asterai::cli {
namespace {

using nlohmann::json;

struct LoginArgs {
  std::string registry;
  std::string username;
  bool password_stdin = false;
  bool status = false;
  bool json = false;
  RegistryFlags flags;
};

// "https://host:5000/" -> "host:5000"
Result<std::string> registry_host(std::string text) {
  for (std::string_view scheme : {"https://", "http://"})
    if (text.rfind(scheme, 0) == 0) text = text.substr(scheme.size());
  while (!text.empty() && text.back() == '/') text.pop_back();
  bool ok = !text.empty() && text.find('/') == std::string::npos;
  for (char c : text)
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
                c == '[' || c == ']');
  if (!ok)
    return make_error(ErrorKind::usage, "\"" + text +
                                            "\" is not a registry host; give HOST or HOST:PORT, "
                                            "e.g. 127.0.0.1:5000");
  return text;
}

std::string read_line_from_terminal(const char* prompt, bool hidden) {
  std::fprintf(stderr, "%s", prompt);
  std::fflush(stderr);
  termios old{};
  bool restore = hidden && tcgetattr(STDIN_FILENO, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (restore) {
    tcsetattr(STDIN_FILENO, TCSANOW, &old);
    std::fprintf(stderr, "\n");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int login(const LoginArgs& a) {
  auto fail = [&](const Error& e) { return report(e, a.json); };
  auto host = registry_host(a.registry);
  if (!host) return fail(host.error());
  bool tty = isatty(STDIN_FILENO);
  oci::Credentials creds{a.username, {}};
  if (creds.username.empty()) {
    if (!tty || a.password_stdin)
      return fail({ErrorKind::usage, "give the user name with --username USER", {}});
    creds.username = read_line_from_terminal("Username: ", false);
  }
  if (a.password_stdin) {
    std::string all((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    while (!all.empty() && (all.back() == '\n' || all.back() == '\r')) all.pop_back();
    creds.password = all;
  } else if (tty) {
    creds.password = read_line_from_terminal("Password (API key): ", true);
  } else {
    return fail({ErrorKind::usage,
                 "no terminal to ask for the password: pipe it in with --password-stdin",
                 {}});
  }
  if (creds.username.empty() || creds.password.empty())
    return fail({ErrorKind::usage, "user name and password (API key) must not be empty", {}});

  oci::ClientOptions options;
  options.plain_http = a.flags.plain_http;
  if (const char* v = std::getenv("ASTERAI_PLAIN_HTTP"); v && *v && std::string_view(v) != "0")
    options.plain_http = true;
  if (const char* ca = std::getenv("ASTERAI_CA_FILE"); ca && *ca) options.http.ca_file = ca;
  options.credentials = creds;
  oci::RegistryClient client(*host, options);
  if (auto ok = client.check_login(); !ok) {
    Error e = ok.error();
    if (e.kind == ErrorKind::unauthorized)
      e.message = *host + " refused the user name or key; nothing was stored (" + e.message + ")";
    return fail(e);
  }
  auto store = oci::CredentialStore::open_default();
  if (auto saved = store.save(*host, creds); !saved) return fail(saved.error());
  if (a.json) {
    std::cout << json{{"registry", *host},
                      {"username", creds.username},
                      {"stored_in", store.file().string()}}
                     .dump()
              << "\n";
  } else {
    std::cout << "logged in to " << *host << " as " << creds.username << " (credentials in "
              << store.file().string() << ")\n";
  }
  return 0;
}

// The stored logins (all, or the one registry), without checking them against the registry.
int status(const std::string& registry, bool as_json) {
  auto fail = [&](const Error& e) { return report(e, as_json); };
  std::optional<std::string> only;
  if (!registry.empty()) {
    auto host = registry_host(registry);
    if (!host) return fail(host.error());
    only = *host;
  }
  auto logins = oci::CredentialStore::open_default().logins();
  if (!logins) return fail(logins.error());
  if (only) std::erase_if(*logins, [&](const oci::StoredLogin& l) { return l.registry != *only; });
  if (only && logins->empty())
    return fail({ErrorKind::unauthorized,
                 "not logged in to " + *only + "; run `asterai login " + *only + "`",
                 {}});
  if (as_json) {
    json out = json::array();
    for (const auto& l : *logins)
      out.push_back({{"registry", l.registry}, {"username", l.username}, {"source", l.source}});
    std::cout << json{{"logins", out}}.dump() << "\n";
    return 0;
  }
  if (logins->empty()) {
    std::cout << "not logged in to any registry (`asterai login REGISTRY` stores credentials)\n";
    return 0;
  }
  for (const auto& l : *logins)
    std::cout << l.registry << "  " << l.username << "  (" << l.source << ")\n";
  return 0;
}

int logout(const std::string& registry, bool as_json) {
  auto host = registry_host(registry);
  if (!host) return report(host.error());
  auto removed = oci::CredentialStore::open_default().remove(*host);
  if (!removed) return report(removed.error());
  if (as_json) {
    std::cout << json{{"registry", *host}, {"removed", *removed}}.dump() << "\n";
  } else if (*removed) {
    std::cout << "logged out of " << *host << "\n";
  } else {
    std::cout << "not logged in to " << *host
              << " (credentials from Docker's config.json, if any, are left alone)\n";
  }
  return 0;
}

}  // namespace

void add_login_commands(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<LoginArgs>();
  auto* cmd = app.add_subcommand(
      "login", "Store credentials (user + API key) for a registry; --status shows the logins");
  cmd->add_option("registry", a->registry,
                  "Registry host, e.g. 127.0.0.1:5000 (with --status: only this one)");
  cmd->add_option("-u,--username", a->username, "User name (asked for on a terminal)");
  cmd->add_flag("--password-stdin", a->password_stdin,
                "Read the password (API key) from stdin instead of asking");
  cmd->add_flag("--status", a->status,
                "Say which registries you are logged in to and as whom (stored credentials, "
                "not checked; secrets are never printed)");
  cmd->add_flag("--json", a->json, "Print the result as JSON");
  a->flags.add_to(*cmd);
  cmd->callback([a, &exit_code] {
    if (a->status) {
      exit_code = status(a->registry, a->json);
    } else if (a->registry.empty()) {
      exit_code = report({ErrorKind::usage,
                          "give the registry to log in to (asterai login HOST[:PORT]), or "
                          "--status to see the logins",
                          {}});
    } else {
      exit_code = login(*a);
    }
  });

  auto who = std::make_shared<std::pair<std::string, bool>>();
  auto* whoami = app.add_subcommand("whoami", "The same as `asterai login --status`");
  whoami->add_option("registry", who->first, "Only this registry");
  whoami->add_flag("--json", who->second, "Print the logins as JSON");
  whoami->callback([who, &exit_code] { exit_code = status(who->first, who->second); });

  auto registry = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  auto* out = app.add_subcommand("logout", "Remove the stored credentials for a registry");
  out->add_option("registry", *registry, "Registry host")->required();
  out->add_flag("--json", *as_json, "Print the result as JSON");
  out->callback([registry, as_json, &exit_code] { exit_code = logout(*registry, *as_json); });
}

}  // namespace asterai::cli
