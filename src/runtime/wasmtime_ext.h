// asterai's extensions to Wasmtime's C API, implemented in deps/wasmtime-capi/src/*.rs.
#pragma once

#include <wasmtime.h>

extern "C" {

// Limits in, observations out. Must outlive the store it is installed on.
struct asterai_limits_t {
  int64_t max_memory;          // bytes of linear memory; negative = unlimited
  int64_t max_table_elements;  // negative = unlimited
  uint64_t peak_memory;        // out: largest linear memory size reached
  bool memory_limit_hit;       // out: a growth past max_memory was refused (the call trapped)
};

// Replaces the store's resource limiter with one that enforces `limits` and records peaks.
void asterai_store_set_limiter(wasmtime_store_t* store, asterai_limits_t* limits);

// Decides whether an outgoing HTTP request may be sent.
typedef bool (*asterai_http_filter_t)(void* data, const uint8_t* scheme, size_t scheme_len,
                                      const uint8_t* authority, size_t authority_len);

// Sets (filter = NULL: clears) the calling thread's HTTP filter. With none set, every
// outgoing request is denied.
void asterai_http_filter_set(asterai_http_filter_t filter, void* data);

// Links wasi:http/types and wasi:http/outgoing-handler with requests checked by the filter.
wasmtime_error_t* asterai_component_linker_add_wasi_http_filtered(
    wasmtime_component_linker_t* linker);
}
