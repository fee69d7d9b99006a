// The node's own API: deployments and usage for the caller's tenant, liveness, metrics.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "asterai/host/environment.h"
#include "asterai/host/tenant_rules.h"
#include "asterai/httpapi/prometheus.h"
#include "asterai/mcp/jsonrpc.h"
#include "asterai/schedule/report.h"
#include "node_impl.h"

namespace asterai::cloud {
namespace {

using mcp::HttpRequest;
using mcp::HttpResponse;
using nlohmann::json;

int status_of(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::unauthorized:
      return 401;
    case ErrorKind::denied:
      return 403;
    case ErrorKind::not_found:
      return 404;
    case ErrorKind::conflict:
      return 409;
    case ErrorKind::too_large:
      return 413;
    case ErrorKind::over_quota:
      return 429;
    case ErrorKind::usage:
    case ErrorKind::invalid_input:
    case ErrorKind::bad_arguments:
    case ErrorKind::digest_invalid:
    case ErrorKind::link:
    case ErrorKind::invalid_component:
    case ErrorKind::not_a_component:
    case ErrorKind::not_wasm:
    case ErrorKind::missing_import:
    case ErrorKind::signature:
      return 400;
    case ErrorKind::network:
      return 502;
    default:
      return 500;
  }
}

json deployment_json(const Deployment& d) {
  return {{"tenant", d.tenant},   {"environment", d.environment},
          {"version", d.version}, {"reference", d.reference},
          {"created", d.created}, {"path", "/" + d.tenant + "/" + d.environment}};
}

// "YYYY-MM-DD" -> unix microseconds at its midnight, UTC.
std::optional<int64_t> parse_day_us(const std::string& text) {
  int y = 0;
  unsigned m = 0, d = 0;
  char extra = 0;
  if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &extra) != 3)
    return std::nullopt;
  std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{m}, std::chrono::day{d}};
  if (!ymd.ok()) return std::nullopt;
  auto since = std::chrono::sys_days{ymd}.time_since_epoch();
  return std::chrono::duration_cast<std::chrono::microseconds>(since).count();
}

// The composition behind a loaded deployment's tools and routes.
std::shared_ptr<const runtime::Composition> composition_of(const LiveDeployment& live) {
  auto catalog = live.server->catalog();
  for (const auto& t : catalog->tools())
    if (t.composition) return t.composition;
  for (const auto& r : catalog->routes())
    if (r.composition) return r.composition;
  return nullptr;
}

}  // namespace

HttpResponse json_response(int status, const json& body) {
  return HttpResponse::json(status, mcp::jsonrpc::dump(body));
}

HttpResponse error_response(const Error& error) {
  auto r = json_response(
      status_of(error.kind),
      {{"ok", false},
       {"error", {{"kind", error_kind_name(error.kind)}, {"message", error.to_string()}}}});
  if (error.kind == ErrorKind::unauthorized)
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"asterai cloud\"");
  return r;
}

HttpResponse Node::Impl::handle(const HttpRequest& req) {
  if (req.path == "/healthz")
    return json_response(200, {{"status", "ok"}, {"deployments_loaded", deployments.loaded()}});
  if (req.path == "/metrics") return metrics();
  auto tenant = this->tenant(req);
  if (!tenant) return error_response(tenant.error());
  if (req.path == "/v1/deployments" || req.path.starts_with("/v1/deployments/")) {
    if (req.path == "/v1/deployments" && req.method == "POST") return deploy(*tenant, req);
    return deployments_of(*tenant, req);
  }
  if (req.path == "/v1/usage" && req.method == "GET") return usage_of(*tenant, req);
  if (req.path == "/v1/secrets" || req.path.starts_with("/v1/secrets/"))
    return secrets_of(*tenant, req);
  return error_response(
      Error{ErrorKind::not_found, req.method + " " + req.path + ": no such endpoint", {}});
}

