// The tools that ask the client something while they run: its model (sampling) or its user
// (elicitation). An error from the request (the client did not declare the capability,
// refused, or did not answer in time) becomes an error result with the message.
#include <stdlib.h>

#include "helpers.h"

typedef asterai_mcp_client_sampling_message_t sampling_message_t;
typedef asterai_mcp_client_sampling_request_t sampling_request_t;
typedef asterai_mcp_client_sampling_response_t sampling_response_t;
typedef asterai_mcp_client_elicitation_response_t elicitation_response_t;

// Sets *ret to an error result "WHAT failed: MESSAGE" and frees `message` (the import's).
static void set_request_error(tool_result_t* ret, const char* what, string_t* message) {
  buffer_t text = {0};
  buffer_append(&text, what);
  buffer_append(&text, " failed: ");
  buffer_append_str(&text, message);
  mcp_everything_string_free(message);
  content_t block = text_block_owned(buffer_take(&text));
  set_tool_result(ret, true, &block, 1);
}

static const char* content_kind(uint8_t tag) {
  switch (tag) {
    case ASTERAI_MCP_TYPES_CONTENT_TEXT:
      return "text";
    case ASTERAI_MCP_TYPES_CONTENT_IMAGE:
      return "image";
    case ASTERAI_MCP_TYPES_CONTENT_AUDIO:
      return "audio";
    default:
      return "other";
  }
}

void exports_mcp_everything_test_sampling(string_t* prompt, tool_result_t* ret) {
  // The request borrows the prompt, which this export owns and frees below.
  sampling_message_t message;
  message.role = ASTERAI_MCP_TYPES_ROLE_USER;
  message.content.tag = ASTERAI_MCP_TYPES_CONTENT_TEXT;
  message.content.val.text = *prompt;
  sampling_request_t request = {
      .messages = {&message, 1},
      .system_prompt = {false, {NULL, 0}},
      .max_tokens = 100,
      .temperature = {false, 0},
      .model_hints = {NULL, 0},
  };
  sampling_response_t response;
  string_t err;
  bool ok = asterai_mcp_client_create_message(&request, &response, &err);
  mcp_everything_string_free(prompt);
  if (!ok) {
    set_request_error(ret, "Sampling", &err);
    return;
  }
  buffer_t text = {0};
  buffer_append(&text, "LLM response: ");
  if (response.content.tag == ASTERAI_MCP_TYPES_CONTENT_TEXT) {
    buffer_append_str(&text, &response.content.val.text);
  } else {  // the model may answer with an image or audio: say so rather than drop it
    buffer_append(&text, "(");
    buffer_append(&text, content_kind(response.content.tag));
    buffer_append(&text, " content)");
  }
  asterai_mcp_client_sampling_response_free(&response);
  content_t block = text_block_owned(buffer_take(&text));
  set_tool_result(ret, false, &block, 1);
}

static const char* action_name(asterai_mcp_client_elicitation_action_t action) {
  switch (action) {
    case ASTERAI_MCP_CLIENT_ELICITATION_ACTION_ACCEPT:
      return "accept";
    case ASTERAI_MCP_CLIENT_ELICITATION_ACTION_DECLINE:
      return "decline";
    default:
      return "cancel";
  }
}

// Asks the user; the result reads "PREFIX: action=ACTION, content=JSON" ({} without content).
// `message` is borrowed.
static void elicit(string_t* message, const char* schema, const char* prefix, tool_result_t* ret) {
  string_t requested_schema;
  mcp_everything_string_set(&requested_schema, schema);
  elicitation_response_t response;
  string_t err;
  if (!asterai_mcp_client_elicit(message, &requested_schema, &response, &err)) {
    set_request_error(ret, "Elicitation", &err);
    return;
  }
  buffer_t text = {0};
  buffer_append(&text, prefix);
  buffer_append(&text, ": action=");
  buffer_append(&text, action_name(response.action));
  buffer_append(&text, ", content=");
  if (response.content.is_some)
    buffer_append_str(&text, &response.content.val);
  else
    buffer_append(&text, "{}");
  asterai_mcp_client_elicitation_response_free(&response);
  content_t block = text_block_owned(buffer_take(&text));
  set_tool_result(ret, false, &block, 1);
}

