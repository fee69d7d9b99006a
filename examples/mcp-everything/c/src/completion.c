// asterai:mcp/completion: values for the argument arg1 of test_prompt_with_arguments, from a
// fixed list, that begin with what the user typed (the scenario completion-complete only
// checks that a list comes back, empty or not).
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static const char* const kArg1Values[] = {"paris", "park", "party", "test", "testing", "tested"};
enum { kArg1Count = sizeof kArg1Values / sizeof kArg1Values[0] };

static bool begins_with(const char* candidate, const string_t* typed) {
  return typed->len == 0 ||
         (strlen(candidate) >= typed->len && memcmp(candidate, typed->ptr, typed->len) == 0);
}

void exports_asterai_mcp_completion_complete(exports_asterai_mcp_completion_reference_t* ref,
                                             string_t* argument, string_t* value,
                                             mcp_everything_list_tuple2_string_string_t* context,
                                             mcp_everything_list_string_t* ret) {
  ret->ptr = checked_malloc(sizeof(string_t) * kArg1Count);
  ret->len = 0;
  if (ref->tag == EXPORTS_ASTERAI_MCP_COMPLETION_REFERENCE_PROMPT &&
      str_eq(&ref->val.prompt, "test_prompt_with_arguments") && str_eq(argument, "arg1")) {
    for (size_t i = 0; i < kArg1Count; i++)
      if (begins_with(kArg1Values[i], value)) ret->ptr[ret->len++] = str_dup(kArg1Values[i]);
  }
  if (ret->len == 0) free(ret->ptr), ret->ptr = NULL;  // post-return frees only non-empty lists
  exports_asterai_mcp_completion_reference_free(ref);
  mcp_everything_string_free(argument);
  mcp_everything_string_free(value);
  mcp_everything_list_tuple2_string_string_free(context);
}
