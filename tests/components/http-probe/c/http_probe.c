// http-probe: a wasi:http/incoming-handler for the HTTP serving tests. Each route is one
// behaviour a handler may have, well or badly behaved (wit/world.wit lists them).
//
// Ownership follows wit-bindgen's C conventions: `handle` owns the request and the outparam;
// arguments to imported functions stay owned by the caller. Child resources (a body's
// stream, a body) are dropped or finished before their parents.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http_probe.h"

typedef http_probe_string_t string_t;
typedef wasi_http_types_own_incoming_request_t request_t;
typedef wasi_http_types_own_response_outparam_t outparam_t;
typedef wasi_io_streams_borrow_output_stream_t out_stream_t;

// The largest piece one blocking-write-and-flush may take (wasi:io/streams says 4096).
enum { kWritePiece = 4096, kReadChunk = 64 * 1024 };

static void* checked(void* p) {
  if (!p) __builtin_trap();
  return p;
}

// A growing byte buffer for the JSON of /info.
typedef struct {
  char* data;
  size_t len, cap;
} buffer_t;

static void append(buffer_t* b, const void* data, size_t n) {
  if (b->len + n > b->cap) {
    b->cap = (b->len + n) * 2;
    b->data = checked(realloc(b->data, b->cap));
  }
  memcpy(b->data + b->len, data, n);
  b->len += n;
}

static void append_str(buffer_t* b, const char* s) {
  append(b, s, strlen(s));
}

// A JSON string. `latin1`: the bytes are a header value, whose bytes past ASCII are obs-text
// (RFC 9110 section 5.5) and become \u00XX; otherwise they are UTF-8 (WIT strings) and pass.
static void append_json(buffer_t* b, const uint8_t* s, size_t n, bool latin1) {
  static const char hex[] = "0123456789abcdef";
  append(b, "\"", 1);
  for (size_t i = 0; i < n; ++i) {
    uint8_t c = s[i];
    if (c == '"' || c == '\\') {
      char esc[2] = {'\\', (char)c};
      append(b, esc, 2);
    } else if (c < 0x20 || c == 0x7f || (latin1 && c >= 0x80)) {
      char esc[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
      append(b, esc, 6);
    } else {
      append(b, &c, 1);
    }
  }
  append(b, "\"", 1);
}

// Writes all of `data` in pieces blocking-write-and-flush accepts; false once the stream fails
// (the client went away).
static bool write_all(out_stream_t stream, const uint8_t* data, size_t len) {
  while (len > 0) {
    size_t n = len < kWritePiece ? len : kWritePiece;
    http_probe_list_u8_t piece = {(uint8_t*)data, n};
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(stream, &piece, &err)) {
      wasi_io_streams_stream_error_free(&err);
      return false;
    }
    data += n;
    len -= n;
  }
  return true;
}

// Headers holding one field.
static wasi_http_types_own_headers_t headers_with(const char* name, const char* value) {
  wasi_http_types_own_fields_t fields = wasi_http_types_constructor_fields();
  string_t key = {(uint8_t*)name, strlen(name)};
  wasi_http_types_field_value_t val = {(uint8_t*)value, strlen(value)};
  wasi_http_types_header_error_t err;
  if (!wasi_http_types_method_fields_append(wasi_http_types_borrow_fields(fields), &key, &val,
                                            &err))
    __builtin_trap();
  return fields;
}

// Sends the status and headers through `out`; the body is then written to the returned stream
// and ended by finish_body.
typedef struct {
  wasi_http_types_own_outgoing_body_t body;
  wasi_io_streams_own_output_stream_t stream;
} response_body_t;

