#include "asterai/cloud/node.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <future>

#include "asterai/httpapi/site.h"
#include "node_impl.h"

namespace asterai::cloud {
namespace {

using mcp::HttpRequest;
using mcp::HttpResponse;

int64_t now_us() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What a call's or a run's record says of its deployment and its instance.
UsageRecord record_of(const Deployment& d, std::string kind, std::string member,
                      std::string function, const runtime::CallStats& stats) {
  UsageRecord r;
  r.tenant = d.tenant;
  r.environment = d.environment;
  r.version = d.version;
  r.member = std::move(member);
  r.function = std::move(function);
  r.kind = std::move(kind);
  r.wall_us = static_cast<int64_t>(stats.wall_ms * 1000);
  r.fuel = stats.fuel_used;
  r.peak_memory = stats.peak_memory_bytes;
  r.http_bytes = stats.http_bytes_sent + stats.http_bytes_received;
  return r;
}

// Usage records of one deployment's tool calls; each answer waits for its record.
mcp::CallObserver usage_observer(Node::Impl& node, const Deployment& d) {
  return [&node, d](const mcp::ToolCall& call, mcp::ToolCallResult& result,
                    std::function<void()> release) {
    // Refused for room (503, as a refusal at the door): no record.
    if (result.outcome.never_ran()) return release();
    UsageRecord r = record_of(d, "call", call.tool->component_name,
                              call.tool->function->qualified_name(), result.outcome.stats);
    r.call_id = result.call_id = new_call_id();
    r.started_us = now_us() - r.wall_us;
    r.outcome =
        result.outcome.ok() ? "ok" : std::string(error_kind_name(result.outcome.error->kind));
    ++node.calls;
    node.quotas.add(d.tenant, r.wall_us);
    node.usage.record(std::move(r), std::move(release));
  };
}

// Usage records of one deployment's webhook requests (written after the answer, which
// streams).
std::function<void(const mcp::HttpSample&)> http_usage_observer(Node::Impl& node,
                                                                const Deployment& d) {
  return [&node, d](const mcp::HttpSample& s) {
    if (s.never_ran) return;  // refused for room (503): no record
    UsageRecord r;
    r.call_id = new_call_id();
    r.tenant = d.tenant;
    r.environment = d.environment;
    r.version = d.version;
    r.member = s.member;
    r.function = s.route;
    r.kind = "http";
    r.wall_us = static_cast<int64_t>(s.wall_seconds * 1e6);
    r.started_us = now_us() - r.wall_us;
    r.fuel = s.fuel;
    r.peak_memory = s.peak_memory_bytes;
    r.http_bytes = s.request_bytes + s.response_bytes;
    r.outcome = s.error_kind.empty() ? "ok" : s.error_kind;
    node.quotas.add(d.tenant, r.wall_us);
    node.usage.record(std::move(r), nullptr);
  };
}

// The usage record of a schedule run; the run's outcome is recorded once it is durable. Its
// call id comes from the run's row, so a record written twice counts once.
void record_schedule_run(Node::Impl& node, const Deployment& d, const host::RunReport& report) {
  UsageRecord r = record_of(d, "schedule", report.member, report.function, report.result.stats);
  r.call_id = "schedule-run-" + std::to_string(report.run.id);
  r.started_us =
      std::chrono::duration_cast<std::chrono::microseconds>(report.started.time_since_epoch())
          .count();
  r.outcome = std::string(schedule::outcome_name(report.result.outcome));
  node.quotas.add(d.tenant, r.wall_us);
  std::promise<void> durable;
  auto stored = durable.get_future();
  node.usage.record(std::move(r), [&durable] { durable.set_value(); });
  stored.wait();
}

// A name no other node process has: the host's, the process id and random bits.
std::string node_name() {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  return std::string(host) + "/" + std::to_string(::getpid()) + "/" + random_hex(4);
}

// "/ns/env/rest…" -> (ns, env, "/rest…"); nullopt for fewer than two segments.
struct Parsed {
  std::string ns, env, rest;
};
std::optional<Parsed> split_target(const std::string& target) {
  if (target.size() < 2 || target[0] != '/') return std::nullopt;
  auto a = target.find('/', 1);
  if (a == std::string::npos) return std::nullopt;
  auto b = target.find_first_of("/?", a + 1);
  Parsed p{target.substr(1, a - 1), target.substr(a + 1, b == std::string::npos ? b : b - a - 1),
           b == std::string::npos ? "/" : target.substr(b)};
  if (p.ns.empty() || p.env.empty()) return std::nullopt;
  if (p.rest.starts_with("?")) p.rest = "/" + p.rest;
  return p;
}

class NodeSite : public httpapi::Site {
 public:
  explicit NodeSite(Node::Impl& node) : node_(node) {}

  bool blocking() const override { return true; }

  std::optional<httpapi::Mount> mount(std::string& target, const HttpRequest& head) const override {
    return resolve(target, head, true)->mount;
  }

