#include "asterai/mcp/server.h"

#include <algorithm>

#include "asterai/mcp/session.h"

namespace asterai::mcp {

const std::vector<std::string>& supported_protocol_versions() {
  static const std::vector<std::string> versions = {std::string(kLatestProtocolVersion),
                                                    "2025-06-18", "2025-03-26"};
  return versions;
}

bool supports_protocol_version(std::string_view version) {
  const auto& v = supported_protocol_versions();
  return std::find(v.begin(), v.end(), version) != v.end();
}

Server::Server(ToolSource source, ServerOptions options)
    : source_(std::move(source)), options_(std::move(options)) {}

Server::~Server() = default;

Result<std::unique_ptr<Server>> Server::create(std::shared_ptr<const runtime::Runtime> runtime,
                                               ToolSource source, ServerOptions options) {
  std::unique_ptr<Server> server(new Server(std::move(source), std::move(options)));
  auto components = ASTERAI_TRY(server->source_());
  server->catalog_ = Catalog::build(std::move(components), server->options_.tool_naming);
  server->executor_ = std::make_unique<Executor>(
      std::move(runtime), server->metrics_, server->options_.workers, server->options_.max_queued,
      server->options_.observer, server->options_.gate, server->options_.queue_wait);
  return server;
}

std::shared_ptr<const Catalog> Server::catalog() const {
  std::lock_guard lock(mutex_);
  return catalog_;
}

Result<void> Server::reload() {
  auto components = ASTERAI_TRY(source_());
  auto catalog = Catalog::build(std::move(components), options_.tool_naming);
  std::vector<std::shared_ptr<Session>> live;
  {
    std::lock_guard lock(mutex_);
    catalog_ = std::move(catalog);
    std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
    for (const auto& w : sessions_)
      if (auto s = w.lock()) live.push_back(std::move(s));
  }
  // Outside the lock: a session's outbound may block on its transport.
  for (const auto& s : live) s->notify_tools_changed();
  return {};
}

void Server::attach(const std::shared_ptr<Session>& session) {
  std::lock_guard lock(mutex_);
  std::erase_if(sessions_, [](const auto& w) { return w.expired(); });
  sessions_.push_back(session);
}

}  // namespace asterai::mcp
