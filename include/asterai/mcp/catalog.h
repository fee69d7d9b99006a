// The tool catalog: one tool per exported function of the served components, with its
// name (naming.h), description, input and output JSON Schema, annotations, and the policy
// (grants + limits) its calls run under. Immutable once built; a reload builds a new one.
//
// Where the components come from is behind ToolSource: a list of .wasm files (file_source.h)
// or an environment's composition (components pinned by digest + per-component policy).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/mcp/content.h"
#include "asterai/mcp/naming.h"
#include "asterai/runtime/composition.h"
#include "asterai/runtime/policy.h"
#include "asterai/runtime/runtime.h"

namespace asterai::mcp {

// The docs of a record, variant, enum or flags type: its own, and its fields' or cases'.
struct TypeDocs {
  std::string docs;
  std::map<std::string, std::string> items;  // field or case name -> docs
  // Every field or case name, when known (WIT source lists them; a package-docs section only
  // has the documented ones).
  std::set<std::string> names;
};

// WIT documentation of a component (from its package-docs section or from `--wit` source),
// keyed by docs_key() (wit_docs.h): "iface#name", or "name" at world level.
struct WitDocs {
  std::map<std::string, std::string> functions;
  std::map<std::string, TypeDocs> types;

  // Adds what `other` documents and this does not (the first source wins per function/type).
  void add_missing(const WitDocs& other);
  bool empty() const { return functions.empty() && types.empty(); }
};

// One component as served: its name (the tool-name prefix), the compiled component, and the
// policy its calls get.
struct ServedComponent {
  std::string name;
  std::shared_ptr<const runtime::Component> component;
  runtime::Policy policy;
  WitDocs docs;
  // Set for a component of an environment: calls go through the composition (as member
  // `name`, which runs with the member's own policy; `policy` mirrors it for annotations), so
  // its imports reach the other members. Null for a component file: a plain Runtime::call.
  std::shared_ptr<const runtime::Composition> composition;
  // For a proxy component (one exporting wasi:http/incoming-handler): where `serve --listen`
  // mounts it ("/" or "/a/b"; empty: "/<name>") and the largest request body it takes
  // (0: the server's default).
  std::string http_route = {};
  uint64_t http_max_body = 0;
};

// A proxy component's mount point: requests at `prefix` or under it go to its
// wasi:http/incoming-handler, which sees the path with the prefix removed.
struct HttpRoute {
  std::string prefix;  // "/" or "/a/b", no trailing slash
  std::string component_name;
  std::shared_ptr<const runtime::Component> component;
  runtime::Policy policy;
  std::shared_ptr<const runtime::Composition> composition;  // see ServedComponent
  uint64_t max_body = 0;
};

// Produces the components to serve; called at start and on every reload.
using ToolSource = std::function<Result<std::vector<ServedComponent>>()>;

// How long a tool's calls ran lately: a moving average the Executor keeps, so that a call
// expected to run long goes to a worker rather than borrowing an event loop, whose other
// connections would wait for it. Copying takes the current figure.
class CallLength {
 public:
  CallLength() = default;
  CallLength(const CallLength& other) : us_(other.us()) {}
  CallLength& operator=(const CallLength& other) {
    us_.store(other.us(), std::memory_order_relaxed);
    return *this;
  }
  uint32_t us() const { return us_.load(std::memory_order_relaxed); }
  // Weighs the new call in at an eighth. Racing updates may lose one: it is an estimate.
  void add(std::chrono::microseconds ran) const;

