// One MCP session fed arbitrary JSON-RPC messages in any order (one JSON text per line:
// initialize or not, calls before initialized, bad ids, cancellations, unknown methods).
// Properties: nothing crashes; every request and every invalid message gets exactly one
// final answer, within a bound; notifications and responses get none.
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string_view>

#include "asterai/mcp/jsonrpc.h"
#include "asterai/mcp/session.h"
#include "fuzz_server.h"

namespace {

using nlohmann::json;

struct Answers {
  std::mutex mutex;
  std::condition_variable cv;
  int finals = 0;
};

void handle_one(asterai::mcp::Session& session, const json& message) {
  auto answers = std::make_shared<Answers>();
  session.handle(message, [answers](json, bool final) {
    if (!final) return;
    std::lock_guard lock(answers->mutex);
    ++answers->finals;
    answers->cv.notify_all();
  });
  auto kind = asterai::mcp::jsonrpc::classify(message).kind;
  bool answered = kind == asterai::mcp::jsonrpc::MessageKind::request ||
                  kind == asterai::mcp::jsonrpc::MessageKind::invalid;
  std::unique_lock lock(answers->mutex);
  if (answered) {
    if (!answers->cv.wait_for(lock, std::chrono::seconds(20),
                              [&] { return answers->finals > 0; })) {
      std::fprintf(stderr, "no answer to %s\n", message.dump().c_str());
      std::abort();
    }
  }
  if (answers->finals > (answered ? 1 : 0)) {
    std::fprintf(stderr, "%d final answers to %s\n", answers->finals, message.dump().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto& server = asterai::fuzz::served_tools();
  auto session = asterai::mcp::Session::create(server, [](const json&) {});
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  while (!rest.empty()) {
    auto line = rest.substr(0, rest.find('\n'));
    rest.remove_prefix(std::min(rest.size(), line.size() + 1));
    auto message = json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!message.is_discarded()) handle_one(*session, message);
  }
  return 0;
}
