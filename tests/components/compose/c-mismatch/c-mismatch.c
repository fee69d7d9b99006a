// c-mismatch: imports asterai:compose/math with an `add` whose signature differs from the
// one c-math exports, so linking the two is refused. Never instantiated in a composition.

#include "c_mismatch.h"

typedef c_mismatch_string_t string_t;

void exports_asterai_compose_report_report(int32_t a, int32_t b, string_t* ret) {
  uint64_t sum = asterai_compose_math_add((uint32_t)a, (uint32_t)b);
  c_mismatch_string_dup(ret, sum ? "nonzero" : "zero");
}

void exports_asterai_compose_report_math_env(string_t* name, string_t* ret) {
  c_mismatch_string_free(name);
  c_mismatch_string_dup(ret, "");
}
