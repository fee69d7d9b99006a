// asterai:mcp/prompts: the four prompts of the scenarios prompts-list and prompts-get-*.
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

typedef exports_asterai_mcp_prompts_prompt_argument_t prompt_argument_t;
typedef exports_asterai_mcp_prompts_prompt_info_t prompt_info_t;
typedef exports_asterai_mcp_prompts_prompt_message_t prompt_message_t;
typedef exports_asterai_mcp_prompts_prompt_t prompt_t;
typedef mcp_everything_list_tuple2_string_string_t arguments_t;

// One table for prompts/list and prompts/get, so the two cannot disagree.
typedef struct {
  const char* name;
  const char* title;
  const char* description;
  const char* arguments[2][2];  // {name, description}, up to two, all required
} prompt_spec_t;

static const prompt_spec_t kPrompts[] = {
    {"test_simple_prompt", "Simple Test Prompt", "A simple prompt without arguments", {{0}}},
    {"test_prompt_with_arguments",
     "Prompt With Arguments",
     "A prompt with two required arguments",
     {{"arg1", "First test argument"}, {"arg2", "Second test argument"}}},
    {"test_prompt_with_embedded_resource",
     "Prompt With Embedded Resource",
     "A prompt that embeds the resource it is given",
     {{"resourceUri", "URI of the resource to embed"}}},
    {"test_prompt_with_image", "Prompt With Image", "A prompt that includes an image", {{0}}},
};
enum { kPromptCount = sizeof kPrompts / sizeof kPrompts[0] };

static size_t argument_count(const prompt_spec_t* spec) {
  size_t n = 0;
  while (n < 2 && spec->arguments[n][0]) n++;
  return n;
}

void exports_asterai_mcp_prompts_list_prompts(exports_asterai_mcp_prompts_list_prompt_info_t* ret) {
  ret->len = kPromptCount;
  ret->ptr = checked_malloc(sizeof(prompt_info_t) * kPromptCount);
  for (size_t i = 0; i < kPromptCount; i++) {
    const prompt_spec_t* spec = &kPrompts[i];
    prompt_info_t* info = &ret->ptr[i];
    info->name = str_dup(spec->name);
    info->title = some_str(spec->title);
    info->description = some_str(spec->description);
    size_t n = argument_count(spec);
    info->arguments.len = n;
    info->arguments.ptr = checked_malloc(sizeof(prompt_argument_t) * n);
    for (size_t a = 0; a < n; a++)
      info->arguments.ptr[a] = (prompt_argument_t){str_dup(spec->arguments[a][0]),
                                                   some_str(spec->arguments[a][1]), true};
  }
}

// The value of argument `name`, or NULL.
static const string_t* argument(const arguments_t* arguments, const char* name) {
  for (size_t i = 0; i < arguments->len; i++)
    if (str_eq(&arguments->ptr[i].f0, name)) return &arguments->ptr[i].f1;
  return NULL;
}

static prompt_message_t user_says(content_t content) {
  return (prompt_message_t){ASTERAI_MCP_TYPES_ROLE_USER, content};
}

// "Prompt with arguments: arg1='A', arg2='B'", as prompts-get-with-args has it.
static content_t arguments_text(const string_t* arg1, const string_t* arg2) {
  buffer_t text = {0};
  buffer_append(&text, "Prompt with arguments: arg1='");
  buffer_append_str(&text, arg1);
  buffer_append(&text, "', arg2='");
  buffer_append_str(&text, arg2);
  buffer_append(&text, "'");
  return text_block_owned(buffer_take(&text));
}

static content_t embedded_resource(const string_t* uri) {
  return embedded_text_block(str_dup_n((const char*)uri->ptr, uri->len), "text/plain",
                             "Embedded resource content for testing.");
}

// Fills `messages` (room for two) for the prompt at `index`, whose arguments are all present;
// returns how many.
static size_t fill_messages(size_t index, const arguments_t* arguments,
                            prompt_message_t messages[2]) {
  switch (index) {
    case 0:
      messages[0] = user_says(text_block("This is a simple prompt for testing."));
      return 1;
    case 1:
      messages[0] =
          user_says(arguments_text(argument(arguments, "arg1"), argument(arguments, "arg2")));
      return 1;
    case 2:
      messages[0] = user_says(embedded_resource(argument(arguments, "resourceUri")));
      messages[1] = user_says(text_block("Please process the embedded resource above."));
      return 2;
    default:
      messages[0] = user_says(image_block(kRedPixelPng, kRedPixelPngSize, "image/png"));
      messages[1] = user_says(text_block("Please analyze the image above."));
      return 2;
  }
}

// Sets *index to the prompt called `name` and returns true when it exists and `arguments`
// has all of its arguments; otherwise sets *err to why not.
static bool check(const string_t* name, const arguments_t* arguments, size_t* index,
                  string_t* err) {
  buffer_t message = {0};
  for (*index = 0; *index < kPromptCount; ++*index)
    if (str_eq(name, kPrompts[*index].name)) break;
  if (*index == kPromptCount) {
    buffer_append(&message, "Unknown prompt: ");
    buffer_append_str(&message, name);
    *err = buffer_take(&message);
    return false;
  }
  const prompt_spec_t* spec = &kPrompts[*index];
  for (size_t a = 0; a < argument_count(spec); a++) {
    if (argument(arguments, spec->arguments[a][0])) continue;
    buffer_append(&message, "Missing required argument: ");
    buffer_append(&message, spec->arguments[a][0]);
    *err = buffer_take(&message);
    return false;
  }
  return true;
}

bool exports_asterai_mcp_prompts_get_prompt(string_t* name, arguments_t* arguments, prompt_t* ret,
                                            string_t* err) {
  size_t index;
  bool found = check(name, arguments, &index, err);
  if (found) {
    prompt_message_t messages[2];
    size_t n = fill_messages(index, arguments, messages);
    ret->description = some_str(kPrompts[index].description);
    ret->messages.len = n;
    ret->messages.ptr = checked_malloc(sizeof(prompt_message_t) * n);
    memcpy(ret->messages.ptr, messages, sizeof(prompt_message_t) * n);
  }
  mcp_everything_string_free(name);
  mcp_everything_list_tuple2_string_string_free(arguments);
  return found;
}
