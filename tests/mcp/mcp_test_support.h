// Helpers for the MCP tests: a server over test components, one-request exchanges with a
// session, and a tiny component whose `spin` loops forever (for timeouts).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "asterai/mcp/server.h"
#include "asterai/mcp/session.h"

namespace asterai::mcp::test {

// `specs` as on the command line ("path.wasm" or "NAME=path.wasm").
struct TestServer {
  std::unique_ptr<Server> server;
  explicit TestServer(const std::vector<std::string>& specs, runtime::Policy policy = {},
                      ServerOptions options = {});
};

struct Exchange {
  nlohmann::json response;  // null when none was sent
  std::vector<nlohmann::json> notifications;
};

// Answers a request the server sends the client meanwhile (sampling, elicitation) with the
// JSON-RPC response's "result" or "error" member; its id is filled in.
using Responder = std::function<nlohmann::json(const nlohmann::json& request)>;

// Hands `message` to the session and waits for the final answer. Without a responder the
// server's requests go unanswered.
Exchange send(Session& session, const nlohmann::json& message, Responder responder = nullptr);
nlohmann::json request(int id, const std::string& method,
                       nlohmann::json params = nlohmann::json::object());
// initialize + notifications/initialized; returns the initialize result.
nlohmann::json initialize(Session& session, const std::string& version = "2025-11-25");

// A component exporting spin() (loops forever), ok() -> s32 = 7 and fail() (traps).
std::vector<uint8_t> adversary_component();
// Writes adversary_component() to dir/adversary.wasm and returns the path.
std::filesystem::path write_adversary(const std::filesystem::path& dir);

}  // namespace asterai::mcp::test