HttpResponse Node::Impl::deploy(const std::string& tenant, const HttpRequest& req) {
  json body = json::parse(req.body, nullptr, false);
  if (!body.is_object() || !body.contains("environment") || !body["environment"].is_string())
    return error_response(
        Error{ErrorKind::invalid_input, "expected {\"environment\": \"NS/NAME@VERSION\"}", {}});
  std::string text = body["environment"];
  auto ref = host::version_reference(text, options.load.registry);
  if (!ref) return error_response(ref.error());
  auto registry = options.load.registry.registry_host();
  if (!registry) return error_response(registry.error());
  if (ref->registry != *registry)
    return error_response(
        Error{ErrorKind::denied,
              "this cloud deploys from " + *registry + " only, not " + ref->registry,
              {}});
  auto slash = ref->repository.find('/');
  if (slash == std::string::npos || ref->repository.find('/', slash + 1) != std::string::npos)
    return error_response(Error{ErrorKind::invalid_input, ref->repository + " is not NS/NAME", {}});
  std::string ns = ref->repository.substr(0, slash);
  if (ns != tenant)
    return error_response(
        Error{ErrorKind::denied, tenant + " may not deploy into the namespace " + ns, {}});
  auto pulled = host::pull_env(*ref, options.load.registry);
  if (!pulled) return error_response(pulled.error());
  if (auto ok = host::check_tenant_rules(pulled->doc, *registry, secrets != nullptr); !ok)
    return error_response(ok.error());
  if (auto ok = check_component_access(tenant, pulled->doc, options.load.registry.plain_http); !ok)
    return error_response(ok.error());
  Deployment d;
  d.tenant = tenant;
  d.environment = ref->repository.substr(slash + 1);
  d.version = ref->tag.empty() ? ref->digest : ref->tag;
  d.reference = ref->name() + "@" + pulled->manifest_digest;
  d.schedules = pulled->doc.schedules.size();  // run by the node holding its lease
  // It must load and link here, within the plan, before any node is told to serve it.
  auto live = deployments.load(d);
  if (!live) return error_response(live.error());
  if (auto composition = composition_of(**live)) {
    if (auto ok = check_plan(options.plans.of(tenant), *composition); !ok)
      return error_response(ok.error());
  }
  auto stored = options.store->deploy(d);
  if (!stored) return error_response(stored.error());
  (*live)->deployment = *stored;
  deployments.adopt(*live);
  json warnings = json::array();
  return json_response(
      201,
      {{"ok", true}, {"deployment", deployment_json(*stored)}, {"warnings", std::move(warnings)}});
}

HttpResponse Node::Impl::deployments_of(const std::string& tenant, const HttpRequest& req) {
  if (req.path == "/v1/deployments") {
    if (req.method != "GET")
      return error_response(Error{ErrorKind::invalid_input, "use GET or POST here", {}});
    auto list = options.store->list(tenant);
    if (!list) return error_response(list.error());
    json out = json::array();
    for (const auto& d : *list) out.push_back(deployment_json(d));
    return json_response(200, {{"ok", true}, {"deployments", out}});
  }
  // /v1/deployments/NS/ENV[/rollback|/runs]
  std::string rest = req.path.substr(std::string_view("/v1/deployments/").size());
  auto a = rest.find('/');
  auto b = a == std::string::npos ? a : rest.find('/', a + 1);
  std::string ns = rest.substr(0, a);
  std::string env =
      a == std::string::npos ? "" : rest.substr(a + 1, b == std::string::npos ? b : b - a - 1);
  std::string action = b == std::string::npos ? "" : rest.substr(b + 1);
  if (ns.empty() || env.empty() || (!action.empty() && action != "rollback" && action != "runs"))
    return error_response(Error{ErrorKind::not_found, req.path + ": no such endpoint", {}});
  if (ns != tenant)
    return error_response(
        Error{ErrorKind::denied, tenant + " may not manage deployments of " + ns, {}});
  if (action == "runs") return runs_of(ns + "/" + env, req);
  if (action == "rollback") {
    if (req.method != "POST")
      return error_response(Error{ErrorKind::invalid_input, "rollback is a POST", {}});
    auto now = options.store->rollback(ns, env);
    if (!now) return error_response(now.error());
    deployments.forget(ns, env);
    return json_response(200, {{"ok", true}, {"deployment", deployment_json(*now)}});
  }
  if (req.method == "DELETE") {
    if (auto r = options.store->remove(ns, env); !r) return error_response(r.error());
    deployments.forget(ns, env);
    return json_response(200, {{"ok", true}, {"removed", ns + "/" + env}});
  }
  if (req.method != "GET")
    return error_response(Error{ErrorKind::invalid_input, "use GET or DELETE here", {}});
  auto active = options.store->active(ns, env);
  if (!active) return error_response(active.error());
  if (!*active)
    return error_response(Error{ErrorKind::not_found, ns + "/" + env + " is not deployed", {}});
  return json_response(200, {{"ok", true}, {"deployment", deployment_json(**active)}});
}

// GET /v1/secrets (names only), PUT /v1/secrets/NAME (the body is the value), DELETE
// /v1/secrets/NAME. A secret's value is never answered: members get it, nobody else.
HttpResponse Node::Impl::secrets_of(const std::string& tenant, const HttpRequest& req) {
  if (!secrets)
    return error_response(Error{ErrorKind::denied,
                                "this cloud keeps no secrets: its nodes run without "
                                "--secrets-key-file",
                                {}});
  if (req.path == "/v1/secrets") {
    if (req.method != "GET") return error_response(Error{ErrorKind::invalid_input, "use GET", {}});
    auto names = secrets->names(tenant);
    if (!names) return error_response(names.error());
    return json_response(200, {{"ok", true}, {"secrets", *names}});
  }
  std::string name = req.path.substr(std::string_view("/v1/secrets/").size());
  if (req.method == "PUT") {
    if (auto ok = secrets->set(tenant, name, req.body); !ok) return error_response(ok.error());
    // Loaded deployments have the old value: this node loads the tenant's again on next use.
    deployments.forget_tenant(tenant);
    return json_response(200, {{"ok", true}, {"secret", name}});
  }
  if (req.method == "DELETE") {
    if (auto ok = secrets->remove(tenant, name); !ok) return error_response(ok.error());
    deployments.forget_tenant(tenant);
    return json_response(200, {{"ok", true}, {"removed", name}});
  }
  return error_response(Error{ErrorKind::invalid_input, "use PUT or DELETE here", {}});
}

