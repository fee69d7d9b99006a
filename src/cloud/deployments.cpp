#include "asterai/cloud/deployments.h"

#include <set>
#include <vector>

#include "asterai/host/tool_source.h"

namespace asterai::cloud {
namespace {

constexpr size_t kMaxNegative = 10000;

// The compiled code of every component a catalog serves or reaches (an environment's members
// that export no tool, too), each counted once.
uint64_t code_bytes(const mcp::Catalog& catalog) {
  std::set<const runtime::Component*> seen;
  uint64_t total = 0;
  auto count = [&](const runtime::Component* c) {
    if (c && seen.insert(c).second) total += c->code_bytes();
  };
  auto count_all = [&](const runtime::Component* c, const runtime::Composition* composition) {
    count(c);
    if (composition)
      for (const auto& member : composition->members()) count(member.component.get());
  };
  for (const auto& tool : catalog.tools()) count_all(tool.component.get(), tool.composition.get());
  for (const auto& route : catalog.routes())
    count_all(route.component.get(), route.composition.get());
  return total;
}

}  // namespace

LiveDeployment::~LiveDeployment() {
  if (mcp) mcp->close_streams();
}

Deployments::Deployments(std::shared_ptr<Store> store, DeploymentsOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

Result<std::shared_ptr<LiveDeployment>> Deployments::load(const Deployment& d) {
  auto live = std::make_shared<LiveDeployment>();
  live->deployment = d;
  // Read before the secrets are: a change meanwhile makes the next request load it again.
  if (options_.secrets) live->secrets_stamp = ASTERAI_TRY(store_->secrets_stamp(d.tenant));
  live->options = options_.http;
  mcp::ServerOptions server;
  server.workers = options_.workers;
  server.max_queued = options_.max_queued;
  if (options_.observer) server.observer = options_.observer(d);
  if (options_.gate) server.gate = options_.gate(d);
  server.queue_wait = options_.queue_wait;
  if (options_.http_observer) server.http_observer = options_.http_observer(d);
  auto source = host::env_tool_source(d.reference,
                                      tenant_load(options_.load, options_.secrets, d.tenant), {});
  live->server = ASTERAI_TRY(mcp::Server::create(options_.runtime, std::move(source), server));
  live->code_bytes = code_bytes(*live->server->catalog());
  live->mcp = std::make_unique<mcp::StreamableHttp>(*live->server);
  live->routes =
      std::make_unique<httpapi::Routes>(httpapi::Routes{*live->server, *live->mcp, live->options});
  return live;
}

Result<std::shared_ptr<LiveDeployment>> Deployments::get(const std::string& tenant,
                                                         const std::string& environment) {
  std::string key = tenant + "/" + environment;
  auto now = std::chrono::steady_clock::now();
  auto [cached, fresh] = lookup(key, now);
  if (fresh) return cached;
  auto not_deployed = [&] { return make_error(ErrorKind::not_found, key + " is not deployed"); };
  {
    std::lock_guard lock(mutex_);
    if (auto it = negative_.find(key); it != negative_.end() && now - it->second < options_.recheck)
      return not_deployed();
  }
  auto active = ASTERAI_TRY(store_->active(tenant, environment));
  if (!active) {
    forget(tenant, environment);
    std::lock_guard lock(mutex_);
    if (negative_.size() >= kMaxNegative) negative_.clear();
    negative_[key] = now;
    return not_deployed();
  }
  // A loaded version serves on while it still answers and its tenant's secrets are unchanged.
  int64_t stamp = options_.secrets ? ASTERAI_TRY(store_->secrets_stamp(tenant)) : 0;
  auto current = [&](const LiveDeployment& live) {
    return live.deployment.id == active->id && live.secrets_stamp == stamp;
  };
  if (cached && current(*cached)) {
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end()) it->second.checked = now;
    return cached;
  }
  std::lock_guard loading(load_mutex_);
  {
    // Another request may have loaded it while this one waited.
    std::lock_guard lock(mutex_);
    if (auto it = entries_.find(key); it != entries_.end() && current(*it->second.live))
      return it->second.live;
  }
  auto live = ASTERAI_TRY(load(*active));
  keep(key, live);
  return live;
}

std::shared_ptr<LiveDeployment> Deployments::cached(const std::string& tenant,
                                                    const std::string& environment) {
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mutex_);
  Entry* found = touch_locked(tenant + "/" + environment);
  if (!found) return nullptr;
  auto& entry = *found;
  if (now - entry.checked < options_.recheck) return entry.live;
  // Stale: one request asks the store (get(), on the blocking pool; see RefreshClaim); the
  // rest are served what is loaded meanwhile.
  return entry.recheck.claim(now, options_.recheck) ? nullptr : entry.live;
}

