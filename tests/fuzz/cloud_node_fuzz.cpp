// The cloud node's HTTP side as the outside reaches it: raw bytes through Beast's request
// parser, then the node's routing (src/cloud/node.cpp: /{ns}/{env}/… targets, credentials
// in Basic and Bearer form, the per-tenant admission) and its own API (deployments, rollback,
// removal, schedule runs, usage queries, /metrics), on a real node and an empty SQLite store
// (a deployment would be loaded from the registry, seconds per input: not reached). Tokens
// are checked by a stand-in for the registry's keys: "alice-token" and "bob-token" verify,
// "anon-token" is anonymous, anything else is forged. Properties: nothing crashes; every
// answer has a valid status; a request without valid credentials never gets a 2xx from a
// tenant's paths or the deployment API.
//
// Not reached: a POST /v1/deployments that would pull from the registry (the node would wait
// on the network, seconds per input); such requests are dropped before they are sent.
#include <stdlib.h>

#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "asterai/cloud/node.h"
#include "asterai/cloud/store.h"
#include "request.h"

namespace {

namespace bhttp = boost::beast::http;
using asterai::Result;
using asterai::cloud::VerifiedToken;

struct World {
  std::unique_ptr<asterai::cloud::Node> node;
  World() {
    char dir[] = "/tmp/asterai-cloud-fuzz-XXXXXX";
    if (!mkdtemp(dir)) std::abort();
    auto store = asterai::cloud::open_store("sqlite:" + std::string(dir) + "/store.db");
    if (!store) std::abort();
    // No deployment: loading one would wait on the (unreachable) registry for every input.
    asterai::cloud::NodeOptions o;
    o.http.host = "127.0.0.1";
    o.http.port = 0;
    o.http.access_log = false;
    o.http.max_body = 64 * 1024;
    o.load.registry.registry = "127.0.0.1:1";
    o.load.registry.plain_http = true;
    o.registry_url = "http://127.0.0.1:1";
    o.store = *store;
    o.schedules = false;
    o.token_check = [](std::string_view token) -> Result<VerifiedToken> {
      if (token == "alice-token") return VerifiedToken{"alice", 4102444800};
      if (token == "bob-token") return VerifiedToken{"bob", 4102444800};
      if (token == "anon-token") return VerifiedToken{"", 4102444800};
      return asterai::make_error(asterai::ErrorKind::unauthorized, "forged");
    };
    o.basic_exchange = [](std::string_view basic) -> Result<std::string> {
      if (basic == "Basic YWxpY2U6a2V5") return std::string("alice-token");  // alice:key
      return asterai::make_error(asterai::ErrorKind::unauthorized, "wrong key");
    };
    auto started = asterai::cloud::Node::start(std::move(o));
    if (!started) {
      std::fprintf(stderr, "node: %s\n", started.error().message.c_str());
      std::abort();
    }
    node = std::move(*started);
  }
};

bool credentialed(const asterai::mcp::HttpRequest& req) {
  auto auth = req.header("authorization");
  return auth == "Bearer alice-token" || auth == "Bearer bob-token" || auth == "Basic YWxpY2U6a2V5";
}

asterai::mcp::HttpResponse answer(const asterai::httpapi::Site& site,
                                  asterai::mcp::HttpRequest& req, const std::string& raw) {
  std::string target = raw;
  auto quick = site.quick_mount(target, req);
  std::optional<asterai::httpapi::Mount> mount;
  if (quick) {
    mount = quick->mount;
  } else {
    target = raw;
    mount = site.mount(target, req);
  }
  if (!mount) return site.handle(req);
  if (mount->answer) return std::move(*mount->answer);
  // A loaded deployment: the store holds none, so there is none.
  std::fprintf(stderr, "a deployment answered for %s\n", raw.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static World world;
  const auto& site = world.node->site();
  std::string rest(reinterpret_cast<const char*>(data), size);
  for (int requests = 0; !rest.empty() && requests < 8; ++requests) {
    bhttp::request_parser<bhttp::string_body> parser;
    parser.header_limit(16 * 1024);
    parser.body_limit(site.max_body());
    parser.eager(true);
    boost::beast::error_code ec;
    size_t used = parser.put(boost::asio::buffer(rest), ec);
    if (ec || !parser.is_done()) return 0;
    rest.erase(0, used);
    std::string raw(parser.get().target());
    auto req = asterai::httpapi::to_request(parser.get());
    if (req.method == "POST" && req.path == "/v1/deployments") continue;  // see the top
    auto resp = answer(site, req, raw);
    if (resp.status < 100 || resp.status > 599) {
      std::fprintf(stderr, "status %d for %s %s\n", resp.status, req.method.c_str(), raw.c_str());
      std::abort();
    }
    bool guarded = req.path.starts_with("/v1/deployments") || req.path.starts_with("/v1/usage") ||
                   (req.path.starts_with("/alice/") && req.path.find("/http") == std::string::npos);
    if (guarded && !credentialed(req) && resp.status < 300) {
      std::fprintf(stderr, "%d without credentials for %s %s\n", resp.status, req.method.c_str(),
                   raw.c_str());
      std::abort();
    }
    if (resp.stream) resp.stream([](std::string_view) { return false; });
  }
  return 0;
}
