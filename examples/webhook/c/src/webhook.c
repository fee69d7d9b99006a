// webhook: receives GitHub-style deliveries through wasi:http/incoming-handler and accepts
// only those signed with the shared secret (the world's comment in ../../wit/world.wit says
// what each answer means). The body is never held in memory: it is MACed as it streams in.
//
// Ownership follows wit-bindgen's C conventions: `handle` owns the request and the outparam;
// arguments to imported functions stay owned by the caller. Child resources (a body's
// stream, a body) are dropped or finished before their parents.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hmac_sha256.h"
#include "webhook.h"

typedef webhook_string_t string_t;
typedef wasi_http_types_own_response_outparam_t outparam_t;
typedef wasi_http_types_borrow_incoming_request_t request_t;

enum {
  kMaxBody = 1 << 20,      // larger deliveries are refused with 413
  kReadChunk = 64 * 1024,  // what one blocking-read may return
  kWritePiece = 4096,      // what one blocking-write-and-flush may take (wasi:io/streams)
};

static const char kSignatureHeader[] = "x-hub-signature-256";
static const char kSignaturePrefix[] = "sha256=";

static void add_header(wasi_http_types_borrow_fields_t fields, const char* name,
                       const char* value) {
  string_t key = {(uint8_t*)name, strlen(name)};
  wasi_http_types_field_value_t val = {(uint8_t*)value, strlen(value)};
  wasi_http_types_header_error_t err;
  if (!wasi_http_types_method_fields_append(fields, &key, &val, &err)) __builtin_trap();
}

// Answers `status` with the JSON document `json`; `allow`, when not NULL, is the Allow header
// a 405 must carry (RFC 9110 section 15.5.6).
static void respond(outparam_t out, uint16_t status, const char* json, const char* allow) {
  wasi_http_types_own_fields_t headers = wasi_http_types_constructor_fields();
  add_header(wasi_http_types_borrow_fields(headers), "content-type", "application/json");
  if (allow) add_header(wasi_http_types_borrow_fields(headers), "allow", allow);
  wasi_http_types_own_outgoing_response_t response =
      wasi_http_types_constructor_outgoing_response(headers);
  wasi_http_types_borrow_outgoing_response_t r = wasi_http_types_borrow_outgoing_response(response);
  wasi_http_types_own_outgoing_body_t body;
  wasi_http_types_own_output_stream_t stream;
  if (!wasi_http_types_method_outgoing_response_set_status_code(r, status) ||
      !wasi_http_types_method_outgoing_response_body(r, &body) ||
      !wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(body),
                                                  &stream))
    __builtin_trap();
  // The status and headers go out first; the body follows through the stream.
  wasi_http_types_result_own_outgoing_response_error_code_t result = {.is_err = false};
  result.val.ok = response;
  wasi_http_types_static_response_outparam_set(out, &result);

  size_t len = strlen(json);
  for (size_t at = 0; at < len; at += kWritePiece) {
    webhook_list_u8_t piece = {(uint8_t*)json + at,
                               len - at < kWritePiece ? len - at : kWritePiece};
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_output_stream_blocking_write_and_flush(
            wasi_io_streams_borrow_output_stream(stream), &piece, &err)) {
      wasi_io_streams_stream_error_free(&err);  // the client went away: nothing more to say
      break;
    }
  }
  wasi_io_streams_output_stream_drop_own(stream);
  wasi_http_types_error_code_t err;
  if (!wasi_http_types_static_outgoing_body_finish(body, NULL, &err))
    wasi_http_types_error_code_free(&err);
}

// The value of the environment variable `name` (to be freed), or false when it is unset.
static bool get_env(const char* name, string_t* value) {
  webhook_list_tuple2_string_string_t vars;
  wasi_cli_environment_get_environment(&vars);
  bool found = false;
  for (size_t i = 0; i < vars.len && !found; ++i) {
    string_t* key = &vars.ptr[i].f0;
    if (key->len == strlen(name) && memcmp(key->ptr, name, key->len) == 0) {
      *value = vars.ptr[i].f1;
      vars.ptr[i].f1 = (string_t){NULL, 0};  // taken out of the list before it is freed
      found = true;
    }
  }
  webhook_list_tuple2_string_string_free(&vars);
  return found;
}

// The first value of the request header `name` (to be freed), or false when there is none.
static bool get_header(request_t req, const char* name, wasi_http_types_field_value_t* value) {
  wasi_http_types_own_headers_t headers = wasi_http_types_method_incoming_request_headers(req);
  string_t key = {(uint8_t*)name, strlen(name)};
  wasi_http_types_list_field_value_t values;
  wasi_http_types_method_fields_get(wasi_http_types_borrow_fields(headers), &key, &values);
  wasi_http_types_fields_drop_own(headers);
  bool found = values.len > 0;
  if (found) {
    *value = values.ptr[0];
    values.ptr[0] = (wasi_http_types_field_value_t){NULL, 0};
  }
  wasi_http_types_list_field_value_free(&values);
  return found;
}

