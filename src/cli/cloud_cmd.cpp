// `asterai cloud node` (a node of the cloud: cloud/node.h), and the tenant's side:
// `asterai deploy …` and `asterai usage` against a node's API, with the registry login.
#include <pthread.h>
#include <signal.h>
#include <sodium.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "asterai/cloud/node.h"
#include "asterai/cloud/secrets.h"
#include "asterai/cloud/store.h"
#include "asterai/common/units.h"
#include "asterai/env/document.h"
#include "asterai/host/registry_access.h"
#include "asterai/oci/credentials.h"
#include "asterai/oci/http.h"
#include "asterai/schedule/clock.h"
#include "commands.h"
#include "connection_flags.h"
#include "env_common.h"
#include "output.h"
#include "runs_table.h"
#include "secret_input.h"

namespace asterai::cli {
namespace {

using nlohmann::json;

struct NodeArgs {
  std::string listen = "127.0.0.1:8700";
  std::string store;
  std::string max_timeout = "30s";
  std::string max_memory, max_request = "4MiB", http_max_body = "16MiB", max_loaded_memory = "2GiB";
  std::optional<uint64_t> max_fuel;
  size_t max_loaded = 64;
  size_t max_concurrent = 64;
  std::optional<uint64_t> max_calls_month;
  std::string max_time_month;
  std::string plans;
  size_t workers = 0;
  bool no_access_log = false;
  bool no_schedules = false;
  std::vector<std::string> private_networks;
  std::string secrets_key_file;
  std::vector<std::string> secrets_extra_key_files;
  std::string usage_spool;
  bool usage_wait = false;
  std::string schedule_lease = "15s", schedule_grace = "10s";
  EnvRegistryFlags registry;
  EngineFlags engine;
  ConnectionFlags connections;
};

std::string default_store() {
  return "sqlite:" + (oci::asterai_home() / "cloud" / "store.db").string();
}

constexpr const char* kStoreHelp =
    "Shared state: sqlite:PATH or postgres://… (default $ASTERAI_HOME/cloud/store.db)";

using Key = std::shared_ptr<const env::SecretBox>;

// The key in `path`, given as `flag`.
Result<Key> key_file(const std::string& flag, const std::string& path) {
  auto key = env::SecretBox::from_key_file(path);
  if (!key) return make_error(key.error().kind, flag + ": " + key.error().message);
  return std::make_shared<const env::SecretBox>(std::move(*key));
}

// The --secrets-extra-key-file keys, which need a --secrets-key-file beside them.
Result<std::vector<Key>> extra_keys(const std::string& key, const std::vector<std::string>& extra) {
  if (!extra.empty() && key.empty())
    return make_error(ErrorKind::usage,
                      "--secrets-extra-key-file needs --secrets-key-file (the key that seals)");
  std::vector<Key> out;
  for (const auto& path : extra)
    out.push_back(ASTERAI_TRY(key_file("--secrets-extra-key-file", path)));
  return out;
}

int run_node(const NodeArgs& a) {
  auto registry = a.registry.registry_host();
  if (!registry) return report(registry.error());
  auto listen = parse_listen(a.listen);
  if (!listen) return report(listen.error());
  auto timeout = parse_duration(a.max_timeout, "--max-timeout");
  if (!timeout) return report(timeout.error());
  auto max_request = parse_size(a.max_request, "--max-request-size");
  if (!max_request) return report(max_request.error());
  auto max_loaded_memory = parse_size(a.max_loaded_memory, "--max-loaded-memory");
  if (!max_loaded_memory) return report(max_loaded_memory.error());
  auto http_max_body = parse_size(a.http_max_body, "--http-max-body");
  if (!http_max_body) return report(http_max_body.error());
  cloud::NodeOptions o;
  o.plans.base.ceiling.timeout = *timeout;
  if (!a.max_memory.empty()) {
    auto memory = parse_size(a.max_memory, "--max-memory");
    if (!memory) return report(memory.error());
    o.plans.base.ceiling.max_memory = *memory;
  }
  o.plans.base.ceiling.fuel = a.max_fuel;
  if (a.max_concurrent == 0)
    return report(Error{ErrorKind::usage, "--max-concurrent must be at least 1", {}});
  o.plans.base.max_concurrent = a.max_concurrent;
  if (a.max_calls_month == 0u)
    return report(Error{ErrorKind::usage, "--max-calls-per-month must be at least 1", {}});
  o.plans.base.monthly.calls = a.max_calls_month;
  if (!a.max_time_month.empty()) {
    auto time = parse_duration(a.max_time_month, "--max-instance-time-per-month");
    if (!time) return report(time.error());
    if (*time < std::chrono::seconds(1))
      return report(Error{
          ErrorKind::usage, "--max-instance-time-per-month must be at least 1s (e.g. 100h)", {}});
    o.plans.base.monthly.instance_seconds =
        std::chrono::duration_cast<std::chrono::seconds>(*time).count();
  }
  if (!a.plans.empty()) {
    auto plans = cloud::load_plans(a.plans, o.plans.base);
    if (!plans) return report(plans.error());
    o.plans = std::move(*plans);
  }
  auto store = cloud::open_store(a.store.empty() ? default_store() : a.store);
  if (!store) return report(store.error());
  o.store = *store;
  if (!a.secrets_key_file.empty()) {
    auto key = key_file("--secrets-key-file", a.secrets_key_file);
    if (!key) return report(key.error());
    o.secrets_key = std::move(*key);
  }
  auto extra = extra_keys(a.secrets_key_file, a.secrets_extra_key_files);
  if (!extra) return report(extra.error());
  o.secrets_extra_keys = std::move(*extra);
  o.http.host = listen->first;
  o.http.port = listen->second;
  o.http.max_body = *max_request;
  o.http.http_max_body = *http_max_body;
  o.http.access_log = !a.no_access_log;
  o.http.max_connections = a.connections.max_connections;
  o.http.max_connections_per_client = a.connections.max_client_connections;
  o.http.header_timeout_seconds = a.connections.header_timeout;
  o.load = load_options(a.registry, false, a.engine);
  for (const auto& network : a.private_networks)
    if (auto ok = runtime::allow_private_network(network); !ok)
      return report(Error{ErrorKind::usage, "--allow-private-network: " + ok.error().message, {}});
  auto client = host::make_client(*registry, a.registry.oci.plain_http);
  if (!client) return report(client.error());
  o.registry_url = client->base_url();  // plain HTTP on loopback, as every registry command
  o.max_loaded = a.max_loaded;
  o.max_loaded_bytes = *max_loaded_memory;
  o.workers = a.workers;
  o.schedules = !a.no_schedules;
  if (a.usage_wait && !a.usage_spool.empty())
    return report(
        Error{ErrorKind::usage, "give --usage-spool or --usage-wait-for-store, not both", {}});
  if (!a.usage_wait)
    o.usage_spool = a.usage_spool.empty() ? oci::asterai_home() / "cloud" / "spool"
                                          : std::filesystem::path(a.usage_spool);
  auto lease = parse_duration(a.schedule_lease, "--schedule-lease");
  if (!lease) return report(lease.error());
  if (*lease < std::chrono::seconds(1))
    return report(Error{ErrorKind::usage, "--schedule-lease must be at least 1s", {}});
  o.schedule_lease = *lease;
  auto grace = parse_duration(a.schedule_grace, "--schedule-grace");
  if (!grace) return report(grace.error());
  o.schedule_grace = *grace;
  auto clock = schedule::clock_from_environment();  // ASTERAI_CLOCK, for tests
  if (!clock) return report(clock.error());
  o.clock = *clock;
  // Block the stop signals in every thread the node starts; this thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  auto node = cloud::Node::start(std::move(o));
  if (!node) return report(node.error());
  std::printf("asterai cloud node listening on http://%s:%u (registry %s, store %s)\n",
              listen->first.c_str(), (*node)->port(), registry->c_str(),
              (a.store.empty() ? default_store() : a.store).c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  (*node)->stop();
  return 0;
}

void add_node(CLI::App& cloud, int& exit_code) {
  auto a = std::make_shared<NodeArgs>();
  auto* cmd = cloud.add_subcommand(
      "node", "Serve every tenant's deployments (stateless; state is in --store)");
  cmd->add_option("--listen", a->listen, "Address to listen on (HOST:PORT)")->capture_default_str();
  cmd->add_option("--store", a->store, kStoreHelp);
  cmd->add_option("--max-timeout", a->max_timeout, "Plan ceiling: a member's call timeout")
      ->capture_default_str();
  cmd->add_option("--max-memory", a->max_memory,
                  "Plan ceiling: a member's linear memory (e.g. 256MiB; default none)");
  cmd->add_option("--max-fuel", a->max_fuel, "Plan ceiling: a member's fuel (default none)");
  cmd->add_option("--max-concurrent", a->max_concurrent,
                  "Plan: a tenant's requests in progress at once on this node (beyond: 429)")
      ->capture_default_str();
  cmd->add_option("--max-calls-per-month", a->max_calls_month,
                  "Plan quota: a tenant's calls and webhook requests per UTC month, all nodes "
                  "together (beyond: 429 until the month ends; default none)");
  cmd->add_option("--max-instance-time-per-month", a->max_time_month,
                  "Plan quota: the summed wall time of a tenant's instances per UTC month "
                  "(e.g. 100h; default none)");
  cmd->add_option("--plans", a->plans,
                  "A TOML file of named plans and the tenants on them (docs/cloud.md); the plan "
                  "flags above are every other tenant's, and each plan's unset keys");
  cmd->add_option("--max-loaded", a->max_loaded,
                  "Deployments kept loaded (least recently used dropped)")
      ->capture_default_str();
  cmd->add_option("--max-loaded-memory", a->max_loaded_memory,
                  "Compiled code of the loaded deployments, all together (least recently used "
                  "dropped beyond it; 0: no bound)")
      ->type_name("SIZE")
      ->capture_default_str();
  cmd->add_option("--workers", a->workers, "Worker threads per deployment (0 = one per core)")
      ->capture_default_str();
  cmd->add_option("--max-request-size", a->max_request, "Largest API or MCP request body")
      ->capture_default_str();
  cmd->add_option("--http-max-body", a->http_max_body,
                  "Largest webhook request body, unless the member sets its own")
      ->capture_default_str();
  cmd->add_flag("--no-access-log", a->no_access_log, "No JSON line per webhook request on stderr");
  cmd->add_option("--usage-spool", a->usage_spool,
                  "Folder where answered calls' usage records wait for the store (default "
                  "$ASTERAI_HOME/cloud/spool; nodes sharing it replay the files of nodes that "
                  "died)");
  cmd->add_flag("--usage-wait-for-store", a->usage_wait,
                "No spool: every answer waits until its usage record is in the store");
  cmd->add_option("--allow-private-network", a->private_networks,
                  "A non-public network tenants' outgoing HTTP may reach, as ADDRESS or "
                  "ADDRESS/PREFIX (repeatable; their allow-lists still apply). Without it "
                  "only public addresses are reached, whatever a host name resolves to");
  cmd->add_option("--secrets-key-file", a->secrets_key_file,
                  "Keep tenants' secrets (`asterai cloud secret set`), sealed with the key in "
                  "this file (64 hex digits, mode 0600, the same file on every node); without "
                  "it, environments naming secrets are refused");
  cmd->add_option("--secrets-extra-key-file", a->secrets_extra_key_files,
                  "Another key tenants' secrets may be sealed with: they open with it, nothing "
                  "new is sealed with it (repeatable; for rotating the key, docs/cloud.md)");
  cmd->add_flag("--no-schedules", a->no_schedules,
                "Run no deployment's [[schedules]] here (other nodes on the store do)");
  cmd->add_option("--schedule-lease", a->schedule_lease,
                  "How long a node's hold on a deployment's schedules lasts unrenewed: a dead "
                  "node's schedules move to another node after it")
      ->capture_default_str();
  cmd->add_option("--schedule-grace", a->schedule_grace,
                  "How long scheduled runs in flight may finish when their schedules stop here "
                  "(node stopping, new version, lease lost) before they are cancelled")
      ->capture_default_str();
  a->registry.add_to(*cmd);
  a->engine.add_to(*cmd, true);
  add_connection_flags(cmd, a->connections);
  cmd->callback([a, &exit_code] { exit_code = run_node(*a); });
}

// The tenant's side: requests to a node's API with the registry login as Basic credentials.
struct ClientArgs {
  std::string cloud;
  bool json = false;
  EnvRegistryFlags registry;

  void add_to(CLI::App& cmd) {
    cmd.add_option("--cloud", cloud, "The cloud's URL (default $ASTERAI_CLOUD)");
    cmd.add_flag("--json", json, "Print the node's JSON answer");
    registry.add_to(cmd);
  }
};

Result<json> cloud_request(const ClientArgs& a, const std::string& method, const std::string& path,
                           const std::string& body = "",
                           const std::string& content_type = "application/json") {
  std::string url = a.cloud;
  if (url.empty())
    if (const char* c = std::getenv("ASTERAI_CLOUD"); c && *c) url = c;
  if (url.empty())
    return make_error(ErrorKind::usage, "no cloud given: pass --cloud URL or set ASTERAI_CLOUD");
  while (url.ends_with("/")) url.pop_back();
  auto registry = ASTERAI_TRY(a.registry.registry_host());
  auto creds = ASTERAI_TRY(oci::CredentialStore::open_default().find(registry));
  if (!creds)
    return make_error(ErrorKind::unauthorized, "not logged in to " + registry +
                                                   ": run `asterai login " + registry + "` first");
  oci::HttpRequest req;
  req.method = method;
  req.url = url + path;
  req.headers.push_back("Authorization: Basic " +
                        oci::base64_encode(creds->username + ":" + creds->password));
  if (!body.empty()) {
    req.headers.push_back("Content-Type: " + content_type);
    req.body = std::span(reinterpret_cast<const uint8_t*>(body.data()), body.size());
    req.has_body = true;
  }
  auto resp = ASTERAI_TRY(oci::HttpClient().send(req));
  auto answer = json::parse(resp.body, nullptr, false);
  if (!answer.is_object())
    return make_error(ErrorKind::network, req.url + " answered " + std::to_string(resp.status) +
                                              " without JSON; is --cloud a cloud node?");
  if (resp.status >= 300) {
    auto kind = error_kind_from_name(answer.value("/error/kind"_json_pointer, std::string()));
    return make_error(kind.value_or(ErrorKind::network),
                      answer.value("/error/message"_json_pointer, resp.body));
  }
  return answer;
}

void print_deployment(const json& d, const std::string& verb) {
  std::printf("%s %s/%s@%s (%s), at %s\n", verb.c_str(), d.value("tenant", "").c_str(),
              d.value("environment", "").c_str(), d.value("version", "").c_str(),
              d.value("reference", "").c_str(), d.value("path", "").c_str());
}

// One request, its JSON printed (--json) or `human` called on it.
int client_command(const ClientArgs& a, const std::string& method, const std::string& path,
                   const std::string& body, const std::function<void(const json&)>& human,
                   const std::string& content_type = "application/json") {
  auto r = cloud_request(a, method, path, body, content_type);
  if (!r) return report(r.error(), a.json);
  if (a.json)
    std::printf("%s\n", r->dump(2).c_str());
  else
    human(*r);
  return 0;
}

void add_deploy_runs(CLI::App& deploy, int& exit_code);

void add_deploy(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ClientArgs>();
  auto env = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand(
      "deploy",
      "Deploy an environment version to the cloud (NS/NAME@VERSION), or manage deployments");
  cmd->add_option("environment", *env, "NS/NAME@VERSION (pushed with `asterai env push`)");
  a->add_to(*cmd);
  cmd->callback([cmd, a, env, &exit_code] {
    if (!cmd->get_subcommands().empty()) return;
    if (env->empty()) {
      exit_code = report(Error{
          ErrorKind::usage, "give NS/NAME@VERSION, or one of ls, rm, rollback (see --help)", {}});
      return;
    }
    exit_code = client_command(
        *a, "POST", "/v1/deployments", json{{"environment", *env}}.dump(), [](const json& r) {
          print_deployment(r["deployment"], "deployed");
          for (const auto& w : r.value("warnings", json::array()))
            if (w.is_string()) std::fprintf(stderr, "warning: %s\n", w.get<std::string>().c_str());
        });
  });

  auto* ls = cmd->add_subcommand("ls", "List your deployments");
  auto la = std::make_shared<ClientArgs>();
  la->add_to(*ls);
  ls->callback([la, &exit_code] {
    exit_code = client_command(*la, "GET", "/v1/deployments", "", [](const json& r) {
      if (r["deployments"].empty()) std::printf("no deployments\n");
      for (const auto& d : r["deployments"])
        std::printf("%s/%s@%s  %s  %s\n", d.value("tenant", "").c_str(),
                    d.value("environment", "").c_str(), d.value("version", "").c_str(),
                    d.value("reference", "").c_str(), d.value("path", "").c_str());
    });
  });

  for (auto [name, help] :
       {std::pair{"rm", "Stop serving a deployment (every version)"},
        std::pair{"rollback", "Serve the version deployed before the current one"}}) {
    auto* sub = cmd->add_subcommand(name, help);
    auto sa = std::make_shared<ClientArgs>();
    auto target = std::make_shared<std::string>();
    sub->add_option("environment", *target, "NS/NAME")->required();
    sa->add_to(*sub);
    std::string verb = name;
    sub->callback([sa, target, verb, &exit_code] {
      if (!draft_name(*target)) {
        exit_code = report(Error{ErrorKind::usage, "\"" + *target + "\" is not NS/NAME", {}});
        return;
      }
      std::string path = "/v1/deployments/" + *target;
      if (verb == "rm") {
        exit_code = client_command(*sa, "DELETE", path, "", [&](const json&) {
          std::printf("removed %s\n", target->c_str());
        });
      } else {
        exit_code = client_command(*sa, "POST", path + "/rollback", "", [](const json& r) {
          print_deployment(r["deployment"], "rolled back to");
        });
      }
    });
  }
  add_deploy_runs(*cmd, exit_code);
}

// `deploy runs NS/NAME`: the deployment's schedules and their recent runs.
void add_deploy_runs(CLI::App& deploy, int& exit_code) {
  auto* sub = deploy.add_subcommand(
      "runs", "Show a deployment's schedules (next run, last result) and their recent runs");
  auto a = std::make_shared<ClientArgs>();
  auto target = std::make_shared<std::string>();
  auto only = std::make_shared<std::string>();
  auto limit = std::make_shared<size_t>(20);
  sub->add_option("environment", *target, "NS/NAME")->required();
  sub->add_option("--schedule", *only, "Only this schedule");
  sub->add_option("--limit", *limit, "How many runs (default 20)")->check(CLI::Range(1, 10000));
  a->add_to(*sub);
  sub->callback([a, target, only, limit, &exit_code] {
    if (!draft_name(*target)) {
      exit_code = report(Error{ErrorKind::usage, "\"" + *target + "\" is not NS/NAME", {}});
      return;
    }
    std::string path = "/v1/deployments/" + *target + "/runs?limit=" + std::to_string(*limit);
    if (!only->empty()) {
      if (!env::is_valid_schedule_name(*only)) {
        exit_code = report(Error{ErrorKind::usage, "\"" + *only + "\" is not a schedule name", {}});
        return;
      }
      path += "&schedule=" + *only;  // its characters need no escaping
    }
    exit_code = client_command(*a, "GET", path, "", [&](const json& r) {
      print_runs(r, *target + " has no schedule state yet");
    });
  });
}

// `asterai cloud secret set|ls|rm`: the tenant's secrets, kept by the cloud. The value is read
// as for `env secret set` and sent as the request body; nothing ever prints it.
void add_secret(CLI::App& cloud, int& exit_code) {
  auto* secret = cloud.add_subcommand(
      "secret", "Your secrets in the cloud, for deployed members granted them (names only shown)");
  secret->require_subcommand(1);
  auto a = std::make_shared<ClientArgs>();
  auto name = std::make_shared<std::string>();
  auto* set = secret->add_subcommand(
      "set",
      "Store a secret; the value is read from a prompt or stdin. Deployments using it "
      "load again with the new value");
  set->add_option("name", *name, "NAME ([A-Za-z_][A-Za-z0-9_]*)")->required();
  a->add_to(*set);
  set->callback([a, name, &exit_code] {
    auto value = read_secret_value(*name);
    if (!value) {
      exit_code = report(value.error(), a->json);
      return;
    }
    exit_code = client_command(
        *a, "PUT", "/v1/secrets/" + oci::url_escape(*name), *value,
        [&](const json&) { std::printf("secret %s set\n", name->c_str()); },
        "application/octet-stream");
    sodium_memzero(value->data(), value->size());
  });
  auto* ls = secret->add_subcommand("ls", "List your secrets' names");
  a->add_to(*ls);
  ls->callback([a, &exit_code] {
    exit_code = client_command(*a, "GET", "/v1/secrets", "", [](const json& r) {
      if (r["secrets"].empty()) std::printf("no secrets\n");
      for (const auto& n : r["secrets"]) std::printf("%s\n", n.get<std::string>().c_str());
    });
  });
  auto* rm = secret->add_subcommand("rm", "Remove a secret (deployments naming it stop loading)");
  rm->add_option("name", *name, "NAME")->required();
  a->add_to(*rm);
  rm->callback([a, name, &exit_code] {
    exit_code =
        client_command(*a, "DELETE", "/v1/secrets/" + oci::url_escape(*name), "",
                       [&](const json&) { std::printf("secret %s removed\n", name->c_str()); });
  });
}

void add_usage(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ClientArgs>();
  auto from = std::make_shared<std::string>();
  auto to = std::make_shared<std::string>();
  auto* cmd = app.add_subcommand("usage", "Your cloud usage by day, deployment and function");
  cmd->add_option("--from", *from, "First day, YYYY-MM-DD (default 29 days ago)");
  cmd->add_option("--to", *to, "Last day, YYYY-MM-DD (default today)");
  a->add_to(*cmd);
  cmd->callback([a, from, to, &exit_code] {
    std::string path = "/v1/usage";
    std::string sep = "?";
    if (!from->empty()) path += sep + "from=" + oci::url_escape(*from), sep = "&";
    if (!to->empty()) path += sep + "to=" + oci::url_escape(*to);
    exit_code = client_command(*a, "GET", path, "", [](const json& r) {
      if (r["usage"].empty()) std::printf("no usage in that time\n");
      for (const auto& u : r["usage"])
        std::printf(
            "%s  %-20s %-40s %6llu calls %4llu errors %9.3f s\n", u.value("day", "").c_str(),
            u.value("environment", "").c_str(), u.value("function", "").c_str(),
            static_cast<unsigned long long>(u.value("calls", 0ull)),
            static_cast<unsigned long long>(u.value("errors", 0ull)), u.value("wall_seconds", 0.0));
    });
  });
}

// `asterai cloud reseal-secrets`: the operator's step of a key rotation, on the store itself.
void add_reseal(CLI::App& cloud, int& exit_code) {
  struct Args {
    std::string store, key;
    std::vector<std::string> extra;
  };
  auto a = std::make_shared<Args>();
  auto* cmd = cloud.add_subcommand(
      "reseal-secrets",
      "Seal every tenant's secrets again with --secrets-key-file, opening them with it or an "
      "extra key (rotating the key: docs/cloud.md); safe beside running nodes");
  cmd->add_option("--store", a->store, kStoreHelp);
  cmd->add_option("--secrets-key-file", a->key, "The key every secret is to be sealed with")
      ->required();
  cmd->add_option("--secrets-extra-key-file", a->extra,
                  "A key secrets are sealed with now (repeatable)")
      ->required();
  cmd->callback([a, &exit_code] {
    exit_code = [&a] {
      auto key = key_file("--secrets-key-file", a->key);
      if (!key) return report(key.error());
      auto extra = extra_keys(a->key, a->extra);
      if (!extra) return report(extra.error());
      auto store = cloud::open_store(a->store.empty() ? default_store() : a->store);
      if (!store) return report(store.error());
      auto done = cloud::reseal_secrets(**store, **key, *extra);
      if (!done) return report(done.error());
      std::printf(
          "sealed %zu secret(s) again with the new key; %zu had it already, %zu were set "
          "again meanwhile and left as they were\n",
          done->resealed, done->current, done->changed);
      return 0;
    }();
  });
}

}  // namespace

void add_cloud_commands(CLI::App& app, int& exit_code) {
  auto* cloud = app.add_subcommand("cloud", "Run the multi-tenant cloud (docs/cloud.md)");
  cloud->require_subcommand(1);
  add_node(*cloud, exit_code);
  add_secret(*cloud, exit_code);
  add_reseal(*cloud, exit_code);
  add_deploy(app, exit_code);
  add_usage(app, exit_code);
}

}  // namespace asterai::cli