static response_body_t start_response(outparam_t out, uint16_t status,
                                      wasi_http_types_own_headers_t headers) {
  wasi_http_types_own_outgoing_response_t response =
      wasi_http_types_constructor_outgoing_response(headers);
  wasi_http_types_borrow_outgoing_response_t r = wasi_http_types_borrow_outgoing_response(response);
  if (!wasi_http_types_method_outgoing_response_set_status_code(r, status)) __builtin_trap();
  response_body_t rb;
  if (!wasi_http_types_method_outgoing_response_body(r, &rb.body) ||
      !wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(rb.body),
                                                  &rb.stream))
    __builtin_trap();
  wasi_http_types_result_own_outgoing_response_error_code_t result = {.is_err = false};
  result.val.ok = response;
  wasi_http_types_static_response_outparam_set(out, &result);
  return rb;
}

static void finish_body(response_body_t rb) {
  wasi_io_streams_output_stream_drop_own(rb.stream);
  wasi_http_types_error_code_t err;
  if (!wasi_http_types_static_outgoing_body_finish(rb.body, NULL, &err))
    wasi_http_types_error_code_free(&err);
}

static void respond(outparam_t out, uint16_t status, const char* content_type, const void* body,
                    size_t len) {
  response_body_t rb = start_response(out, status, headers_with("content-type", content_type));
  write_all(wasi_io_streams_borrow_output_stream(rb.stream), body, len);
  finish_body(rb);
}

static void respond_text(outparam_t out, uint16_t status, const char* text) {
  respond(out, status, "text/plain", text, strlen(text));
}

// The value of `key` in the query `q` ("a=1&b=2"), as it is (not percent-decoded); NULL if
// absent. `*len` is its length.
static const char* query_param(const char* q, const char* key, size_t* len) {
  size_t key_len = strlen(key);
  while (q && *q) {
    const char* end = strchr(q, '&');
    size_t n = end ? (size_t)(end - q) : strlen(q);
    if (n > key_len && strncmp(q, key, key_len) == 0 && q[key_len] == '=') {
      *len = n - key_len - 1;
      return q + key_len + 1;
    }
    q = end ? end + 1 : NULL;
  }
  return NULL;
}

// The headers of the /echo response: the request's content-type, every value of it.
static wasi_http_types_own_headers_t echo_headers(wasi_http_types_borrow_incoming_request_t req) {
  string_t name = {(uint8_t*)"content-type", 12};
  wasi_http_types_list_field_value_t types;
  wasi_http_types_own_headers_t in = wasi_http_types_method_incoming_request_headers(req);
  wasi_http_types_method_fields_get(wasi_http_types_borrow_fields(in), &name, &types);
  wasi_http_types_fields_drop_own(in);
  wasi_http_types_own_fields_t out = wasi_http_types_constructor_fields();
  wasi_http_types_header_error_t err;
  if (types.len &&
      !wasi_http_types_method_fields_set(wasi_http_types_borrow_fields(out), &name, &types, &err))
    __builtin_trap();
  wasi_http_types_list_field_value_free(&types);
  return out;
}

// /echo: the request body back, chunk by chunk as it arrives, never all of it in memory.
static void echo(request_t request, outparam_t out) {
  wasi_http_types_borrow_incoming_request_t req = wasi_http_types_borrow_incoming_request(request);
  response_body_t rb = start_response(out, 200, echo_headers(req));
  wasi_http_types_own_incoming_body_t body;
  wasi_http_types_own_input_stream_t in;
  if (!wasi_http_types_method_incoming_request_consume(req, &body) ||
      !wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(body), &in))
    __builtin_trap();
  for (;;) {
    http_probe_list_u8_t chunk;
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_input_stream_blocking_read(wasi_io_streams_borrow_input_stream(in),
                                                           kReadChunk, &chunk, &err)) {
      wasi_io_streams_stream_error_free(&err);  // closed: the end (or the client is gone)
      break;
    }
    bool sent = write_all(wasi_io_streams_borrow_output_stream(rb.stream), chunk.ptr, chunk.len);
    http_probe_list_u8_free(&chunk);
    if (!sent) break;
  }
  wasi_io_streams_input_stream_drop_own(in);
  wasi_http_types_future_trailers_drop_own(wasi_http_types_static_incoming_body_finish(body));
  finish_body(rb);
}

