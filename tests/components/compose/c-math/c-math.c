// c-math: the C provider of asterai:compose/math (bindings from `wit-bindgen c`, generated at
// build time). Ownership as wit-bindgen's C exports define it: arguments are owned by the
// callee, results by the caller (freed in post-return).

#include <stdlib.h>
#include <string.h>

#include "c_math.h"

typedef c_math_string_t string_t;
typedef exports_asterai_compose_math_point_t point_t;

int32_t exports_asterai_compose_math_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);  // wraps without UB
}

void exports_asterai_compose_math_scale(point_t* p, int32_t k, point_t* ret) {
  ret->x = (int32_t)((uint32_t)p->x * (uint32_t)k);
  ret->y = (int32_t)((uint32_t)p->y * (uint32_t)k);
}

bool exports_asterai_compose_math_join(c_math_list_string_t* words, string_t* ret) {
  size_t len = 0;
  for (size_t i = 0; i < words->len; ++i) len += words->ptr[i].len + 1;
  bool some = words->len > 0;
  if (some) {
    uint8_t* out = malloc(len);
    if (!out) __builtin_trap();
    size_t at = 0;
    for (size_t i = 0; i < words->len; ++i) {
      if (i) out[at++] = ' ';
      memcpy(out + at, words->ptr[i].ptr, words->ptr[i].len);
      at += words->ptr[i].len;
    }
    ret->ptr = out;
    ret->len = at;
  }
  c_math_list_string_free(words);
  return some;
}

bool exports_asterai_compose_math_env(string_t* name, string_t* ret) {
  char* key = malloc(name->len + 1);
  if (!key) __builtin_trap();
  memcpy(key, name->ptr, name->len);
  key[name->len] = 0;
  c_math_string_free(name);
  const char* value = getenv(key);
  free(key);
  if (!value) return false;
  c_math_string_dup(ret, value);
  return true;
}

bool exports_asterai_compose_math_divide(int32_t a, int32_t b, int32_t* ret, string_t* err) {
  if (b == 0) {
    c_math_string_dup(err, "division by zero");
    return false;
  }
  if (a == INT32_MIN && b == -1) {
    c_math_string_dup(err, "overflow");
    return false;
  }
  *ret = a / b;
  return true;
}

uint32_t exports_asterai_compose_math_spin(void) {
  volatile uint32_t n = 0;
  for (;;) ++n;
}

void exports_asterai_compose_math_crash(void) {
  __builtin_trap();
}