static int hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The MAC a signature header names: "sha256=" and 64 hex digits; false for anything else.
static bool parse_signature(const wasi_http_types_field_value_t* v, uint8_t mac[32]) {
  size_t prefix = sizeof kSignaturePrefix - 1;
  if (v->len != prefix + 64 || memcmp(v->ptr, kSignaturePrefix, prefix) != 0) return false;
  for (int i = 0; i < 32; ++i) {
    int hi = hex_digit(v->ptr[prefix + 2 * i]), lo = hex_digit(v->ptr[prefix + 2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    mac[i] = (uint8_t)(hi << 4 | lo);
  }
  return true;
}

// Feeds the request body into `mac`; its length in `*size`. Stops, with *size over kMaxBody,
// as soon as the body is too large. False when the body cannot be read to its end.
static bool mac_body(request_t req, hmac_sha256_ctx* mac, size_t* size) {
  wasi_http_types_own_incoming_body_t body;
  wasi_http_types_own_input_stream_t stream;
  if (!wasi_http_types_method_incoming_request_consume(req, &body)) return false;
  if (!wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(body),
                                                   &stream)) {
    wasi_http_types_incoming_body_drop_own(body);
    return false;
  }
  bool ok = true;
  *size = 0;
  while (*size <= kMaxBody) {
    webhook_list_u8_t chunk;
    wasi_io_streams_stream_error_t err;
    if (!wasi_io_streams_method_input_stream_blocking_read(
            wasi_io_streams_borrow_input_stream(stream), kReadChunk, &chunk, &err)) {
      ok = err.tag == WASI_IO_STREAMS_STREAM_ERROR_CLOSED;  // closed: the end of the body
      wasi_io_streams_stream_error_free(&err);
      break;
    }
    hmac_sha256_update(mac, chunk.ptr, chunk.len);
    *size += chunk.len;
    webhook_list_u8_free(&chunk);
  }
  wasi_io_streams_input_stream_drop_own(stream);
  wasi_http_types_future_trailers_drop_own(wasi_http_types_static_incoming_body_finish(body));
  return ok;
}

// `bytes` as the contents of a JSON string. Header values are bytes; those past ASCII are
// obs-text (RFC 9110 section 5.5), written as \u00XX like the Latin-1 characters they were.
static char* json_string_contents(const uint8_t* bytes, size_t len) {
  char* out = malloc(len * 6 + 1);
  if (!out) __builtin_trap();
  size_t n = 0;
  for (size_t i = 0; i < len; ++i) {
    uint8_t c = bytes[i];
    if (c == '"' || c == '\\') {
      out[n++] = '\\';
      out[n++] = (char)c;
    } else if (c < 0x20 || c >= 0x7f) {
      n += (size_t)snprintf(out + n, 7, "\\u%04x", c);
    } else {
      out[n++] = (char)c;
    }
  }
  out[n] = '\0';
  return out;
}

static void accept_delivery(outparam_t out, request_t req, size_t size) {
  wasi_http_types_field_value_t event = {NULL, 0};
  bool has_event = get_header(req, "x-github-event", &event);
  char* name = json_string_contents(event.ptr, event.len);
  if (has_event) wasi_http_types_field_value_free(&event);
  size_t cap = strlen(name) + 64;
  char* json = malloc(cap);
  if (!json) __builtin_trap();
  snprintf(json, cap, "{\"ok\":true,\"event\":\"%s\",\"bytes\":%zu}", name, size);
  respond(out, 200, json, NULL);
  free(json);
  free(name);
}

static void receive(outparam_t out, request_t req) {
  wasi_http_types_method_t method;
  wasi_http_types_method_incoming_request_method(req, &method);
  bool post = method.tag == WASI_HTTP_TYPES_METHOD_POST;
  wasi_http_types_method_free(&method);
  if (!post) {
    respond(out, 405, "{\"ok\":false,\"error\":\"method not allowed\"}", "POST");
    return;
  }
  // An empty secret counts as none: anyone could compute a MAC under it.
  string_t secret = {NULL, 0};
  bool has_secret = get_env("WEBHOOK_SECRET", &secret);
  if (!has_secret || secret.len == 0) {
    if (has_secret) webhook_string_free(&secret);
    respond(out, 500, "{\"ok\":false,\"error\":\"WEBHOOK_SECRET is not set\"}", NULL);
    return;
  }
  uint8_t claimed[32];
  wasi_http_types_field_value_t signature;
  bool signed_ = get_header(req, kSignatureHeader, &signature);
  if (signed_) {
    signed_ = parse_signature(&signature, claimed);
    wasi_http_types_field_value_free(&signature);
  }
  hmac_sha256_ctx mac;
  hmac_sha256_init(&mac, secret.ptr, secret.len);
  webhook_string_free(&secret);
  size_t size = 0;
  // Without a well-formed signature there is nothing to check the body against.
  if (!signed_) {
    respond(out, 401, "{\"ok\":false,\"error\":\"bad signature\"}", NULL);
  } else if (!mac_body(req, &mac, &size)) {
    respond(out, 400, "{\"ok\":false,\"error\":\"the body could not be read\"}", NULL);
  } else if (size > kMaxBody) {
    respond(out, 413, "{\"ok\":false,\"error\":\"body over 1 MiB\"}", NULL);
  } else {
    uint8_t actual[32];
    hmac_sha256_final(&mac, actual);
    if (equal_in_constant_time(actual, claimed, sizeof actual))
      accept_delivery(out, req, size);
    else
      respond(out, 401, "{\"ok\":false,\"error\":\"bad signature\"}", NULL);
  }
}

void exports_wasi_http_incoming_handler_handle(wasi_http_types_own_incoming_request_t request,
                                               outparam_t out) {
  receive(out, wasi_http_types_borrow_incoming_request(request));
  wasi_http_types_incoming_request_drop_own(request);
}
