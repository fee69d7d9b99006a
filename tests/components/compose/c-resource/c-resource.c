// c-resource: imports an interface with a resource, which composition refuses at link time
// (resources cannot cross sandboxes). Never instantiated in a composition.

#include "c_resource.h"

typedef c_resource_string_t string_t;

void exports_asterai_compose_report_report(int32_t a, int32_t b, string_t* ret) {
  asterai_compose_counter_own_tally_t t = asterai_compose_counter_constructor_tally();
  uint32_t n = asterai_compose_counter_method_tally_bump(asterai_compose_counter_borrow_tally(t));
  asterai_compose_counter_tally_drop_own(t);
  (void)a;
  (void)b;
  c_resource_string_dup(ret, n ? "bumped" : "zero");
}

void exports_asterai_compose_report_math_env(string_t* name, string_t* ret) {
  c_resource_string_free(name);
  c_resource_string_dup(ret, "");
}
