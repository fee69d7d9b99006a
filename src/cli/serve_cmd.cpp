// `asterai serve COMPONENT...` or `asterai serve --environment ENV`: the components' exported
// functions as tools, over MCP on stdio, or over HTTP (MCP Streamable HTTP on /mcp plus the
// /v1 API) with --listen.
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>

#include "asterai/common/files.h"
#include "asterai/common/units.h"
#include "asterai/host/resolve.h"
#include "asterai/host/schedules.h"
#include "asterai/host/tool_source.h"
#include "asterai/httpapi/server.h"
#include "asterai/mcp/file_source.h"
#include "asterai/mcp/file_watcher.h"
#include "asterai/mcp/stdio.h"
#include "asterai/mcp/wit_docs.h"
#include "asterai/oci/reference.h"
#include "commands.h"
#include "connection_flags.h"
#include "env_common.h"
#include "output.h"
#include "sandbox_flags.h"

#ifndef ASTERAI_VERSION
#define ASTERAI_VERSION "0.0.0"
#endif

namespace asterai::cli {
namespace {

// How often --watch looks at the component files; a change is loaded once two looks agree.
constexpr std::chrono::milliseconds kWatchInterval{500};

struct ServeArgs {
  std::vector<std::string> targets;
  std::string environment;
  bool offline = false;
  EnvRegistryFlags registry;
  std::string mcp;
  std::string listen;
  std::string token_file;
  std::vector<std::string> allowed_origins;
  std::vector<std::string> wit;
  size_t workers = 0;
  std::string max_request = "4MiB";
  std::string http_max_body = "16MiB";
  bool no_access_log = false;
  ConnectionFlags connections;  // HTTP only
  size_t page_size = 100;
  std::string tool_names = "prefixed";
  bool watch = false;
  std::string schedule_grace = "10s";
  SandboxFlags sandbox;
  EngineFlags engine;
};

// Signals are taken by one thread (sigwait), so reload and shutdown run as ordinary code.
class SignalThread {
 public:
  // Blocks the signals in this thread and every thread created after (call it first).
  explicit SignalThread(bool shutdown_signals) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGHUP);
    sigaddset(&set_, SIGUSR1);  // our own wake-up, to end the thread
    if (shutdown_signals) {
      sigaddset(&set_, SIGINT);
      sigaddset(&set_, SIGTERM);
    }
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
  }
  ~SignalThread() { stop(); }

  template <class OnReload, class OnStop>
  void start(OnReload on_reload, OnStop on_stop) {
    thread_ = std::thread([this, on_reload, on_stop] {
      while (true) {
        int sig = 0;
        if (sigwait(&set_, &sig) != 0) continue;
        if (stopping_) return;
        if (sig == SIGHUP) on_reload();
        if (sig == SIGINT || sig == SIGTERM) on_stop();
      }
    });
  }
  void stop() {
    if (!thread_.joinable()) return;
    stopping_ = true;
    pthread_kill(thread_.native_handle(), SIGUSR1);
    thread_.join();
  }

 private:
  sigset_t set_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

bool is_loopback(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost" || host.starts_with("127.");
}

Result<std::string> read_token(const std::string& path) {
  auto bytes = ASTERAI_TRY(read_file(path));
  std::string token(bytes.begin(), bytes.end());
  while (!token.empty() && (token.back() == '\n' || token.back() == '\r' || token.back() == ' '))
    token.pop_back();
  if (token.empty() || token.find_first_of(" \t\r\n") != std::string::npos)
    return make_error(ErrorKind::usage,
                      "--token-file " + path + ": expected one token on one line");
  return token;
}

// Checks that exactly one of component files and --environment is given, and that the flags
// that only mean something for one of them are not given with the other.
Result<void> check_sources(const ServeArgs& a) {
  if (a.environment.empty() && a.targets.empty())
    return make_error(ErrorKind::usage,
                      "nothing to serve: give component files or --environment NS/NAME");
  if (a.environment.empty()) {
    if (!a.registry.registry.empty() || a.registry.oci.plain_http)
      return make_error(ErrorKind::usage, "--registry and --plain-http need --environment");
    return {};
  }
  if (!a.targets.empty())
    return make_error(ErrorKind::usage,
                      "give either component files or --environment, not both (add the files "
                      "to the environment with `asterai env add`)");
  if (auto flag = a.sandbox.first_given(); !flag.empty())
    return make_error(ErrorKind::usage,
                      flag +
                          " does not apply to --environment: each component runs with its "
                          "grants and limits from the environment (`asterai env grant`)");
  return {};
}

// An environment's schedules under `serve`: started with the first load, restarted with
// each reload (runs in flight get --schedule-grace to finish, then are interrupted and
// recorded so). A reload whose schedules
// cannot start fails and the previous ones start again.
struct ServedSchedules {
  host::ScheduleOptions options{
      .log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); }};
  std::optional<host::LoadedComposition> current;
  std::unique_ptr<host::RunningSchedules> running;
  std::mutex mutex;

  Result<void> load(const host::LoadedComposition& loaded) {
    std::lock_guard lock(mutex);
    running.reset();  // releases the environment's lock for the next start
    auto started = host::RunningSchedules::start(loaded, options);
    if (!started && started.error().kind == ErrorKind::conflict) {
      std::fprintf(stderr, "asterai serve: %s\n", started.error().message.c_str());
      current = loaded;
      return {};
    }
    if (!started) {
      if (current)
        if (auto again = host::RunningSchedules::start(*current, options))
          running = std::move(*again);
      return tl::unexpected(started.error());
    }
    running = std::move(*started);
    current = loaded;
    if (running)
      std::fprintf(stderr, "asterai serve: %zu schedules of %s running\n",
                   loaded.env.doc.schedules.size(), loaded.env.label.c_str());
    return {};
  }
};

