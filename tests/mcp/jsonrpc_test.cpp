// JSON-RPC envelope checks: what is a request, a notification, a response, or invalid.
#include "asterai/mcp/jsonrpc.h"

#include <gtest/gtest.h>

namespace asterai::mcp::jsonrpc {
namespace {

using nlohmann::json;

TEST(JsonRpc, Classifies) {
  auto r = classify(json::parse(R"({"jsonrpc":"2.0","id":1,"method":"ping"})"));
  EXPECT_EQ(r.kind, MessageKind::request);
  EXPECT_EQ(r.id, 1);
  EXPECT_EQ(r.method, "ping");
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","method":"notifications/initialized"})")).kind,
            MessageKind::notification);
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","id":"a","result":{}})")).kind,
            MessageKind::response);
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","id":"a","method":"x","params":[1]})")).kind,
            MessageKind::request);
}

TEST(JsonRpc, InvalidMessagesSayWhy) {
  struct Case {
    const char* text;
    const char* problem;
  };
  for (auto c : {Case{R"([1])", "must be an object"}, Case{R"({"id":1,"method":"x"})", "2.0"},
                 Case{R"({"jsonrpc":"1.0","id":1,"method":"x"})", "2.0"},
                 Case{R"({"jsonrpc":"2.0","id":null,"method":"x"})", "string or an integer"},
                 Case{R"({"jsonrpc":"2.0","id":1.5,"method":"x"})", "string or an integer"},
                 Case{R"({"jsonrpc":"2.0","id":1,"method":7})", "must be a string"},
                 Case{R"({"jsonrpc":"2.0","id":1})", "needs a \"method\""},
                 Case{R"({"jsonrpc":"2.0","id":1,"method":"x","params":3})", "\"params\""}}) {
    auto m = classify(json::parse(c.text));
    EXPECT_EQ(m.kind, MessageKind::invalid) << c.text;
    EXPECT_NE(m.problem.find(c.problem), std::string::npos) << c.text << ": " << m.problem;
  }
  // The id is kept when usable, so the error response can name it.
  EXPECT_EQ(classify(json::parse(R"({"jsonrpc":"2.0","id":4,"method":7})")).id, 4);
}

TEST(JsonRpc, Builders) {
  EXPECT_EQ(error(7, kMethodNotFound, "nope"),
            json::parse(R"({"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"nope"}})"));
  EXPECT_EQ(result("x", json::object()), json::parse(R"({"jsonrpc":"2.0","id":"x","result":{}})"));
  EXPECT_EQ(notification("n", nullptr), json::parse(R"({"jsonrpc":"2.0","method":"n"})"));
  // Invalid UTF-8 from a component never throws on the way out.
  EXPECT_NO_THROW(dump(json("\xff\xfe")));
}

}  // namespace
}  // namespace asterai::mcp::jsonrpc
