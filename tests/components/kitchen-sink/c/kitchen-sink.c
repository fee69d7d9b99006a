// kitchen-sink in C, on bindings from `wit-bindgen c` (generated at build time into the output
// folder, see scripts/build-components.sh). Behaviour: ../README.md.
//
// Ownership, as wit-bindgen's C exports define it: every argument is owned by the callee, and
// every result is owned by the caller, which frees it in the generated post-return function
// after the host has copied it. So an echo moves its argument into its result (no copy, and no
// free), and every other function frees what it receives and allocates what it returns with
// malloc (directly or through the generated kitchen_sink_string_dup), which post-return frees.

#include "kitchen_sink.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef kitchen_sink_string_t string_t;
typedef exports_asterai_kitchen_sink_values_person_t person_t;
typedef exports_asterai_kitchen_sink_values_list_person_t people_t;
typedef exports_asterai_kitchen_sink_values_shape_t shape_t;
typedef exports_asterai_kitchen_sink_values_color_t color_t;
typedef exports_asterai_kitchen_sink_values_permissions_t permissions_t;

// Allocation failure cannot be reported through this WIT; trapping beats corrupt results.
static void* checked_malloc(size_t size) {
  void* p = malloc(size ? size : 1);
  if (!p) __builtin_trap();
  return p;
}

// Writes v in decimal (no leading zeros) at the end of buf[10]; returns the first digit.
// Hand-rolled so the component does not link printf for one number.
static char* format_u32(char buf[10], uint32_t v) {
  char* at = buf + 10;
  do *--at = (char)('0' + v % 10), v /= 10;
  while (v);
  return at;
}

// --- world-level export -------------------------------------------------------------------

int32_t exports_kitchen_sink_add(int32_t a, int32_t b) {
  return (int32_t)((uint32_t)a + (uint32_t)b);  // unsigned arithmetic wraps without UB
}

// --- echoes: scalars are returned, owned values are moved into the result ------------------

// One line each: these read better as a table.
// clang-format off
bool exports_asterai_kitchen_sink_values_echo_bool(bool v) { return v; }
int8_t exports_asterai_kitchen_sink_values_echo_s8(int8_t v) { return v; }
uint8_t exports_asterai_kitchen_sink_values_echo_u8(uint8_t v) { return v; }
int16_t exports_asterai_kitchen_sink_values_echo_s16(int16_t v) { return v; }
uint16_t exports_asterai_kitchen_sink_values_echo_u16(uint16_t v) { return v; }
int32_t exports_asterai_kitchen_sink_values_echo_s32(int32_t v) { return v; }
uint32_t exports_asterai_kitchen_sink_values_echo_u32(uint32_t v) { return v; }
int64_t exports_asterai_kitchen_sink_values_echo_s64(int64_t v) { return v; }
uint64_t exports_asterai_kitchen_sink_values_echo_u64(uint64_t v) { return v; }
float exports_asterai_kitchen_sink_values_echo_f32(float v) { return v; }
double exports_asterai_kitchen_sink_values_echo_f64(double v) { return v; }
uint32_t exports_asterai_kitchen_sink_values_echo_char(uint32_t v) { return v; }
color_t exports_asterai_kitchen_sink_values_echo_color(color_t v) { return v; }
permissions_t exports_asterai_kitchen_sink_values_echo_permissions(permissions_t v) { return v; }
// clang-format on

void exports_asterai_kitchen_sink_values_echo_string(string_t* v, string_t* ret) {
  *ret = *v;
}

void exports_asterai_kitchen_sink_values_echo_bytes(kitchen_sink_list_u8_t* v,
                                                    kitchen_sink_list_u8_t* ret) {
  *ret = *v;
}

void exports_asterai_kitchen_sink_values_echo_list(kitchen_sink_list_s32_t* v,
                                                   kitchen_sink_list_s32_t* ret) {
  *ret = *v;
}

void exports_asterai_kitchen_sink_values_echo_strings(kitchen_sink_list_string_t* v,
                                                      kitchen_sink_list_string_t* ret) {
  *ret = *v;
}

void exports_asterai_kitchen_sink_values_echo_person(person_t* v, person_t* ret) {
  *ret = *v;
}

void exports_asterai_kitchen_sink_values_echo_tuple(kitchen_sink_tuple3_u8_string_bool_t* v,
                                                    kitchen_sink_tuple3_u8_string_bool_t* ret) {
  *ret = *v;
}

void exports_asterai_kitchen_sink_values_echo_shape(shape_t* v, shape_t* ret) {
  *ret = *v;
}

// An option argument arrives as NULL (none) or a pointer to the payload; the result is the
// return value (is-some) plus the payload written through ret.
bool exports_asterai_kitchen_sink_values_echo_option(string_t* maybe_v, string_t* ret) {
  if (!maybe_v) return false;
  *ret = *maybe_v;
  return true;
}

bool exports_asterai_kitchen_sink_values_echo_nested_option(kitchen_sink_option_u32_t* maybe_v,
                                                            kitchen_sink_option_u32_t* ret) {
  if (!maybe_v) return false;
  *ret = *maybe_v;
  return true;
}

// A result is returned as true (ok, written through ret) or false (err, written through err).
bool exports_asterai_kitchen_sink_values_echo_result(
    exports_asterai_kitchen_sink_values_result_u32_string_t* v, uint32_t* ret, string_t* err) {
  if (v->is_err) {
    *err = v->val.err;
    return false;
  }
  *ret = v->val.ok;
  return true;
}

