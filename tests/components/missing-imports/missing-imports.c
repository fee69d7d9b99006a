// See wit/world.wit: one export that needs no import, two that call into imports nobody
// provides.
#include "missing_imports.h"

uint32_t exports_missing_imports_add(uint32_t a, uint32_t b) {
  return a + b;
}

uint8_t exports_missing_imports_roundtrip(uint8_t x) {
  return test_numbers_test_roundtrip_u8(x);
}

uint32_t exports_missing_imports_make_counter(uint32_t start) {
  test_numbers_counters_own_counter_t counter = test_numbers_counters_constructor_counter(start);
  test_numbers_counters_borrow_counter_t view = test_numbers_counters_borrow_counter(counter);
  uint32_t value = test_numbers_counters_method_counter_value(view);
  test_numbers_counters_counter_drop_own(counter);
  return value;
}
