// A node's loaded deployments: the store says which version answers for a tenant's
// environment; the first request for it pulls that version and its components from the
// registry (into the node's caches), links them, and keeps the result loaded. The least
// recently used ones are dropped beyond a count and beyond a budget of compiled code (the
// code of its components, mapped from the compile cache: most of what a loaded deployment
// holds; instances come from the engine's shared pool). A request holds its deployment (a
// shared_ptr), so a new version rolls in while calls on the old one finish.
#pragma once

#include <chrono>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "asterai/cloud/refresh_claim.h"
#include "asterai/cloud/secrets.h"
#include "asterai/cloud/store.h"
#include "asterai/host/composition.h"
#include "asterai/httpapi/site.h"
#include "asterai/mcp/server.h"

namespace asterai::cloud {

// One deployment as this node serves it: its own catalog, executor, metrics and MCP
// sessions.
struct LiveDeployment {
  Deployment deployment;
  int64_t secrets_stamp = 0;  // the tenant's (Store::secrets_stamp) when it was loaded
  uint64_t code_bytes = 0;    // its components' compiled code (runtime::Component::code_bytes)
  std::unique_ptr<mcp::Server> server;
  std::unique_ptr<mcp::StreamableHttp> mcp;
  httpapi::HttpOptions options;
  std::unique_ptr<httpapi::Routes> routes;
  ~LiveDeployment();
};

struct DeploymentsOptions {
  std::shared_ptr<const runtime::Runtime> runtime;
  host::LoadOptions load;  // where versions and components come from
  // The tenants' secrets (secrets.h); null when the node keeps none.
  std::shared_ptr<const TenantSecrets> secrets;
  size_t max_loaded = 64;  // deployments kept loaded
  // Their compiled code, all together (0: no bound). The one loaded last stays even alone
  // over it.
  uint64_t max_loaded_bytes = 0;
  size_t workers = 0;       // per deployment; 0 = one per core
  size_t max_queued = 256;  // calls waiting per deployment
  // How long a node trusts what the store said answers (a rollout reaches every node within
  // this).
  std::chrono::milliseconds recheck{1000};
  httpapi::HttpOptions http;  // body limits and the access log of every deployment
  // Told of every call before it is answered (usage records).
  std::function<mcp::CallObserver(const Deployment&)> observer = {};
  // Asked before each of a deployment's calls runs (the node's CoreShares).
  std::function<mcp::CallGate(const Deployment&)> gate = {};
  // Told how long each call and webhook request of any deployment waited to start.
  mcp::QueueWaitObserver queue_wait = {};
  // Told of every webhook request (usage records).
  std::function<std::function<void(const mcp::HttpSample&)>(const Deployment&)> http_observer = {};
};

class Deployments {
 public:
  Deployments(std::shared_ptr<Store> store, DeploymentsOptions options);

  // The deployment answering for tenant/environment, loading it on first use; not-found when
  // none is deployed.
  Result<std::shared_ptr<LiveDeployment>> get(const std::string& tenant,
                                              const std::string& environment);
  // The loaded deployment for tenant/environment when what the store said of it is still
  // trusted (within `recheck`), else null: then get() must ask. Once that trust has run out,
  // only the first caller gets null (and asks); the others are served the loaded deployment
  // while it asks, for up to another `recheck`, rather than each asking the store. Never
  // blocks on the store or a load, so a request's event loop may ask.
  std::shared_ptr<LiveDeployment> cached(const std::string& tenant, const std::string& environment);
  // Loads a version now (deploy-time checks: it must pull and link).
  Result<std::shared_ptr<LiveDeployment>> load(const Deployment& deployment);
  // Forgets what the store said for tenant/environment (this node changed it).
  void forget(const std::string& tenant, const std::string& environment);
  // Forgets every loaded deployment of `tenant` (its secrets changed): the next request
  // loads it again. Calls in flight finish on what they started with.
  void forget_tenant(const std::string& tenant);
  // Serves `live` for its tenant/environment from now on (this node just deployed it).
  void adopt(std::shared_ptr<LiveDeployment> live);
  size_t loaded() const;
  // The compiled code of the loaded deployments, all together.
  uint64_t loaded_bytes() const;
  // Ends every open MCP event stream (the node is stopping).
  void close_streams();

 private:
  struct Entry {
    std::shared_ptr<LiveDeployment> live;
    std::chrono::steady_clock::time_point checked;
    std::list<std::string>::iterator lru;
    RefreshClaim recheck;  // who asks the store again once stale
  };
  void keep(const std::string& key, std::shared_ptr<LiveDeployment> live);
  // The loaded deployment of `key` (touched in the LRU) and whether what the store said of
  // it is still trusted at `now`.
  std::pair<std::shared_ptr<LiveDeployment>, bool> lookup(
      const std::string& key, std::chrono::steady_clock::time_point now);
  // The entry of `key`, moved to the front of the LRU; null when none. Under mutex_.
  Entry* touch_locked(const std::string& key);
  // Removes the entry (its deployment moved to `dropped`, destroyed outside the lock). Under
  // mutex_.
  std::map<std::string, Entry>::iterator drop_locked(
      std::map<std::string, Entry>::iterator it,
      std::vector<std::shared_ptr<LiveDeployment>>& dropped);

  std::shared_ptr<Store> store_;
  DeploymentsOptions options_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> entries_;  // "tenant/environment"
  // Names the store said are not deployed, and when: trusted for `recheck` like entries, so
  // requests to made-up paths do not each ask the store. Cleared whole beyond kMaxNegative.
  std::map<std::string, std::chrono::steady_clock::time_point> negative_;
  std::list<std::string> lru_;  // most recent first
  uint64_t loaded_bytes_ = 0;   // the entries' code_bytes, all together
  std::mutex load_mutex_;       // one load at a time (each compiles on all cores)
};

}  // namespace asterai::cloud