void exports_asterai_kitchen_sink_values_echo_people(people_t* v, people_t* ret) {
  *ret = *v;
}

// --- the functions with behaviour ---------------------------------------------------------

void exports_asterai_kitchen_sink_values_greet(person_t* who, string_t* ret) {
  // "Hello, " + name + "! You are " + age + "."
  static const char hello[] = "Hello, ", you_are[] = "! You are ";
  char digits[10];
  const char* age = format_u32(digits, who->age);
  size_t age_len = (size_t)(digits + sizeof digits - age);
  size_t len = (sizeof hello - 1) + who->name.len + (sizeof you_are - 1) + age_len + 1;
  char* text = checked_malloc(len);
  char* at = text;
  memcpy(at, hello, sizeof hello - 1), at += sizeof hello - 1;
  if (who->name.len) memcpy(at, who->name.ptr, who->name.len), at += who->name.len;
  memcpy(at, you_are, sizeof you_are - 1), at += sizeof you_are - 1;
  memcpy(at, age, age_len), at += age_len;
  *at = '.';
  ret->ptr = (uint8_t*)text;
  ret->len = len;
  exports_asterai_kitchen_sink_values_person_free(who);
}

int64_t exports_asterai_kitchen_sink_values_sum(kitchen_sink_list_s64_t* values) {
  uint64_t total = 0;  // unsigned: wraps modulo 2^64 without UB
  for (size_t i = 0; i < values->len; i++) total += (uint64_t)values->ptr[i];
  kitchen_sink_list_s64_free(values);
  return (int64_t)total;
}

double exports_asterai_kitchen_sink_values_area(shape_t* s) {
  switch (s->tag) {
    case EXPORTS_ASTERAI_KITCHEN_SINK_VALUES_SHAPE_CIRCLE:
      return 3.141592653589793 * s->val.circle * s->val.circle;  // (pi*r)*r, as the README fixes
    case EXPORTS_ASTERAI_KITCHEN_SINK_VALUES_SHAPE_RECTANGLE:
      return s->val.rectangle.f0 * s->val.rectangle.f1;
    default:
      return 0.0;
  }
}

bool exports_asterai_kitchen_sink_values_divide(int32_t a, int32_t b, int32_t* ret, string_t* err) {
  // Both errors would be undefined behaviour (a wasm trap) in C's `/`.
  if (b == 0) {
    kitchen_sink_string_dup(err, "division by zero");
    return false;
  }
  if (a == INT32_MIN && b == -1) {
    kitchen_sink_string_dup(err, "overflow");
    return false;
  }
  *ret = a / b;  // C division truncates toward zero
  return true;
}

void exports_asterai_kitchen_sink_values_describe(
    people_t* people, color_t c, permissions_t p,
    kitchen_sink_tuple3_u32_string_list_string_t* ret) {
  (void)c;  // accepted, deliberately unused

  ret->f0 = (uint32_t)people->len;

  size_t len = 0;
  for (size_t i = 0; i < people->len; i++) len += (i ? 2 : 0) + people->ptr[i].name.len;
  ret->f1.len = len;
  ret->f1.ptr = len ? checked_malloc(len) : NULL;
  uint8_t* at = ret->f1.ptr;
  for (size_t i = 0; i < people->len; i++) {
    const string_t* name = &people->ptr[i].name;
    if (i) memcpy(at, ", ", 2), at += 2;
    if (name->len) memcpy(at, name->ptr, name->len), at += name->len;
  }

  static const struct {
    permissions_t bit;
    const char* name;
  } flags[] = {
      {EXPORTS_ASTERAI_KITCHEN_SINK_VALUES_PERMISSIONS_READ, "read"},
      {EXPORTS_ASTERAI_KITCHEN_SINK_VALUES_PERMISSIONS_WRITE, "write"},
      {EXPORTS_ASTERAI_KITCHEN_SINK_VALUES_PERMISSIONS_EXEC, "exec"},
  };
  size_t count = 0;
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) count += (p & flags[i].bit) != 0;
  ret->f2.len = count;
  ret->f2.ptr = count ? checked_malloc(count * sizeof(string_t)) : NULL;
  count = 0;
  for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
    if (p & flags[i].bit) kitchen_sink_string_dup(&ret->f2.ptr[count++], flags[i].name);
  }

  exports_asterai_kitchen_sink_values_list_person_free(people);
}

void exports_asterai_kitchen_sink_values_fail(string_t* msg) {
  // write(2), not <stdio.h>: the component then needs only fd_write (stdio streams pull in
  // fd_seek and fd_close too). A write may be short (the WASI adapter writes one iovec at a
  // time), hence the loop over one buffer holding the whole line.
  size_t len = msg->len + 1;
  char* line = checked_malloc(len);
  if (msg->len) memcpy(line, msg->ptr, msg->len);
  line[msg->len] = '\n';
  for (size_t done = 0; done < len;) {
    ssize_t n = write(STDERR_FILENO, line + done, len - done);
    if (n <= 0) break;  // nowhere to report it; the trap below still happens
    done += (size_t)n;
  }
  __builtin_trap();  // `unreachable`: the call ends in a trap, so nothing is freed, by design
}

void exports_asterai_kitchen_sink_values_noop(void) {}
