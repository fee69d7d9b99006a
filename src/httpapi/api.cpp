#include "asterai/httpapi/api.h"

#include <condition_variable>
#include <mutex>

#include "asterai/httpapi/prometheus.h"
#include "asterai/mcp/jsonrpc.h"
#include "asterai/mcp/tool_result.h"

namespace asterai::httpapi {
namespace {

using mcp::HttpRequest;
using mcp::HttpResponse;
using nlohmann::json;

HttpResponse error_response(int status, ErrorKind kind, const std::string& message) {
  json body = {{"ok", false}, {"error", {{"kind", error_kind_name(kind)}, {"message", message}}}};
  return HttpResponse::json(status, mcp::jsonrpc::dump(body));
}

json without_dialect(json schema) {
  if (schema.is_object()) schema.erase("$schema");
  return schema;
}

HttpResponse list_tools(mcp::Server& server, const HttpRequest& request) {
  auto catalog = server.catalog();
  auto it = request.query.find("format");
  std::string format = it == request.query.end() ? "asterai" : it->second;
  json body;
  if (format == "asterai")
    body = tools_asterai(*catalog);
  else if (format == "openai")
    body = tools_openai(*catalog);
  else if (format == "mcp")
    body = tools_mcp(*catalog);
  else
    return error_response(400, ErrorKind::invalid_input,
                          "unknown format \"" + format + "\" (asterai, openai or mcp)");
  return HttpResponse::json(200, mcp::jsonrpc::dump(body));
}

HttpResponse call_response(const std::string& tool, const mcp::ToolCallResult& r) {
  const auto& o = r.outcome;
  json out = {{"ok", o.ok()}, {"tool", tool}, {"metering", mcp::metering_json(o.stats)}};
  if (o.ok()) {
    out["result"] = o.result;
  } else {
    json e = {{"kind", error_kind_name(o.error->kind)}, {"message", o.error->message}};
    if (!o.error->path.empty()) e["path"] = o.error->path;
    out["error"] = std::move(e);
  }
  if (!o.err.data.empty()) out["stderr"] = o.err.data;
  if (!o.out.data.empty()) out["stdout"] = o.out.data;
  if (!r.call_id.empty()) out["call_id"] = r.call_id;
  // Bad arguments are the caller's mistake (400); anything that happened while running
  // (trap, timeout, limits) is a completed call that failed (200, "ok": false).
  bool caller_error = !o.ok() && (o.error->kind == ErrorKind::bad_arguments ||
                                  o.error->kind == ErrorKind::unsupported_type);
  // A call that found no room to start is refused as a full queue is.
  if (o.never_ran()) {
    auto resp = HttpResponse::json(503, mcp::jsonrpc::dump(out));
    resp.headers.emplace_back("Retry-After", "1");
    return resp;
  }
  return HttpResponse::json(caller_error ? 400 : 200, mcp::jsonrpc::dump(out));
}

HttpResponse busy_response() {
  auto resp = error_response(503, ErrorKind::busy, "server busy: too many calls queued");
  resp.headers.emplace_back("Retry-After", "1");
  return resp;
}

// Parses the body and queues the call on the executor: the worker pool, not the
// connection, bounds how many calls run at once; `done` gets the response.
void parse_and_submit(mcp::Server& server, const HttpRequest& request,
                      const std::function<void(HttpResponse)>& done) {
  auto body = json::parse(request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return done(error_response(400, ErrorKind::invalid_input,
                               "the body must be a JSON object {\"tool\", \"arguments\"}"));
  if (!body.contains("tool") || !body["tool"].is_string())
    return done(error_response(400, ErrorKind::invalid_input, "\"tool\" must be a tool name"));
  json args = body.contains("arguments") ? body["arguments"] : json::object();
  if (args.is_null()) args = json::object();
  if (!args.is_object() && !args.is_array())
    return done(error_response(400, ErrorKind::bad_arguments,
                               "\"arguments\" must be an object of named parameters or an array"));
  auto catalog = server.catalog();
  auto name = body["tool"].get<std::string>();
  const mcp::Tool* tool = catalog->find(name);
  if (!tool)
    return done(error_response(404, ErrorKind::unknown_function,
                               "unknown tool \"" + name + "\" (GET /v1/tools lists them)"));
  bool queued = server.executor().submit(
      mcp::ToolCall{catalog, tool, std::move(args), nullptr, nullptr},
      [done, name = tool->name](mcp::ToolCallResult r) { done(call_response(name, r)); });
  if (!queued) done(busy_response());
}

// Bodies up to this size are parsed where the request arrived (the connection's event loop)
// in a few microseconds; a larger one would hold every other request on that loop, of any
// tenant, behind it, so it is parsed on the server's own workers.
constexpr size_t kParseInPlace = 16 * 1024;

void call_tool(mcp::Server& server, const HttpRequest& request,
               const std::function<void(HttpResponse)>& done) {
  if (!request.header("content-type").starts_with("application/json"))
    return done(
        error_response(415, ErrorKind::invalid_input, "Content-Type must be application/json"));
  if (request.body.size() <= kParseInPlace) return parse_and_submit(server, request, done);
  // The request outlives the task: its connection waits for `done`, called exactly once.
  bool queued = server.executor().submit_task(
      [&server, &request, done] { parse_and_submit(server, request, done); });
  if (!queued) done(busy_response());
}

}  // namespace

json tools_asterai(const mcp::Catalog& catalog) {
  json tools = json::array();
  for (const auto& t : catalog.tools()) {
    json j = {{"name", t.name},
              {"description", t.description},
              {"component", t.component_name},
              {"function", t.function->qualified_name()},
              {"signature", t.function->signature()},
              {"input_schema", t.input_schema},
              {"output_schema", t.output_schema},
              {"output_wrapped", t.wrapped},
              {"annotations", t.annotations}};
    tools.push_back(std::move(j));
  }
  return {{"tools", std::move(tools)}};
}

json tools_openai(const mcp::Catalog& catalog) {
  json tools = json::array();
  for (const auto& t : catalog.tools()) {
    tools.push_back({{"type", "function"},
                     {"function",
                      {{"name", t.name},
                       {"description", t.description},
                       {"parameters", without_dialect(t.input_schema)}}}});
  }
  return {{"tools", std::move(tools)}};
}

json tools_mcp(const mcp::Catalog& catalog) {
  json tools = json::array();
  for (const auto& t : catalog.tools()) tools.push_back(mcp::mcp_tool_json(t));
  return {{"tools", std::move(tools)}};
}

HttpResponse handle_api(mcp::Server& server, const HttpRequest& request) {
  struct Wait {
    std::mutex mutex;
    std::condition_variable cv;
    std::optional<HttpResponse> response;
  };
  auto wait = std::make_shared<Wait>();
  handle_api_async(server, request, [wait](HttpResponse r) {
    std::lock_guard lock(wait->mutex);
    wait->response = std::move(r);
    wait->cv.notify_all();
  });
  std::unique_lock lock(wait->mutex);
  wait->cv.wait(lock, [&] { return wait->response.has_value(); });
  return std::move(*wait->response);
}

void handle_api_async(mcp::Server& server, const HttpRequest& request,
                      std::function<void(HttpResponse)> done) {
  const auto& path = request.path;
  bool get = request.method == "GET" || request.method == "HEAD";
  auto wrong_method = [](const char* allowed) {
    auto r = error_response(405, ErrorKind::invalid_input,
                            std::string("method not allowed (use ") + allowed + ")");
    r.headers.emplace_back("Allow", allowed);
    return r;
  };
  if (path == "/healthz") {
    if (!get) return done(wrong_method("GET"));
    return done(HttpResponse::json(
        200, json{{"status", "ok"}, {"tools", server.catalog()->tools().size()}}.dump()));
  }
  if (path == "/metrics") {
    if (!get) return done(wrong_method("GET"));
    HttpResponse r;
    r.headers.emplace_back("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
    r.body = prometheus_text(server.metrics().snapshot(), server.catalog()->tools().size());
    return done(std::move(r));
  }
  if (path == "/v1/tools") {
    if (!get) return done(wrong_method("GET"));
    return done(list_tools(server, request));
  }
  if (path == "/v1/call") {
    if (request.method != "POST") return done(wrong_method("POST"));
    return call_tool(server, request, done);
  }
  done(error_response(404, ErrorKind::not_found, "no such endpoint: " + path));
}

}  // namespace asterai::httpapi
