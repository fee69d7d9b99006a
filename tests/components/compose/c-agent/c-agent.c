// c-agent: an agent written as a component. It imports asterai:host/registry, which the
// runtime provides, to list the environment's functions and call them by name with JSON.
// Arguments of imports stay owned by the caller; results of imports are owned by the caller
// too (freed here); exports own their arguments and hand their results to post-return.

#include <stdlib.h>
#include <string.h>

#include "c_agent.h"

typedef c_agent_string_t string_t;

static void* checked_malloc(size_t size) {
  void* p = malloc(size ? size : 1);
  if (!p) __builtin_trap();
  return p;
}

// out = a + " " + b + " " + c (a new string).
static void join3(string_t* out, const string_t* a, const string_t* b, const string_t* c) {
  size_t len = a->len + 1 + b->len + 1 + c->len;
  uint8_t* p = checked_malloc(len);
  memcpy(p, a->ptr, a->len);
  p[a->len] = ' ';
  memcpy(p + a->len + 1, b->ptr, b->len);
  p[a->len + 1 + b->len] = ' ';
  memcpy(p + a->len + 2 + b->len, c->ptr, c->len);
  out->ptr = p;
  out->len = len;
}

void exports_asterai_compose_agent_catalog(c_agent_list_string_t* ret) {
  asterai_host_registry_list_component_info_t components;
  asterai_host_registry_list_components(&components);
  size_t count = 0;
  for (size_t i = 0; i < components.len; ++i) count += components.ptr[i].functions.len;
  ret->ptr = checked_malloc(count * sizeof(string_t));
  ret->len = count;
  size_t at = 0;
  for (size_t i = 0; i < components.len; ++i) {
    const asterai_host_registry_component_info_t* c = &components.ptr[i];
    for (size_t j = 0; j < c->functions.len; ++j) {
      const asterai_host_registry_function_info_t* f = &c->functions.ptr[j];
      join3(&ret->ptr[at++], &c->name, &f->name, &f->input_schema);
    }
  }
  asterai_host_registry_list_component_info_free(&components);
}

bool exports_asterai_compose_agent_invoke(string_t* component, string_t* function,
                                          string_t* args_json, string_t* ret, string_t* err) {
  asterai_host_registry_call_error_t call_err;
  bool ok = asterai_host_registry_call(component, function, args_json, ret, &call_err);
  c_agent_string_free(component);
  c_agent_string_free(function);
  c_agent_string_free(args_json);
  if (ok) return true;
  // "kind: message"
  size_t len = call_err.kind.len + 2 + call_err.message.len;
  uint8_t* p = checked_malloc(len);
  memcpy(p, call_err.kind.ptr, call_err.kind.len);
  memcpy(p + call_err.kind.len, ": ", 2);
  memcpy(p + call_err.kind.len + 2, call_err.message.ptr, call_err.message.len);
  err->ptr = p;
  err->len = len;
  asterai_host_registry_call_error_free(&call_err);
  return false;
}