static void elicit_static(const char* message, const char* schema, tool_result_t* ret) {
  string_t text;
  mcp_everything_string_set(&text, message);
  elicit(&text, schema, "Elicitation completed", ret);
}

// The schemas are the ones the scenarios check, field by field (tools-call-elicitation,
// elicitation-sep1034-defaults, elicitation-sep1330-enums).

static const char kContactSchema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"username\":{\"type\":\"string\",\"description\":\"User's response\"},"
    "\"email\":{\"type\":\"string\",\"description\":\"User's email address\"}},"
    "\"required\":[\"username\",\"email\"]}";

// SEP-1034: a default for every primitive type, and for an enum.
static const char kDefaultsSchema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\",\"description\":\"User name\",\"default\":\"John Doe\"},"
    "\"age\":{\"type\":\"integer\",\"description\":\"User age\",\"default\":30},"
    "\"score\":{\"type\":\"number\",\"description\":\"User score\",\"default\":95.5},"
    "\"status\":{\"type\":\"string\",\"description\":\"User status\","
    "\"enum\":[\"active\",\"inactive\",\"pending\"],\"default\":\"active\"},"
    "\"verified\":{\"type\":\"boolean\",\"description\":\"Verification status\","
    "\"default\":true}},"
    "\"required\":[]}";

// SEP-1330: the five enum forms, single- and multi-select, untitled and titled, and the
// deprecated enumNames.
static const char kEnumsSchema[] =
    "{\"type\":\"object\",\"properties\":{"
    "\"untitledSingle\":{\"type\":\"string\",\"description\":\"Select one option\","
    "\"enum\":[\"option1\",\"option2\",\"option3\"]},"
    "\"titledSingle\":{\"type\":\"string\",\"description\":\"Select one option with titles\","
    "\"oneOf\":[{\"const\":\"value1\",\"title\":\"First Option\"},"
    "{\"const\":\"value2\",\"title\":\"Second Option\"},"
    "{\"const\":\"value3\",\"title\":\"Third Option\"}]},"
    "\"legacyEnum\":{\"type\":\"string\",\"description\":\"Select one option (legacy)\","
    "\"enum\":[\"opt1\",\"opt2\",\"opt3\"],"
    "\"enumNames\":[\"Option One\",\"Option Two\",\"Option Three\"]},"
    "\"untitledMulti\":{\"type\":\"array\",\"description\":\"Select multiple options\","
    "\"minItems\":1,\"maxItems\":3,"
    "\"items\":{\"type\":\"string\",\"enum\":[\"option1\",\"option2\",\"option3\"]}},"
    "\"titledMulti\":{\"type\":\"array\",\"description\":\"Select multiple options with titles\","
    "\"minItems\":1,\"maxItems\":3,"
    "\"items\":{\"anyOf\":[{\"const\":\"value1\",\"title\":\"First Choice\"},"
    "{\"const\":\"value2\",\"title\":\"Second Choice\"},"
    "{\"const\":\"value3\",\"title\":\"Third Choice\"}]}}},"
    "\"required\":[]}";

void exports_mcp_everything_test_elicitation(string_t* message, tool_result_t* ret) {
  elicit(message, kContactSchema, "User response", ret);
  mcp_everything_string_free(message);
}

void exports_mcp_everything_test_elicitation_sep1034_defaults(tool_result_t* ret) {
  elicit_static("Please review these fields; each has a default", kDefaultsSchema, ret);
}

void exports_mcp_everything_test_elicitation_sep1330_enums(tool_result_t* ret) {
  elicit_static("Please pick from each of these enum fields", kEnumsSchema, ret);
}
