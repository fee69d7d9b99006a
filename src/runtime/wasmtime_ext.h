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

// What the requests sent through the filter moved during one call (body bytes only).
struct asterai_http_stats_t {
  uint64_t requests;        // requests that passed the filter
  uint64_t bytes_sent;      // request body bytes taken by the connection
  uint64_t bytes_received;  // response body bytes read from the connection
};

// Starts metering the calling thread's requests from zero.
void asterai_http_meter_begin(void);

// Stops metering on the calling thread and stores the counts in `out` (may be NULL).
void asterai_http_meter_end(asterai_http_stats_t* out);

// Replaces the wasi:io poll and blocking stream functions linked by
// wasmtime_component_linker_add_wasip2 (call it after that) with versions that trap when
// the calling thread's deadline passes.
wasmtime_error_t* asterai_component_linker_bound_wasi_io(wasmtime_component_linker_t* linker);

// Sets the calling thread's deadline for blocking host calls to `timeout_ms` from now;
// negative clears it. The trap it causes names "call deadline passed".
void asterai_call_deadline_set(int64_t timeout_ms);

// The WIT of the component in `bytes` (with the docs of its asterai-wit-docs section) as
// UTF-8 text in `out` (free it with wasm_byte_vec_delete), or an error.
wasmtime_error_t* asterai_component_wit(const uint8_t* bytes, size_t len, wasm_byte_vec_t* out);
}
