// asterai's extensions to Wasmtime's C API, implemented in deps/wasmtime-capi/src/*.rs.
// (The cron functions of deps/wasmtime-capi/src/cron.rs are declared in src/schedule/cron_capi.h.)
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

// Resets freed linear memories and tables by restoring only the pages the guest wrote
// (Linux's PAGEMAP_SCAN), up to the keep-resident sizes, which then stay mapped; where the
// kernel lacks it, the default reset. See deps/wasmtime-capi/src/pooling.rs.
void asterai_pooling_allocation_config_pagemap_scan_set(
    wasmtime_pooling_allocation_config_t* config, bool enable);

// Whether `error` is the pooling allocator finding every slot of one kind taken (instances,
// memories, tables, stacks), by its type. See deps/wasmtime-capi/src/pool_full.rs.
bool asterai_error_is_pool_full(const wasmtime_error_t* error);

// Replaces the store's resource limiter with one that enforces `limits` and records peaks.
void asterai_store_set_limiter(wasmtime_store_t* store, asterai_limits_t* limits);

// Decides whether an outgoing HTTP request may be sent: one of the verdicts below.
typedef uint8_t (*asterai_http_filter_t)(void* data, const uint8_t* scheme, size_t scheme_len,
                                         const uint8_t* authority, size_t authority_len);
enum {
  ASTERAI_HTTP_DENY = 0,   // not sent: the guest gets HTTP-request-denied
  ASTERAI_HTTP_ALLOW = 1,  // sent by Wasmtime's own sender
  // Sent only to a public unicast address: the name is resolved once, non-public addresses
  // are dropped (none left: destination-IP-prohibited) and the connection goes to a checked one.
  ASTERAI_HTTP_ALLOW_PUBLIC_ONLY = 2,
};

// True when `address` (IPv4 or IPv6 text) passes ASTERAI_HTTP_ALLOW_PUBLIC_ONLY: a public
// unicast address or one in an added network; false for text that is no address.
bool asterai_ip_is_public(const char* address);
// Adds a network ("ADDRESS" or "ADDRESS/PREFIX", NUL-terminated) that passes too, process-wide;
// false when the text is no such network.
bool asterai_ip_reachable_add(const char* network);
// Removes every added network.
void asterai_ip_reachable_clear(void);

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

// A component pre-instantiated against a linker (imports resolved once).
typedef struct asterai_instance_pre_t asterai_instance_pre_t;
wasmtime_error_t* asterai_component_instance_pre_new(const wasmtime_component_linker_t* linker,
                                                     const wasmtime_component_t* component,
                                                     asterai_instance_pre_t** out);
wasmtime_error_t* asterai_component_instance_pre_instantiate(
    const asterai_instance_pre_t* pre, wasmtime_context_t* context,
    wasmtime_component_instance_t* instance_out);
void asterai_component_instance_pre_delete(asterai_instance_pre_t* pre);

// Incoming HTTP (deps/wasmtime-capi/src/incoming.rs).
struct asterai_http_field_t {
  const uint8_t* name;
  size_t name_len;
  const uint8_t* value;
  size_t value_len;
};

// Fills `buf` with up to `cap` body bytes: how many, 0 at the end, or a negative code.
typedef int64_t (*asterai_http_read_t)(void* data, uint8_t* buf, size_t cap);
#define ASTERAI_HTTP_READ_CLOSED (-1)     // the client left or broke the framing
#define ASTERAI_HTTP_READ_TIMEOUT (-2)    // the next piece did not come in time
#define ASTERAI_HTTP_READ_TOO_LARGE (-3)  // the body went past the size limit

struct asterai_http_request_t {
  const uint8_t* method;
  size_t method_len;
  bool https;
  const uint8_t* authority;
  size_t authority_len;
  const uint8_t* path_with_query;
  size_t path_with_query_len;
  const asterai_http_field_t* headers;
  size_t header_count;
  asterai_http_read_t read;  // NULL: no body; must stay usable until the store is deleted
  void* read_data;
};

// Called from any thread when a response's head or body may have progressed; never after
// asterai_http_response_delete returned. It must not call into the response itself.
typedef void (*asterai_http_wake_t)(void* data);
typedef struct asterai_http_response_t asterai_http_response_t;
asterai_http_response_t* asterai_http_response_new(asterai_http_wake_t wake, void* data);
void asterai_http_response_delete(asterai_http_response_t* response);
// 0 pending, 1 set (status filled in), 2 the guest set an error code, 3 never set.
int32_t asterai_http_response_head(const asterai_http_response_t* response, uint16_t* status);
// Header `index` of a set response; false past the last. Valid until delete.
bool asterai_http_response_field(const asterai_http_response_t* response, size_t index,
                                 asterai_http_field_t* out);
// The reason of head 2 or body poll 3; valid until the next call on the response.
void asterai_http_response_error(const asterai_http_response_t* response, const uint8_t** text,
                                 size_t* len);
// 0 nothing yet (wake follows), 1 a chunk in data/len (valid until the next poll), 2 end,
// 3 broken.
int32_t asterai_http_response_body_poll(const asterai_http_response_t* response,
                                        const uint8_t** data, size_t* len);

// Drops the body unread, so the guest's next write fails instead of waiting for a reader.
void asterai_http_response_body_abandon(const asterai_http_response_t* response);

// Runs the instance's wasi:http/incoming-handler.handle; an error is a trap.
wasmtime_error_t* asterai_http_handle(wasmtime_context_t* context,
                                      const wasmtime_component_instance_t* instance,
                                      const asterai_http_request_t* request,
                                      const asterai_http_response_t* response);
}
