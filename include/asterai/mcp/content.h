// MCP content from the WIT types of asterai:mcp/types (wit/asterai-mcp/mcp.wit), whose values
// arrive as the JSON of docs/values.md: tool results, prompt messages, resource contents and
// sampling messages, in both directions. Bytes (list<u8>) travel base64-encoded in MCP.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "asterai/runtime/types.h"

namespace asterai::mcp {

// How a tool's result is answered. Component reflection carries no type names, so the WIT
// types are recognised by shape: `content` is the variant with exactly the cases text, image,
// audio, embedded-resource and resource-link; `tool-result` the record {content, is-error}.
struct ResultForm {
  enum Kind {
    json,         // any other type: the value as JSON (text block + structuredContent)
    content,      // list<content>
    tool_result,  // tool-result
  } kind = json;
  // The result type is result<T, E> with T one of the above: `err` is a failed call whose
  // error value the model reads.
  bool in_result = false;
};
ResultForm result_form(const runtime::FunctionInfo& function);

// True for the variant asterai:mcp/types#content (by its case names).
bool is_content_type(const runtime::ValType& type);

// One MCP content block from a `content` value ({"text": "..."}, {"image": {...}}, ...).
nlohmann::json mcp_content(const nlohmann::json& wit);
// MCP's resource contents ({uri, mimeType, text | blob}) from a `resource-contents` value.
nlohmann::json mcp_resource_contents(const nlohmann::json& wit);
// A CallToolResult's content and isError from a successful call's value in that form.
nlohmann::json content_tool_result(const ResultForm& form, const nlohmann::json& value);

// A `content` value from an MCP content block of a sampling response (text, image, audio), or
// null with `problem` set.
std::optional<nlohmann::json> wit_content(const nlohmann::json& mcp, std::string& problem);

}  // namespace asterai::mcp