 private:
  mutable std::atomic<uint32_t> us_{0};
};

struct Tool {
  std::string name;
  std::string title;
  std::string description;
  nlohmann::json input_schema;
  // Always an object schema (MCP requires it); see `wrapped`. Null when the function
  // returns nothing (the tool then has no outputSchema).
  nlohmann::json output_schema;
  // True when the result value travels as {"result": value} in structuredContent.
  bool wrapped = true;
  // A result of asterai:mcp's content types is answered as those blocks (content.h).
  ResultForm form;
  nlohmann::json annotations;
  // Where the call goes. `component` keeps the function alive.
  std::shared_ptr<const runtime::Component> component;
  const runtime::FunctionInfo* function = nullptr;
  std::string component_name;
  runtime::Policy policy;
  std::shared_ptr<const runtime::Composition> composition;  // see ServedComponent
  // Whether a call may ask the MCP client something and wait for the answer (the component,
  // or for an environment any member, imports asterai:mcp/client): such a call never runs
  // on a network event loop (Executor::submit), whose connection carries that answer.
  bool may_ask_client = false;
  CallLength length;
};

// A component's exports of asterai:mcp/resources, /prompts and /completion
// (wit/asterai-mcp/mcp.wit), behind MCP's resources, prompts and completion. Each function is
// a Tool that tools/list does not show, so its calls take the tools' path (executor, policy,
// limits, metering). Null where the component does not export it.
struct FeatureProvider {
  std::string component_name;
  const Tool* list_resources = nullptr;
  const Tool* list_templates = nullptr;
  const Tool* read_resource = nullptr;
  const Tool* list_prompts = nullptr;
  const Tool* get_prompt = nullptr;
  const Tool* complete = nullptr;
};

class Catalog {
 public:
  // Functions that cannot be called with JSON (resources, streams) are left out.
  static std::shared_ptr<const Catalog> build(std::vector<ServedComponent> components,
                                              ToolNaming naming = ToolNaming::prefixed);

  const std::vector<Tool>& tools() const { return tools_; }
  const Tool* find(std::string_view name) const;
  // Functions skipped because their signature cannot be a tool ("<component>: <func>: why").
  const std::vector<std::string>& skipped() const { return skipped_; }
  // Proxy components' routes, longest prefix first.
  const std::vector<HttpRoute>& routes() const { return routes_; }
  // The route a request path belongs to (the longest prefix ending at a segment boundary),
  // or null. Reserved paths are never a route's.
  const HttpRoute* route_for(std::string_view path) const;
  // The components offering resources, prompts or completion, in serving order.
  const std::vector<FeatureProvider>& features() const { return features_; }
  bool offers_resources() const;
  bool offers_prompts() const;
  bool offers_completion() const;

 private:
  std::deque<Tool> feature_functions_;  // stable addresses: FeatureProvider points into it
  std::vector<FeatureProvider> features_;
  std::vector<HttpRoute> routes_;
  std::vector<Tool> tools_;
  std::map<std::string, size_t, std::less<>> by_name_;
  std::vector<std::string> skipped_;
};

// A runtime schema as tools publish it: JSON Schema 2020-12 (MCP's default dialect) without
// "$schema", and tuples without "items": false, so draft-07 validators (the TypeScript SDK's
// default Ajv) accept it too; it stays exact under 2020-12.
nlohmann::json portable_schema(nlohmann::json schema);

// The output schema a function's result gets as a tool (an object schema, or null without a
// result), and whether the value is wrapped as {"result": value}.
struct OutputShape {
  nlohmann::json schema;
  bool wrapped = false;
};
OutputShape tool_output_shape(const runtime::FunctionInfo& function);

// The structuredContent for a result value under that shape.
nlohmann::json structured_content(const Tool& tool, const nlohmann::json& value);

// A description that is never empty: the WIT docs, else the signature and where it comes from.
std::string tool_description(const ServedComponent& source, const runtime::FunctionInfo& function);

// Adds WIT docs to a value schema of `type` (as runtime::value_schema made it): a record's,
// variant's, enum's or flags' own docs become its "description", field docs the field's,
// variant case docs the case's; enum and flag case docs are listed in the description.
// Component reflection carries no type names, so a type is recognised by its field or case
// names: a documented type of `interface` (else of any interface) with exactly those names,
// else one whose documented items are all among them; when two fit equally, neither is used.
void describe_schema(nlohmann::json& schema, const runtime::ValType& type, const WitDocs& docs,
                     const std::string& interface);

// MCP tool annotations derivable from the policy: read-only without write or network grants,
// open-world with network grants.
nlohmann::json tool_annotations(const runtime::FunctionInfo& function,
                                const runtime::Policy& policy);

// The tool in MCP's tools/list format.
nlohmann::json mcp_tool_json(const Tool& tool);

}  // namespace asterai::mcp
