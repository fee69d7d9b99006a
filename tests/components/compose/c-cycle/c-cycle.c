// c-cycle: exports math by importing text, which js-text builds on math: linking both in one
// composition is a cycle. Never called; the functions only satisfy the world.

#include "c_cycle.h"

typedef c_cycle_string_t string_t;
typedef exports_asterai_compose_math_point_t point_t;

int32_t exports_asterai_compose_math_add(int32_t a, int32_t b) {
  string_t s;
  asterai_compose_text_summary(a, b, &s);
  int32_t n = (int32_t)s.len;
  c_cycle_string_free(&s);
  return n;
}

void exports_asterai_compose_math_scale(point_t* p, int32_t k, point_t* ret) {
  ret->x = p->x * k;
  ret->y = p->y * k;
}

bool exports_asterai_compose_math_join(c_cycle_list_string_t* words, string_t* ret) {
  (void)ret;
  c_cycle_list_string_free(words);
  return false;
}

bool exports_asterai_compose_math_env(string_t* name, string_t* ret) {
  (void)ret;
  c_cycle_string_free(name);
  return false;
}

bool exports_asterai_compose_math_divide(int32_t a, int32_t b, int32_t* ret, string_t* err) {
  (void)err;
  *ret = b ? a / b : 0;
  return true;
}

uint32_t exports_asterai_compose_math_spin(void) {
  return 0;
}

void exports_asterai_compose_math_crash(void) {}