  // A warm deployment with remembered credentials (nearly every request) is mounted on the
  // event loop, without the hop to the blocking pool and back.
  std::optional<Quick> quick_mount(std::string& target, const HttpRequest& head) const override {
    return resolve(target, head, false);
  }

  HttpResponse handle(const HttpRequest& request) const override { return node_.handle(request); }
  size_t max_body() const override { return node_.options.http.max_body; }

 private:
  // Where `target` goes; nullopt only when `may_block` is false and the credentials, the
  // deployment or the tenant's quota totals are not in the caches (then `target` is
  // unchanged and nobody was admitted).
  std::optional<Quick> resolve(std::string& target, const HttpRequest& head, bool may_block) const {
    if (target == "/healthz" || target == "/metrics" || target.starts_with("/v1/") ||
        target == "/v1")
      return Quick{};
    auto parsed = split_target(target);
    if (!parsed) return answer(error_response(Error{ErrorKind::not_found, "no route here", {}}));
    bool webhook = parsed->rest == "/http" || parsed->rest.starts_with("/http/") ||
                   parsed->rest.starts_with("/http?");
    if (!webhook) {
      // The deployment's API and MCP: its tenant only.
      Result<std::string> tenant = make_error(ErrorKind::unauthorized, "");
      if (may_block) {
        tenant = node_.tenant(head);
      } else if (auto known = node_.identity.remembered(head.header("authorization"))) {
        tenant = std::move(*known);
      } else {
        return std::nullopt;
      }
      if (!tenant) return answer(error_response(tenant.error()));
      if (*tenant != parsed->ns)
        return answer(error_response(
            Error{ErrorKind::denied, *tenant + " may not use deployments of " + parsed->ns, {}}));
    }
    // The deployment first: a stranger's webhook request to a path that names no deployment
    // must not reach the tenant's quota or admission counts (nor grow them per name).
    std::shared_ptr<LiveDeployment> live;
    if (!may_block) {
      live = node_.deployments.cached(parsed->ns, parsed->env);
      if (!live) return std::nullopt;
    } else {
      auto got = node_.deployments.get(parsed->ns, parsed->env);
      if (!got) return answer(error_response(got.error()));
      live = std::move(*got);
    }
    auto quota = node_.quotas.check(parsed->ns, may_block);
    if (!quota) return std::nullopt;
    if (quota->over) {
      auto r = error_response(*quota->over);
      r.headers.emplace_back("Retry-After", std::to_string(quota->retry_after_seconds));
      return answer(std::move(r));
    }
    auto bucket = webhook ? Admissions::Bucket::webhooks : Admissions::Bucket::api;
    size_t limit = node_.options.plans.of(parsed->ns).max_concurrent;
    auto admitted = node_.admissions.admit(parsed->ns, bucket, limit);
    if (!admitted) {
      auto r = error_response(Error{ErrorKind::over_quota,
                                    parsed->ns + " has " + std::to_string(limit) +
                                        (webhook ? " webhook requests" : " requests") +
                                        " in progress on this node, its plan's most; retry shortly",
                                    {}});
      r.headers.emplace_back("Retry-After", "1");
      return answer(std::move(r));
    }
    target = webhook ? parsed->rest.substr(5) : parsed->rest;
    if (target.empty() || target[0] != '/') target = "/" + target;
    httpapi::Mount m;
    m.routes = live->routes.get();
    m.keep =
        std::make_shared<std::pair<std::shared_ptr<LiveDeployment>, std::shared_ptr<const void>>>(
            std::move(live), std::move(admitted));
    m.proxy_only = webhook;
    return Quick{std::move(m)};
  }