// The schedules' state and recent runs, kept under "NS/ENV" whichever version ran them.
HttpResponse Node::Impl::runs_of(const std::string& key, const HttpRequest& req) {
  if (req.method != "GET") return error_response(Error{ErrorKind::invalid_input, "use GET", {}});
  std::string only;
  size_t limit = 20;
  if (auto it = req.query.find("schedule"); it != req.query.end()) only = it->second;
  if (auto it = req.query.find("limit"); it != req.query.end()) {
    size_t n = 0;
    const auto& text = it->second;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc() || end != text.data() + text.size() || n == 0 || n > 10000)
      return error_response(
          Error{ErrorKind::invalid_input, "limit must be a number from 1 to 10000", {}});
    limit = n;
  }
  auto state = options.store->schedule_state();
  if (!state) return error_response(state.error());
  auto states = (*state)->schedules(key);
  if (!states) return error_response(states.error());
  auto runs = (*state)->runs(key, only, limit);
  if (!runs) return error_response(runs.error());
  json body = schedule::runs_report(key, *states, *runs, only);
  body["ok"] = true;
  return json_response(200, body);
}

HttpResponse Node::Impl::usage_of(const std::string& tenant, const HttpRequest& req) {
  using namespace std::chrono;
  int64_t day_us = duration_cast<microseconds>(days{1}).count();
  int64_t today =
      day_start_us(duration_cast<microseconds>(system_clock::now().time_since_epoch()).count());
  int64_t from = today - 29 * day_us, to = today + day_us;
  for (auto [name, target] : {std::pair{"from", &from}, std::pair{"to", &to}}) {
    auto it = req.query.find(name);
    if (it == req.query.end()) continue;
    auto start = parse_day_us(it->second);
    if (!start)
      return error_response(
          Error{ErrorKind::invalid_input,
                std::string(name) + "=" + it->second + ": expected a day as YYYY-MM-DD",
                {}});
    *target = std::string_view(name) == "to" ? *start + day_us : *start;  // `to` is inclusive
  }
  auto totals = options.store->usage(tenant, from, to);
  if (!totals) return error_response(totals.error());
  json rows = json::array();
  for (const auto& t : *totals) {
    rows.push_back({{"day", t.day},
                    {"environment", t.environment},
                    {"function", t.function},
                    {"calls", t.calls},
                    {"errors", t.errors},
                    {"wall_seconds", static_cast<double>(t.wall_us) / 1e6},
                    {"fuel", t.fuel}});
  }
  return json_response(200, {{"ok", true}, {"tenant", tenant}, {"usage", rows}});
}

HttpResponse Node::Impl::metrics() {
  std::string text;
  auto gauge = [&text](const char* name, const char* help, const char* type, uint64_t value) {
    text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n" +
            name + " " + std::to_string(value) + "\n";
  };
  gauge("asterai_cloud_deployments_loaded", "Deployments this node holds loaded.", "gauge",
        deployments.loaded());
  gauge("asterai_cloud_deployments_loaded_bytes",
        "Compiled code of the deployments this node holds loaded, in bytes.", "gauge",
        deployments.loaded_bytes());
  gauge("asterai_cloud_calls_total", "Tool calls this node ran for deployments.", "counter",
        calls.load());
  gauge("asterai_cloud_usage_batches_total", "Usage batches stored (one transaction each).",
        "counter", usage.batches());
  auto counts = admissions.counts();
  gauge("asterai_cloud_calls_in_flight",
        "Requests to deployments in progress on this node (API, MCP, webhooks).", "gauge",
        counts.in_flight);
  auto per_tenant = [&text](const char* name, const char* help,
                            const std::map<std::string, uint64_t>& values) {
    text += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " counter\n";
    for (const auto& [tenant, n] : values)
      text += std::string(name) + "{tenant=\"" + tenant + "\"} " + std::to_string(n) + "\n";
  };
  httpapi::prometheus_histogram(
      text, "asterai_cloud_queue_wait_seconds",
      "Time calls and webhook requests waited to start: for a worker of their deployment and "
      "for their tenant's share of the cores.",
      queue_waits.snapshot());
  per_tenant("asterai_cloud_requests_total", "Requests to a tenant's deployments, admitted.",
             counts.admitted);
  per_tenant("asterai_cloud_over_quota_total",
             "Requests refused with 429: the tenant had its plan's most in progress.",
             counts.refused);
  per_tenant("asterai_cloud_monthly_quota_refused_total",
             "Requests refused with 429: the tenant used a monthly quota of its plan.",
             quotas.refused());
  per_tenant("asterai_cloud_core_share_waits_total",
             "Calls that waited while their tenant ran its share of the cores beside others.",
             cores.waits());
  auto r = HttpResponse::text(200, text);
  for (auto& [k, v] : r.headers)
    if (k == "Content-Type") v = "text/plain; version=0.0.4";
  return r;
}

}  // namespace asterai::cloud
