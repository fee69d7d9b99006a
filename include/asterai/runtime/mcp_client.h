// The host side of the WIT interface asterai:mcp/client (wit/asterai-mcp/mcp.wit): what a
// call served over MCP may ask of the client that made it. The MCP layer sets a client for
// the calls it runs on a thread (McpClientScope); a guest's imports reach it through
// current_mcp_client(). Without one, log, progress and resource-updated do nothing,
// cancelled is false and the two requests return an error value.
//
// Values cross as the JSON of docs/values.md (the WIT view): turning them into MCP's
// messages is the MCP layer's business, so the runtime knows nothing of the protocol.
#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <tl/expected.hpp>

namespace asterai::runtime {

// The interface's package, and the interfaces the runtime defines for a component importing
// them (any 0.1.x).
inline constexpr std::string_view kMcpPackage = "asterai:mcp";
inline constexpr std::string_view kMcpVersion = "0.1.0";

class McpClient {
 public:
  virtual ~McpClient() = default;
  // `level` is one of MCP's levels (debug ... emergency).
  virtual void log(const std::string& level, const std::optional<std::string>& logger,
                   const std::string& message) = 0;
  virtual void progress(double progress, std::optional<double> total,
                        const std::optional<std::string>& message) = 0;
  virtual bool cancelled() const = 0;
  virtual void resource_updated(const std::string& uri) = 0;
  // sampling/createMessage and elicitation/create: the WIT request in, the WIT response out
  // (`sampling-response`, `elicitation-response`), or one line saying why not. Answered or
  // refused by `deadline` (the running call's).
  using Deadline = std::chrono::steady_clock::time_point;
  virtual tl::expected<nlohmann::json, std::string> create_message(const nlohmann::json& request,
                                                                   Deadline deadline) = 0;
  virtual tl::expected<nlohmann::json, std::string> elicit(const std::string& message,
                                                           const std::string& requested_schema,
                                                           Deadline deadline) = 0;
};

// Makes `client` the current one on this thread while alive (null: none); restores the
// previous one after.
class McpClientScope {
 public:
  explicit McpClientScope(McpClient* client);
  ~McpClientScope();
  McpClientScope(const McpClientScope&) = delete;
  McpClientScope& operator=(const McpClientScope&) = delete;

 private:
  McpClient* outer_;
};

McpClient* current_mcp_client();

}  // namespace asterai::runtime
