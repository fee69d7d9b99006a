// `asterai cloud node`: a stateless HTTP server that serves every tenant's deployments.
//   /{ns}/{env}/mcp, /{ns}/{env}/v1/tools|call   the deployment's MCP and HTTP API (the
//                                                tenant's own credentials only)
//   /{ns}/{env}/http/…                           its webhook routes (public, as in serve)
//   /v1/deployments[/{ns}/{env}[/rollback]]      deploy, list, remove, roll back
//   /v1/usage                                    the caller's own usage, summed
//   /healthz, /metrics                           liveness; Prometheus text
// Shared state lives in the store (store.h); credentials are the registry's (identity.h).
#pragma once

#include <filesystem>
#include <memory>
#include <string>

#include "asterai/cloud/identity.h"
#include "asterai/cloud/plans.h"
#include "asterai/cloud/quotas.h"
#include "asterai/cloud/schedule_keeper.h"
#include "asterai/cloud/store.h"
#include "asterai/common/error.h"
#include "asterai/host/composition.h"
#include "asterai/httpapi/server.h"
#include "asterai/httpapi/site.h"
#include "asterai/runtime/policy.h"

namespace asterai::cloud {

struct NodeOptions {
  httpapi::HttpOptions http;  // listen address, body limits, deadlines, the access log
  host::LoadOptions load;     // the registry deployments are pulled from
  std::string registry_url;   // http(s)://HOST:PORT, for identity
  std::shared_ptr<Store> store;
  // The cloud's secrets key (`--secrets-key-file`, the same on every node): tenants' secrets
  // are kept (secrets.h) only with one; without it, environments naming secrets are refused.
  std::shared_ptr<const env::SecretBox> secrets_key;
  // Keys values may also be sealed with (`--secrets-extra-key-file`): they open, nothing new
  // is sealed with them. For a key rotation (docs/cloud.md).
  std::vector<std::shared_ptr<const env::SecretBox>> secrets_extra_keys;
  Plans plans;  // the flags' plan, and others by tenant
  size_t max_loaded = 64;
  // The loaded deployments' compiled code, all together (DeploymentsOptions::max_loaded_bytes).
  uint64_t max_loaded_bytes = uint64_t{2} << 30;
  size_t workers = 0;  // per deployment
  // Where answered calls' usage records wait for the store (usage_spool.h); empty: each
  // answer waits until its record is in the store.
  std::filesystem::path usage_spool;
  // Deployments' [[schedules]] (schedule_keeper.h): off on a node that only serves requests.
  bool schedules = true;
  std::chrono::milliseconds schedule_lease{15000};
  std::chrono::milliseconds schedule_grace{10000};
  std::shared_ptr<const schedule::Clock> clock = schedule::system_clock();
  // Verifies credentials; by default the registry's (identity.h).
  TokenCheck token_check = {};
  BasicExchange basic_exchange = {};
};

class Node {
 public:
  static Result<std::unique_ptr<Node>> start(NodeOptions options);
  ~Node();
  Node(const Node&) = delete;
  Node& operator=(const Node&) = delete;

  uint16_t port() const;
  void stop();
  // Where its listener sends requests (which mount, or the node's own API): for fuzzing.
  const httpapi::Site& site() const;

  struct Impl;

 private:
  explicit Node(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace asterai::cloud
