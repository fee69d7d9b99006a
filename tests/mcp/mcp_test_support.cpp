#include "mcp_test_support.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <fstream>
#include <mutex>

#include "asterai/mcp/file_source.h"
#include "test_support.h"

namespace asterai::mcp::test {

using nlohmann::json;

TestServer::TestServer(const std::vector<std::string>& specs, runtime::Policy policy,
                       ServerOptions options) {
  runtime::EngineOptions engine;
  engine.cache_dir = asterai::test::shared_cache_dir();
  auto rt = runtime::Runtime::create(engine);
  EXPECT_TRUE(rt) << rt.error().message;
  std::vector<ComponentFile> files;
  for (const auto& s : specs) files.push_back(*parse_component_spec(s));
  auto source = file_source(*rt, files, policy);
  EXPECT_TRUE(source) << source.error().message;
  auto created = Server::create(*rt, *source, options);
  EXPECT_TRUE(created) << created.error().message;
  server = std::move(*created);
}

Exchange send(Session& session, const json& message, Responder responder) {
  struct State {
    std::mutex mutex;
    std::condition_variable cv;
    Exchange exchange;
    bool done = false;
  };
  auto state = std::make_shared<State>();
  session.handle(message, [state, responder, &session](json m, bool final) {
    if (!final && responder && m.contains("method") && m.contains("id")) {
      json answer = responder(m);
      answer["jsonrpc"] = "2.0";
      answer["id"] = m["id"];
      session.handle(answer, [](json, bool) {});
    }
    std::lock_guard lock(state->mutex);
    if (final) {
      state->exchange.response = std::move(m);
      state->done = true;
      state->cv.notify_all();
    } else {
      state->exchange.notifications.push_back(std::move(m));
    }
  });
  auto kind = jsonrpc::classify(message).kind;
  if (kind == jsonrpc::MessageKind::notification || kind == jsonrpc::MessageKind::response)
    return {};
  std::unique_lock lock(state->mutex);
  EXPECT_TRUE(state->cv.wait_for(lock, std::chrono::seconds(60), [&] { return state->done; }));
  return state->exchange;
}

json request(int id, const std::string& method, json params) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

json initialize(Session& session, const std::string& version) {
  auto r = send(session, request(0, "initialize",
                                 {{"protocolVersion", version},
                                  {"capabilities", json::object()},
                                  {"clientInfo", {{"name", "test"}, {"version", "1"}}}}));
  send(session, {{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}});
  return r.response["result"];
}

std::vector<uint8_t> adversary_component() {
  return asterai::test::wat(R"((component
  (core module $m
    (func (export "spin") (loop br 0))
    (func (export "ok") (result i32) i32.const 7)
    (func (export "fail") unreachable))
  (core instance $i (instantiate $m))
  (func (export "spin") (canon lift (core func $i "spin")))
  (func (export "ok") (result s32) (canon lift (core func $i "ok")))
  (func (export "fail") (canon lift (core func $i "fail")))
))");
}

std::filesystem::path write_adversary(const std::filesystem::path& dir) {
  auto bytes = adversary_component();
  auto path = dir / "adversary.wasm";
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()),
             static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace asterai::mcp::test
