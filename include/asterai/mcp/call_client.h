// The MCP client as one tool call sees it (runtime::McpClient, asterai:mcp/client): log and
// progress notifications on the call's channel, the call's cancellation, resource updates,
// and sampling and elicitation requests answered by the client that made the call.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "asterai/mcp/session.h"
#include "asterai/runtime/mcp_client.h"

namespace asterai::mcp {

class CallClient : public runtime::McpClient {
 public:
  // `progress_token` is the call's _meta.progressToken (null: progress is not reported);
  // `can_ask` is false when `channel` carries the response alone (Session::ChannelReach).
  CallClient(std::weak_ptr<Session> session, Session::Channel channel, std::string tool,
             nlohmann::json progress_token, CancelFlag cancel, bool can_ask = true);

  void log(const std::string& level, const std::optional<std::string>& logger,
           const std::string& message) override;
  void progress(double progress, std::optional<double> total,
                const std::optional<std::string>& message) override;
  bool cancelled() const override;
  void resource_updated(const std::string& uri) override;
  tl::expected<nlohmann::json, std::string> create_message(const nlohmann::json& request,
                                                           Deadline deadline) override;
  tl::expected<nlohmann::json, std::string> elicit(const std::string& message,
                                                   const std::string& requested_schema,
                                                   Deadline deadline) override;

 private:
  std::weak_ptr<Session> session_;
  Session::Channel channel_;
  std::string tool_;
  nlohmann::json progress_token_;
  CancelFlag cancel_;
  bool can_ask_;

  // Why the client cannot be asked `capability` ("sampling"), or nullopt when it can.
  std::optional<std::string> cannot_ask(const Session& session, std::string_view capability) const;
};

}  // namespace asterai::mcp
