// The node's parts, shared by its site (node.cpp: which request goes where) and its own API
// (node_api.cpp: deployments and usage).
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <mutex>

#include "asterai/cloud/core_shares.h"
#include "asterai/cloud/deployments.h"
#include "asterai/cloud/identity.h"
#include "asterai/cloud/node.h"
#include "asterai/cloud/usage.h"
#include "asterai/mcp/http_message.h"
#include "asterai/mcp/metrics.h"
#include "asterai/net/listener.h"

namespace asterai::cloud {

// A JSON error body with the status its kind calls for.
mcp::HttpResponse error_response(const Error& error);
mcp::HttpResponse json_response(int status, const nlohmann::json& body);

// Refuses members whose limits are over the plan's ceilings (one line naming the member and
// the limit).
Result<void> check_plan(const Plan& plan, const runtime::Composition& composition);

// Refuses a component outside the tenant's namespace that is not public (component_access.cpp).
Result<void> check_component_access(const std::string& tenant, const env::Document& doc,
                                    bool plain_http);

// Requests in progress per tenant (Plan::max_concurrent). A request holds an Admission; the
// count goes down when the last holder lets go. A tenant's webhook requests (sent by anyone)
// have a bucket of their own, so strangers cannot take the slots of the tenant's own calls.
class Admissions {
 public:
  enum class Bucket { api, webhooks };
  // Null when the tenant's bucket is at its limit.
  std::shared_ptr<const void> admit(const std::string& tenant, Bucket bucket, size_t limit);

  struct Counts {
    size_t in_flight = 0;                               // all tenants
    std::map<std::string, uint64_t> admitted, refused;  // per tenant, since start
  };
  Counts counts() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, Bucket>, size_t> in_flight_;
  std::map<std::string, uint64_t> admitted_, refused_;
};

// How long requests to any deployment waited to start (/metrics). Every call adds to it from
// the loop or worker it ran on, so it takes no lock: each figure is an atomic of its own.
class QueueWaits {
 public:
  // The count goes up before the bucket and is read after the buckets, so a snapshot's
  // buckets never add up to more than its count.
  void add(double seconds) {
    count_.fetch_add(1);
    nanoseconds_.fetch_add(static_cast<uint64_t>(seconds * 1e9));
    if (auto i = mcp::latency_bucket(seconds)) buckets_[*i].fetch_add(1);
  }
  mcp::Histogram snapshot() const {
    mcp::Histogram h;
    for (size_t i = 0; i < buckets_.size(); ++i) h.buckets[i] = buckets_[i].load();
    h.count = count_.load();
    h.sum_seconds = static_cast<double>(nanoseconds_.load()) / 1e9;
    return h;
  }

 private:
  std::array<std::atomic<uint64_t>, mcp::kLatencyBuckets.size()> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> nanoseconds_{0};
};

struct Node::Impl {
  NodeOptions options;
  std::shared_ptr<const TenantSecrets> secrets;  // null without a secrets key
  Identity identity;
  UsageRecorder usage;
  QueueWaits queue_waits;  // before deployments: their workers write into it
  CoreShares cores;        // before deployments: their workers hold its tokens
  Deployments deployments;
  std::unique_ptr<httpapi::Site> site;
  std::unique_ptr<net::Listener> listener;
  std::atomic<uint64_t> calls{0};
  Admissions admissions;
  MonthlyQuotas quotas;
  std::unique_ptr<ScheduleKeeper> schedules;  // stopped before the listener

  Impl(NodeOptions o, std::shared_ptr<const runtime::Runtime> runtime,
       std::unique_ptr<UsageSpool> spool);

  // The tenant of a request's credentials.
  Result<std::string> tenant(const mcp::HttpRequest& request) {
    return identity.tenant(request.header("authorization"));
  }
  // The node's own API: /v1/deployments…, /v1/usage, /v1/secrets…, /healthz, /metrics.
  mcp::HttpResponse handle(const mcp::HttpRequest& request);

 private:
  mcp::HttpResponse deploy(const std::string& tenant, const mcp::HttpRequest& request);
  mcp::HttpResponse deployments_of(const std::string& tenant, const mcp::HttpRequest& request);
  mcp::HttpResponse usage_of(const std::string& tenant, const mcp::HttpRequest& request);
  mcp::HttpResponse secrets_of(const std::string& tenant, const mcp::HttpRequest& request);
  mcp::HttpResponse runs_of(const std::string& key, const mcp::HttpRequest& request);
  mcp::HttpResponse metrics();
};

}  // namespace asterai::cloud