static const char* method_name(const wasi_http_types_method_t* m) {
  static const char* const kNames[] = {"GET",     "HEAD",    "POST",  "PUT",  "DELETE",
                                       "CONNECT", "OPTIONS", "TRACE", "PATCH"};
  return m->tag < sizeof kNames / sizeof kNames[0] ? kNames[m->tag] : NULL;
}

static void append_field(buffer_t* b, const char* key, const uint8_t* s, size_t n) {
  append_json(b, (const uint8_t*)key, strlen(key), false);
  append(b, ":", 1);
  append_json(b, s, n, false);
  append(b, ",", 1);
}

// "headers": each name once, its values joined by ", " as RFC 9110 section 5.3 combines them.
static void append_headers(buffer_t* b, wasi_http_types_borrow_incoming_request_t req) {
  wasi_http_types_own_headers_t headers = wasi_http_types_method_incoming_request_headers(req);
  wasi_http_types_list_tuple2_field_name_field_value_t all;
  wasi_http_types_method_fields_entries(wasi_http_types_borrow_fields(headers), &all);
  wasi_http_types_fields_drop_own(headers);
  append_str(b, "\"headers\":{");
  bool first = true;
  for (size_t i = 0; i < all.len; ++i) {
    const string_t* name = &all.ptr[i].f0;
    bool seen = false;
    for (size_t j = 0; j < i && !seen; ++j)
      seen = all.ptr[j].f0.len == name->len && memcmp(all.ptr[j].f0.ptr, name->ptr, name->len) == 0;
    if (seen) continue;
    buffer_t value = {0};
    for (size_t j = i; j < all.len; ++j) {
      if (all.ptr[j].f0.len != name->len || memcmp(all.ptr[j].f0.ptr, name->ptr, name->len) != 0)
        continue;
      if (value.len) append(&value, ", ", 2);
      append(&value, all.ptr[j].f1.ptr, all.ptr[j].f1.len);
    }
    if (!first) append(b, ",", 1);
    first = false;
    append_json(b, name->ptr, name->len, false);
    append(b, ":", 1);
    append_json(b, (const uint8_t*)value.data, value.len, true);
    free(value.data);
  }
  append(b, "}", 1);
  wasi_http_types_list_tuple2_field_name_field_value_free(&all);
}

// /info: the request as JSON. Absent parts (a request without authority) are empty strings.
static void info(request_t request, outparam_t out, const char* path, const char* query) {
  wasi_http_types_borrow_incoming_request_t req = wasi_http_types_borrow_incoming_request(request);
  buffer_t b = {0};
  append(&b, "{", 1);
  wasi_http_types_method_t method;
  wasi_http_types_method_incoming_request_method(req, &method);
  const char* name = method_name(&method);
  append_field(&b, "method", name ? (const uint8_t*)name : method.val.other.ptr,
               name ? strlen(name) : method.val.other.len);
  wasi_http_types_method_free(&method);
  append_field(&b, "path", (const uint8_t*)path, strlen(path));
  append_field(&b, "query", (const uint8_t*)query, strlen(query));
  string_t authority = {0};
  wasi_http_types_method_incoming_request_authority(req, &authority);
  append_field(&b, "authority", authority.ptr, authority.len);
  http_probe_string_free(&authority);
  append_headers(&b, req);
  append(&b, "}\n", 2);
  respond(out, 200, "application/json", b.data, b.len);
  free(b.data);
}

// /env?name=NAME: the variable's value, through wasi:cli/environment.
static void env(outparam_t out, const char* query) {
  size_t len = 0;
  const char* name = query_param(query, "name", &len);
  http_probe_list_tuple2_string_string_t vars;
  wasi_cli_environment_get_environment(&vars);
  const string_t* found = NULL;
  for (size_t i = 0; name && i < vars.len && !found; ++i)
    if (vars.ptr[i].f0.len == len && memcmp(vars.ptr[i].f0.ptr, name, len) == 0)
      found = &vars.ptr[i].f1;
  if (found)
    respond(out, 200, "text/plain", found->ptr, found->len);
  else
    respond_text(out, 404, "no such variable\n");
  http_probe_list_tuple2_string_string_free(&vars);
}

