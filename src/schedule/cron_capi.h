// The C API of deps/wasmtime-capi/src/cron.rs (cron expressions and their next runs).
#pragma once

#include <cstddef>
#include <cstdint>

extern "C" {

typedef struct asterai_cron_t asterai_cron_t;

// Parses `expression` in the IANA time zone `zone` (empty: UTC). On success stores a handle
// in `out` and returns true; otherwise writes a one-line message, NUL-terminated and cut to
// `err_cap` bytes, into `err` and returns false.
bool asterai_cron_parse(const char* expression, size_t expression_len, const char* zone,
                        size_t zone_len, asterai_cron_t** out, char* err, size_t err_cap);

// Stores the first run strictly after `after` (Unix seconds) in `out` and returns true, or
// returns false when there is none. Safe to call from several threads on one handle.
bool asterai_cron_next(const asterai_cron_t* cron, int64_t after, int64_t* out);

void asterai_cron_delete(asterai_cron_t* cron);
}