std::pair<std::shared_ptr<LiveDeployment>, bool> Deployments::lookup(
    const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mutex_);
  Entry* entry = touch_locked(key);
  if (!entry) return {nullptr, false};
  return {entry->live, now - entry->checked < options_.recheck};
}

Deployments::Entry* Deployments::touch_locked(const std::string& key) {
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second.lru);
  return &it->second;
}

void Deployments::keep(const std::string& key, std::shared_ptr<LiveDeployment> live) {
  std::vector<std::shared_ptr<LiveDeployment>> dropped;  // destroyed outside the lock
  std::lock_guard lock(mutex_);
  negative_.erase(key);
  auto now = std::chrono::steady_clock::now();
  loaded_bytes_ += live->code_bytes;
  if (auto it = entries_.find(key); it != entries_.end()) {
    loaded_bytes_ -= it->second.live->code_bytes;
    dropped.push_back(std::move(it->second.live));
    it->second.live = std::move(live);
    it->second.checked = now;
    lru_.splice(lru_.begin(), lru_, it->second.lru);
  } else {
    lru_.push_front(key);
    entries_[key] = Entry{std::move(live), now, lru_.begin(), {}};
  }
  auto over = [&] {
    return entries_.size() > options_.max_loaded ||
           (options_.max_loaded_bytes > 0 && loaded_bytes_ > options_.max_loaded_bytes);
  };
  while (entries_.size() > 1 && over()) drop_locked(entries_.find(lru_.back()), dropped);
}

std::map<std::string, Deployments::Entry>::iterator Deployments::drop_locked(
    std::map<std::string, Entry>::iterator it,
    std::vector<std::shared_ptr<LiveDeployment>>& dropped) {
  loaded_bytes_ -= it->second.live->code_bytes;
  dropped.push_back(std::move(it->second.live));
  lru_.erase(it->second.lru);
  return entries_.erase(it);
}

void Deployments::forget(const std::string& tenant, const std::string& environment) {
  std::vector<std::shared_ptr<LiveDeployment>> dropped;  // released after the lock
  std::lock_guard lock(mutex_);
  negative_.erase(tenant + "/" + environment);
  auto it = entries_.find(tenant + "/" + environment);
  if (it != entries_.end()) drop_locked(it, dropped);
}

void Deployments::forget_tenant(const std::string& tenant) {
  std::vector<std::shared_ptr<LiveDeployment>> dropped;  // released after the lock
  std::lock_guard lock(mutex_);
  std::string prefix = tenant + "/";
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->first.starts_with(prefix))
      it = drop_locked(it, dropped);
    else
      ++it;
  }
}

void Deployments::adopt(std::shared_ptr<LiveDeployment> live) {
  std::string key = live->deployment.tenant + "/" + live->deployment.environment;
  keep(key, std::move(live));
}

void Deployments::close_streams() {
  std::lock_guard lock(mutex_);
  for (auto& [key, entry] : entries_) entry.live->mcp->close_streams();
}

size_t Deployments::loaded() const {
  std::lock_guard lock(mutex_);
  return entries_.size();
}

uint64_t Deployments::loaded_bytes() const {
  std::lock_guard lock(mutex_);
  return loaded_bytes_;
}

}  // namespace asterai::cloud