// /status?code=N: answers N (400 when N is not a status code wasi:http accepts).
static void status(outparam_t out, const char* query) {
  size_t len = 0;
  const char* code = query_param(query, "code", &len);
  unsigned n = 0;
  for (size_t i = 0; code && i < len && i < 4 && code[i] >= '0' && code[i] <= '9'; ++i)
    n = n * 10 + (unsigned)(code[i] - '0');
  if (!code || len == 0 || len > 3 || n < 100 || n > 999) {
    respond_text(out, 400, "bad status code\n");
    return;
  }
  char text[16] = "status ";
  memcpy(text + 7, code, len);
  memcpy(text + 7 + len, "\n", 2);
  respond_text(out, (uint16_t)n, text);
}

// /oom: allocates and touches memory until malloc fails, then traps. The blocks stay linked
// from a global, so the compiler cannot drop the allocations as unused.
static void* volatile g_hoard;

static _Noreturn void exhaust_memory(void) {
  for (;;) {
    void** block = malloc(1 << 20);
    if (!block) __builtin_trap();
    memset(block, 0xA5, 1 << 20);
    *block = g_hoard;
    g_hoard = block;
  }
}

static _Noreturn void spin(void) {
  volatile uint64_t counter = 0;
  for (;;) counter = counter + 1;
}

// Blocks in the host (a poll on an hour-long timer, again and again), never answering.
static _Noreturn void sleep_forever(void) {
  for (;;) {
    wasi_io_poll_own_pollable_t timer =
        wasi_clocks_monotonic_clock_subscribe_duration(3600ull * 1000 * 1000 * 1000);
    wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(timer));
    wasi_io_poll_pollable_drop_own(timer);
  }
}

// /half: promises 100 bytes, sends 10, then traps with the response under way.
static _Noreturn void half_response(outparam_t out) {
  response_body_t rb = start_response(out, 200, headers_with("content-length", "100"));
  write_all(wasi_io_streams_borrow_output_stream(rb.stream), (const uint8_t*)"0123456789", 10);
  __builtin_trap();
}

void exports_wasi_http_incoming_handler_handle(request_t request, outparam_t out) {
  wasi_http_types_borrow_incoming_request_t req = wasi_http_types_borrow_incoming_request(request);
  string_t target = {0};
  wasi_http_types_method_incoming_request_path_with_query(req, &target);
  char* path = checked(malloc(target.len + 1));
  memcpy(path, target.ptr, target.len);
  path[target.len] = '\0';
  http_probe_string_free(&target);
  char* q = strchr(path, '?');
  const char* query = "";
  if (q) {
    *q = '\0';
    query = q + 1;
  }

  if (strcmp(path, "/hello") == 0 || strcmp(path, "/") == 0)
    respond_text(out, 200, "hello, world\n");
  else if (strcmp(path, "/echo") == 0)
    echo(request, out);
  else if (strcmp(path, "/info") == 0)
    info(request, out, path, query);
  else if (strcmp(path, "/env") == 0)
    env(out, query);
  else if (strcmp(path, "/status") == 0)
    status(out, query);
  else if (strcmp(path, "/trap") == 0)
    __builtin_trap();
  else if (strcmp(path, "/loop") == 0)
    spin();
  else if (strcmp(path, "/oom") == 0)
    exhaust_memory();
  else if (strcmp(path, "/sleep") == 0)
    sleep_forever();
  else if (strcmp(path, "/drop") == 0)
    wasi_http_types_response_outparam_drop_own(out);  // dropped, never set
  else if (strcmp(path, "/half") == 0)
    half_response(out);
  else
    respond_text(out, 404, "not found\n");
  free(path);
  wasi_http_types_incoming_request_drop_own(request);
}