// "[NAME=]REF" becomes "NAME=path" of the component pulled into the local store (NAME
// defaults to the repository's last part); files pass through unchanged.
Result<std::string> serve_spec(const std::string& target, bool offline) {
  auto eq = target.find('=');
  std::string name = eq == std::string::npos ? "" : target.substr(0, eq);
  std::string what = eq == std::string::npos ? target : target.substr(eq + 1);
  std::error_code ec;
  if (std::filesystem::exists(what, ec) || !oci::looks_like_reference(what)) return target;
  auto ref = oci::parse_reference(what);
  if (!ref) return tl::unexpected(ref.error());
  // The stdio transport owns stdout: no progress bar while pulling.
  auto path = host::resolve_component(what, {.offline = offline});
  if (!path) return tl::unexpected(path.error());
  if (name.empty()) {
    name = ref->repository.substr(ref->repository.rfind('/') + 1).substr(0, 32);
    for (auto& c : name)
      if (!std::isalnum(static_cast<unsigned char>(c))) c = '-';
  }
  return name + "=" + path->string();
}

int serve(const ServeArgs& a) {
  if (auto r = check_sources(a); !r) return report(r.error());
  if (!a.mcp.empty() && a.mcp != "stdio")
    return report(
        Error{ErrorKind::usage, "--mcp takes \"stdio\" (HTTP is --listen HOST:PORT)", {}});
  if (!a.mcp.empty() && !a.listen.empty())
    return report(Error{ErrorKind::usage, "give either --mcp stdio or --listen, not both", {}});
  bool http = !a.listen.empty();
  if (!http && a.mcp.empty() && isatty(0)) {
    return report(Error{ErrorKind::usage,
                        "stdin is a terminal: start serve from an MCP client (stdio), or give "
                        "--listen 127.0.0.1:PORT for HTTP",
                        {}});
  }
  if (!http && (!a.token_file.empty() || !a.allowed_origins.empty()))
    return report(Error{ErrorKind::usage, "--token-file and --allow-origin need --listen", {}});
  auto max_request = parse_size(a.max_request, "--max-request-size");
  if (!max_request) return report(max_request.error());
  auto http_max_body = parse_size(a.http_max_body, "--http-max-body");
  if (!http_max_body) return report(http_max_body.error());

  httpapi::HttpOptions http_options;
  if (http) {
    auto listen = parse_listen(a.listen);
    if (!listen) return report(listen.error());
    http_options.host = listen->first;
    http_options.port = listen->second;
    http_options.allowed_origins = a.allowed_origins;
    http_options.max_body = *max_request;
    http_options.http_max_body = *http_max_body;
    http_options.access_log = !a.no_access_log;
    http_options.max_connections = a.connections.max_connections;
    http_options.max_connections_per_client = a.connections.max_client_connections;
    http_options.header_timeout_seconds = a.connections.header_timeout;
    if (!a.token_file.empty()) {
      auto token = read_token(a.token_file);
      if (!token) return report(token.error());
      http_options.token = *token;
    }
    if (!is_loopback(http_options.host) && http_options.token.empty()) {
      return report(Error{ErrorKind::usage,
                          "listening on " + http_options.host +
                              " (not loopback) needs --token-file: anyone on the network could "
                              "call the tools",
                          {}});
    }
  }

  std::vector<mcp::ComponentFile> files;
  for (const auto& t : a.targets) {
    auto spec = serve_spec(t, a.offline);
    if (!spec) return report(spec.error());
    auto f = mcp::parse_component_spec(*spec);
    if (!f) return report(f.error());
    files.push_back(std::move(*f));
  }
  auto policy = a.sandbox.effective_policy();
  if (!policy) return report(policy.error());
  // Before any thread exists (the runtime's epoch ticker too), so all inherit the mask.
  SignalThread signals(http);
  // A client that goes away must not kill the server mid-write: writes fail instead.
  std::signal(SIGPIPE, SIG_IGN);
  // An environment's loads (every --watch reload) take their engine from here too.
  auto runtimes = std::make_shared<runtime::SharedRuntimes>();
  auto rt = runtimes->get(a.engine.to_options(policy->limits.fuel.has_value()));
  if (!rt) return report(rt.error());
  mcp::WitDocs wit_docs;
  for (const auto& w : a.wit) {
    auto docs = mcp::load_wit_docs(w);
    if (!docs) return report(docs.error());
    wit_docs.add_missing(*docs);
  }
  std::vector<std::filesystem::path> watched;
  for (const auto& f : files) watched.push_back(f.path);
  mcp::ToolSource source;
  // Outlives the server: its runs use the composition of the last load, not the server.
  ServedSchedules schedules;
  if (!a.environment.empty()) {
    auto clock = schedule::clock_from_environment();
    if (!clock) return report(clock.error());
    schedules.options.clock = *clock;
    auto grace = parse_duration(a.schedule_grace, "--schedule-grace");
    if (!grace) return report(grace.error());
    schedules.options.grace = *grace;
    // --watch looks at the environment's document; every load re-reads it and relinks.
    if (a.watch) {
      auto env = host::load_env(a.environment, a.registry.options(), a.offline);
      if (!env) return report(env.error());
      watched.push_back(env->source);
    }
    auto load = load_options(a.registry, a.offline, a.engine);
    load.runtimes = runtimes;
    source =
        host::env_tool_source(a.environment, std::move(load), std::move(wit_docs),
                              [&](const host::LoadedComposition& l) { return schedules.load(l); });
  } else {
    auto files_source = mcp::file_source(*rt, std::move(files), *policy, std::move(wit_docs));
    if (!files_source) return report(files_source.error());
    source = std::move(*files_source);
  }

  mcp::ServerOptions options;
  options.workers = a.workers;
  options.page_size = a.page_size;
  options.tool_naming = a.tool_names == "bare" ? mcp::ToolNaming::bare : mcp::ToolNaming::prefixed;
  options.version = ASTERAI_VERSION;
  auto server = mcp::Server::create(*rt, std::move(source), options);
  if (!server) return report(server.error());
  auto& s = **server;
  for (const auto& skipped : s.catalog()->skipped())
    std::fprintf(stderr, "asterai serve: skipping %s (unsupported in a tool signature)\n",
                 skipped.c_str());
  for (const auto& clash : mcp::feature_clashes(s))
    std::fprintf(stderr, "asterai serve: warning: %s\n", clash.c_str());
  for (const auto& route : s.catalog()->routes()) {
    if (http) {
      std::fprintf(stderr, "asterai serve: %s handles HTTP at %s (wasi:http/incoming-handler)\n",
                   route.component_name.c_str(), route.prefix.c_str());
    } else {
      std::fprintf(stderr,
                   "asterai serve: %s is an HTTP handler (wasi:http/incoming-handler); serve it "
                   "with --listen HOST:PORT\n",
                   route.component_name.c_str());
    }
  }
  auto on_reload = [&s] {
    if (auto r = s.reload(); !r)
      std::fprintf(stderr, "asterai serve: reload failed, keeping the old tools: %s\n",
                   r.error().to_string().c_str());
    else
      std::fprintf(stderr, "asterai serve: reloaded, %zu tools\n", s.catalog()->tools().size());
  };
  // Stopped (destroyed) before the server it reloads.
  std::optional<mcp::FileWatcher> watcher;
  if (a.watch) watcher.emplace(std::move(watched), kWatchInterval, on_reload);

  if (!http) {
    std::fprintf(stderr, "asterai serve: %zu tools on stdio (MCP)\n", s.catalog()->tools().size());
    signals.start(on_reload, [] {});
    mcp::StdioOptions stdio;
    stdio.max_message_bytes = *max_request;
    int rc = mcp::serve_stdio(s, stdio);
    signals.stop();
    return rc;
  }
  auto listener = httpapi::HttpServer::start(s, http_options);
  if (!listener) return report(listener.error());
  std::mutex mutex;
  std::condition_variable cv;
  bool stop = false;
  signals.start(on_reload, [&] {
    std::lock_guard lock(mutex);
    stop = true;
    cv.notify_all();
  });
  std::string host = http_options.host.find(':') != std::string::npos
                         ? "[" + http_options.host + "]"
                         : http_options.host;
  // One line on stdout, so scripts can read the bound port (with --listen HOST:0).
  std::printf("listening on http://%s:%u (MCP: /mcp, API: /v1/tools, /v1/call)\n", host.c_str(),
              (*listener)->port());
  std::fflush(stdout);
  std::fprintf(stderr, "asterai serve: %zu tools\n", s.catalog()->tools().size());
  {
    std::unique_lock lock(mutex);
    cv.wait(lock, [&] { return stop; });
  }
  (*listener)->stop();
  signals.stop();
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ServeArgs>();
  auto* cmd = app.add_subcommand(
      "serve",
      "Serve components' functions as tools: MCP on stdio, or MCP + HTTP API with --listen; "
      "with --listen, components exporting wasi:http/incoming-handler also answer HTTP (one "
      "alone at /, several at /NAME)");
  cmd->add_option(
      "components", a->targets,
      "Components, as path.wasm or a registry reference REGISTRY/NS/NAME:VERSION (pulled "
      "on demand), each optionally NAME=... (NAME prefixes the tool names; default: the "
      "file or repository name)");
  cmd->add_option("--environment", a->environment,
                  "Serve an environment's components instead: NS/NAME (draft), NS/NAME@VERSION or "
                  "REGISTRY/NS/NAME:VERSION; each with its own grants and limits; its "
                  "[[schedules]] run meanwhile (see `asterai env runs`)");
  cmd->add_option("--schedule-grace", a->schedule_grace,
                  "With --environment: how long a stop or reload lets scheduled runs in flight "
                  "finish before it cancels them (recorded as interrupted)")
      ->capture_default_str();
  cmd->add_flag("--offline", a->offline,
                "Registry references and --environment come from the local store only; never pull");
  a->registry.add_to(*cmd);
  cmd->add_option("--mcp", a->mcp,
                  "MCP transport: stdio (the default when stdin is not a terminal)");
  cmd->add_option("--listen", a->listen,
                  "Serve HTTP on HOST:PORT instead: MCP Streamable HTTP on /mcp, the API on /v1 "
                  "(loopback unless --token-file)");
  cmd->add_option("--token-file", a->token_file,
                  "HTTP: require \"Authorization: Bearer <token>\" with the token in this file");
  cmd->add_option("--allow-origin", a->allowed_origins,
                  "HTTP: also accept requests from this browser Origin (loopback origins always)")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all();
  cmd->add_option("--wit", a->wit,
                  "WIT file or folder whose /// doc comments describe the tools (for components "
                  "that carry no docs)")
      ->expected(1)
      ->allow_extra_args(false)
      ->take_all();
  cmd->add_flag("--watch", a->watch,
                "Reload the components when their files change (checked every 0.5 s), and send "
                "notifications/tools/list_changed");
  cmd->add_option("--workers", a->workers, "Calls run in parallel (default: one per core)");
  cmd->add_option("--max-request-size", a->max_request,
                  "Largest request (MCP message or HTTP body), e.g. 4MiB (the default)");
  cmd->add_option("--http-max-body", a->http_max_body,
                  "HTTP: largest request body an HTTP handler (a component exporting "
                  "wasi:http/incoming-handler) takes, e.g. 16MiB (the default); larger gets 413");
  cmd->add_flag("--no-access-log", a->no_access_log,
                "HTTP: no JSON line on stderr per request to an HTTP handler");
  add_connection_flags(cmd, a->connections, "HTTP: ");
  cmd->add_option("--page-size", a->page_size, "Tools per tools/list page (default 100)")
      ->check(CLI::Range(1, 10000));
  cmd->add_option("--tool-names", a->tool_names,
                  "Tool names: prefixed (COMPONENT_FUNCTION, the default) or bare (the "
                  "function's name with - written _, e.g. get-weather -> get_weather; "
                  "names two components share get a suffix)")
      ->check(CLI::IsMember({"prefixed", "bare"}));
  a->sandbox.add_to(*cmd);
  a->engine.add_to(*cmd, /*many_calls=*/true);
  cmd->callback([a, &exit_code] { exit_code = serve(*a); });
}

}  // namespace asterai::cli