  static Quick answer(HttpResponse response) {
    httpapi::Mount m;
    m.answer = std::move(response);
    return Quick{std::move(m)};
  }
  Node::Impl& node_;
};

}  // namespace

std::shared_ptr<const void> Admissions::admit(const std::string& tenant, Bucket bucket,
                                              size_t limit) {
  std::lock_guard lock(mutex_);
  auto key = std::make_pair(tenant, bucket);
  auto& n = in_flight_[key];
  if (n >= limit) {
    ++refused_[tenant];
    if (n == 0) in_flight_.erase(key);
    return nullptr;
  }
  ++n;
  ++admitted_[tenant];
  static const int held = 0;  // any non-null pointer: the deleter is what matters
  return std::shared_ptr<const void>(&held, [this, key](const void*) {
    std::lock_guard lock(mutex_);
    if (--in_flight_[key] == 0) in_flight_.erase(key);
  });
}

Admissions::Counts Admissions::counts() const {
  std::lock_guard lock(mutex_);
  Counts c;
  for (const auto& [tenant, n] : in_flight_) c.in_flight += n;
  c.admitted = admitted_;
  c.refused = refused_;
  return c;
}

Node::Impl::Impl(NodeOptions o, std::shared_ptr<const runtime::Runtime> runtime,
                 std::unique_ptr<UsageSpool> spool)
    : options(std::move(o)),
      secrets(options.secrets_key
                  ? std::make_shared<const TenantSecrets>(options.store, options.secrets_key,
                                                          options.secrets_extra_keys)
                  : nullptr),
      identity(options.token_check, options.basic_exchange),
      usage(options.store, 1024, std::move(spool)),
      deployments(
          options.store,
          [&] {
            DeploymentsOptions d;
            d.runtime = std::move(runtime);
            d.load = options.load;  // tenant_load (secrets.h) marks it a tenant's
            d.secrets = secrets;
            d.max_loaded = options.max_loaded;
            d.max_loaded_bytes = options.max_loaded_bytes;
            d.workers = options.workers;
            d.http = options.http;
            d.observer = [this](const Deployment& dep) { return usage_observer(*this, dep); };
            d.http_observer = [this](const Deployment& dep) {
              return http_usage_observer(*this, dep);
            };
            d.gate = [this](const Deployment& dep) -> mcp::CallGate {
              return [this, tenant = dep.tenant](bool wait) { return cores.enter(tenant, wait); };
            };
            d.queue_wait = [this](double seconds) { queue_waits.add(seconds); };
            return d;
          }()),
      quotas(options.store,
             [this](const std::string& tenant) { return options.plans.of(tenant).monthly; }) {}

Node::Node(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Node::~Node() {
  stop();
}

Result<std::unique_ptr<Node>> Node::start(NodeOptions options) {
  if (!options.token_check) {
    options.token_check = ASTERAI_TRY(registry_token_check(options.registry_url));
  }
  if (!options.basic_exchange)
    options.basic_exchange = registry_basic_exchange(options.registry_url);
  // Every tenant's deployments and schedules load into the same engines: one each would
  // reserve a pool's address space apiece and run out of it after a few dozen.
  // The deployments' servers run in the first of them (the one without fuel).
  if (!options.load.runtimes) options.load.runtimes = std::make_shared<runtime::SharedRuntimes>();
  std::shared_ptr<const runtime::Runtime> server_runtime =
      ASTERAI_TRY(options.load.runtimes->get(options.load.engine));
  std::unique_ptr<UsageSpool> spool;
  if (!options.usage_spool.empty()) spool = ASTERAI_TRY(UsageSpool::open(options.usage_spool));
  auto impl =
      std::make_unique<Impl>(std::move(options), std::move(server_runtime), std::move(spool));
  impl->site = std::make_unique<NodeSite>(*impl);
  const httpapi::Site* site = impl->site.get();
  auto handler = [site](net::Connection& c) { return httpapi::serve_connection(*site, c); };
  net::Overloaded overloaded{
      "application/json", R"({"ok":false,"error":{"kind":"busy","message":"too many clients"}})"};
  impl->listener = ASTERAI_TRY(net::Listener::start(httpapi::listener_options(impl->options.http),
                                                    handler, std::move(overloaded)));
  if (impl->options.schedules) {
    ScheduleKeeperOptions k;
    k.holder = node_name();
    k.lease = impl->options.schedule_lease;
    k.load = impl->options.load;
    k.secrets = impl->secrets;
    k.clock = impl->options.clock;
    k.grace = impl->options.schedule_grace;
    Node::Impl* node = impl.get();
    k.on_run = [node](const Deployment& d, const host::RunReport& r) {
      record_schedule_run(*node, d, r);
    };
    // A tenant over a monthly quota gets no scheduled runs either; the others run within the
    // tenant's share of the cores, as its calls do.
    k.admit = [node](const Deployment& d,
                     const std::atomic<bool>* cancel) -> Result<std::shared_ptr<const void>> {
      auto verdict = node->quotas.check(d.tenant, /*may_block=*/true);
      if (verdict && verdict->over) return tl::unexpected(*verdict->over);
      if (auto held = node->cores.enter(d.tenant, /*wait=*/true, cancel)) return held;
      return make_error(ErrorKind::cancelled,
                        "the schedules stopped while the run waited for its tenant's share "
                        "of the cores");
    };
    k.log = [](const std::string& line) { std::fprintf(stderr, "%s\n", line.c_str()); };
    impl->schedules = std::make_unique<ScheduleKeeper>(impl->options.store, std::move(k));
  }
  return std::unique_ptr<Node>(new Node(std::move(impl)));
}

const httpapi::Site& Node::site() const {
  return *impl_->site;
}

uint16_t Node::port() const {
  return impl_->listener->port();
}

void Node::stop() {
  if (!impl_) return;
  impl_->schedules.reset();  // gives the leases up for another node
  if (!impl_->listener) return;
  impl_->listener->stop([this] { impl_->deployments.close_streams(); });
  impl_->listener.reset();
}

}  // namespace asterai::cloud
