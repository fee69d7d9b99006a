#include "asterai/cli/registry_cmd.h"

#include <pthread.h>
#include <signal.h>

#include <fmt/format.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>

#include "asterai/registry/gc.h"
#include "asterai/registry/http/server.h"
#include "asterai/registry/names.h"
#include "asterai/registry/registry.h"
#include "connection_flags.h"

namespace asterai::cli {
namespace {

using registry::Registry;
using registry::RegistryConfig;

std::string default_root() {
  if (const char* home = std::getenv("ASTERAI_HOME"); home && *home)
    return std::string(home) + "/registry";
  const char* user_home = std::getenv("HOME");
  return std::string(user_home ? user_home : ".") + "/.asterai/registry";
}

void fail(int& exit_code, const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.to_string().c_str());
  exit_code = error_exit_code(e.kind);
}

struct Shared {
  std::string root = default_root();
  registry::SystemClock clock;

  Result<std::unique_ptr<Registry>> open(RegistryConfig config = {}) {
    config.root = root;
    return Registry::open(config, clock);
  }
};

// Opens the registry, runs an admin action on it and turns its error, if any, into the
// one-line "error: …" and the exit code.
template <class Action>
std::function<void()> admin(const std::shared_ptr<Shared>& shared, int& exit_code, Action action) {
  return [shared, &exit_code, action] {
    auto reg = shared->open();
    Result<void> ok = reg ? action(**reg) : Result<void>(tl::unexpected(reg.error()));
    if (!ok) return fail(exit_code, ok.error());
    exit_code = 0;
  };
}

void add_serve(CLI::App& reg, const std::shared_ptr<Shared>& shared, int& exit_code) {
  struct Opts {
    std::string listen = "127.0.0.1:5000";
    std::string tls_cert, tls_key, realm, service = "asterai-registry";
    bool no_auth = false, public_default = false;
    int64_t token_ttl = 300;
    int idle_timeout = 60;
    int body_timeout = 30;
    ConnectionFlags connections;
  };
  auto o = std::make_shared<Opts>();
  auto* cmd = reg.add_subcommand("serve", "Run the OCI registry server (and its web catalog at /)");
  cmd->add_option("--listen", o->listen, "Address to listen on (HOST:PORT)")->capture_default_str();
  cmd->add_option("--tls-cert", o->tls_cert, "PEM certificate chain (enables HTTPS)");
  cmd->add_option("--tls-key", o->tls_key, "PEM private key");
  cmd->add_flag("--no-auth", o->no_auth,
                "Disable authentication (anyone may push; local development only)");
  cmd->add_flag("--public-by-default", o->public_default,
                "Repositories created by a push are public");
  cmd->add_option("--realm", o->realm,
                  "Token endpoint URL announced to clients (default: derived from Host)");
  cmd->add_option("--service", o->service, "Token service name")->capture_default_str();
  cmd->add_option("--token-ttl", o->token_ttl, "Token lifetime in seconds")->capture_default_str();
  cmd->add_option("--idle-timeout", o->idle_timeout,
                  "Seconds a keep-alive connection may wait for its next request")
      ->capture_default_str()
      ->check(CLI::Range(1, 86400));
  cmd->add_option("--body-timeout", o->body_timeout,
                  "Seconds a request or response body may stall before the connection is closed")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  add_connection_flags(cmd, o->connections);
  cmd->callback([shared, o, &exit_code] {
    auto listen = parse_listen(o->listen);
    if (!listen) return fail(exit_code, listen.error());
    RegistryConfig config;
    config.auth = !o->no_auth;
    config.default_public = o->public_default;
    config.service = o->service;
    config.realm = o->realm;
    config.token_ttl_seconds = o->token_ttl;
    auto reg = shared->open(config);
    if (!reg) return fail(exit_code, reg.error());
    // Block the stop signals in every thread the server starts; this thread waits for them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    registry::http::ServerOptions options;
    options.host = listen->first;
    options.port = listen->second;
    options.tls_cert = o->tls_cert;
    options.tls_key = o->tls_key;
    options.idle_timeout_seconds = o->idle_timeout;
    options.header_timeout_seconds = o->connections.header_timeout;
    options.body_timeout_seconds = o->body_timeout;
    options.max_connections = o->connections.max_connections;
    options.max_connections_per_client = o->connections.max_client_connections;
    auto server = registry::http::Server::start(**reg, options);
    if (!server) return fail(exit_code, server.error());
    std::printf("asterai registry listening on %s://%s:%u (root %s, auth %s)\n",
                o->tls_cert.empty() ? "http" : "https", options.host.c_str(), (*server)->port(),
                shared->root.c_str(), config.auth ? "on" : "off");
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    (*server)->stop();
    exit_code = 0;
  });
}

void add_gc(CLI::App& reg, const std::shared_ptr<Shared>& shared, int& exit_code) {
  auto o = std::make_shared<registry::GcOptions>();
  auto* cmd = reg.add_subcommand("gc", "Remove blobs no manifest references");
  cmd->add_option("--grace", o->grace_seconds, "Keep anything younger than this many seconds")
      ->capture_default_str();
  cmd->add_option("--upload-max-age", o->upload_max_age_seconds,
                  "Drop upload sessions older than this")
      ->capture_default_str();
  cmd->add_flag("--dry-run", o->dry_run, "Report what would be removed");
  cmd->callback(admin(shared, exit_code, [shared, o](Registry& r) -> Result<void> {
    auto report =
        ASTERAI_TRY(registry::collect_garbage(r.blobs(), r.metadata(), shared->clock, *o));
    std::printf("%s%zu blobs removed (%llu bytes), %zu kept, %zu stale links, %zu stale uploads\n",
                o->dry_run ? "dry run: " : "", report.blobs_removed,
                static_cast<unsigned long long>(report.bytes_freed), report.blobs_kept,
                report.links_removed, report.uploads_removed);
    return {};
  }));
}

void add_users(CLI::App& reg, const std::shared_ptr<Shared>& shared, int& exit_code) {
  auto* user = reg.add_subcommand("user", "Manage users (a user owns the namespace of its name)");
  user->require_subcommand(1);
  auto name = std::make_shared<std::string>();
  auto is_admin = std::make_shared<bool>(false);
  auto* create = user->add_subcommand("create", "Create a user");
  create->add_option("name", *name, "User (and namespace) name")->required();
  create->add_flag("--admin", *is_admin, "May push, pull and delete everywhere");
  create->callback(admin(shared, exit_code, [name, is_admin](Registry& r) -> Result<void> {
    ASTERAI_TRY(r.credentials().create_user(*name, *is_admin));
    std::printf("created user %s%s\n", name->c_str(), *is_admin ? " (admin)" : "");
    return {};
  }));
  user->add_subcommand("list", "List users")
      ->callback(admin(shared, exit_code, [](Registry& r) -> Result<void> {
        for (const auto& u : ASTERAI_TRY(r.credentials().users())) {
          std::printf("%s%s\n", u.name.c_str(), u.is_admin ? " (admin)" : "");
        }
        return {};
      }));
}

void add_keys(CLI::App& reg, const std::shared_ptr<Shared>& shared, int& exit_code) {
  auto* key = reg.add_subcommand("key", "Manage API keys (used as passwords with the user name)");
  key->require_subcommand(1);
  auto user = std::make_shared<std::string>();
  auto label = std::make_shared<std::string>();
  auto id = std::make_shared<std::string>();
  auto* issue = key->add_subcommand("issue", "Issue a key; it is printed once and stored hashed");
  issue->add_option("user", *user, "Owner of the key")->required();
  issue->add_option("--label", *label, "What the key is for");
  issue->callback(admin(shared, exit_code, [user, label](Registry& r) -> Result<void> {
    auto k = ASTERAI_TRY(r.credentials().issue_key(*user, *label));
    std::printf("%s\n", k.secret.c_str());
    std::fprintf(stderr, "key id %s (store the key now: it cannot be shown again)\n", k.id.c_str());
    return {};
  }));
  auto* revoke = key->add_subcommand("revoke", "Revoke a key by id");
  revoke->add_option("id", *id, "Key id")->required();
  revoke->callback(admin(shared, exit_code, [id](Registry& r) -> Result<void> {
    ASTERAI_TRY(r.credentials().revoke_key(*id));
    std::printf("revoked key %s\n", id->c_str());
    return {};
  }));
  auto* list = key->add_subcommand("list", "List a user's keys");
  list->add_option("user", *user, "User")->required();
  list->callback(admin(shared, exit_code, [user](Registry& r) -> Result<void> {
    for (const auto& k : ASTERAI_TRY(r.credentials().keys(*user))) {
      std::printf("%s  %s%s\n", k.id.c_str(), k.label.c_str(), k.revoked ? "  (revoked)" : "");
    }
    return {};
  }));
}

void add_visibility(CLI::App& reg, const std::shared_ptr<Shared>& shared, int& exit_code) {
  auto* vis = reg.add_subcommand("visibility", "Set whether a repository is public");
  vis->require_subcommand(1);
  auto repo = std::make_shared<std::string>();
  auto value = std::make_shared<std::string>();
  auto* set = vis->add_subcommand("set", "Set visibility (creates the repository if needed)");
  set->add_option("repository", *repo, "Repository name")->required();
  set->add_option("visibility", *value, "public or private")
      ->required()
      ->check(CLI::IsMember({"public", "private"}));
  set->callback(admin(shared, exit_code, [shared, repo, value](Registry& r) -> Result<void> {
    if (!registry::is_valid_repository_name(*repo)) {
      return make_error(ErrorKind::usage, "invalid repository name " + *repo);
    }
    bool is_public = *value == "public";
    ASTERAI_TRY(r.metadata().create_repository(*repo, is_public, shared->clock.now_unix()));
    ASTERAI_TRY(r.metadata().set_visibility(*repo, is_public));
    std::printf("%s is %s\n", repo->c_str(), value->c_str());
    return {};
  }));
}

}  // namespace

void add_registry_commands(CLI::App& app, int& exit_code) {
  auto shared = std::make_shared<Shared>();
  auto* reg = app.add_subcommand("registry", "Run and administer the OCI registry");
  reg->require_subcommand(1);
  reg->add_option("--root", shared->root,
                  "Registry storage directory (default $ASTERAI_HOME/registry)");
  add_serve(*reg, shared, exit_code);
  add_gc(*reg, shared, exit_code);
  add_users(*reg, shared, exit_code);
  add_keys(*reg, shared, exit_code);
  add_visibility(*reg, shared, exit_code);
  // `--root` may also follow the subcommand: `asterai registry serve --root DIR`.
  for (auto* sub : reg->get_subcommands({})) {
    sub->fallthrough();
    for (auto* leaf : sub->get_subcommands({})) leaf->fallthrough();
  }
}

}  // namespace asterai::cli
