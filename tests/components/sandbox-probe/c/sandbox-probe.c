// sandbox-probe: a component that tries to get out of its sandbox, for the runtime's
// enforcement tests. Files and environment go through wasi-libc (and the WASI preview 1
// adapter), so they take the path a C tool would take; HTTP and sockets go through the
// wasi:http and wasi:sockets imports directly, as wit-bindgen generates them at build time
// (see scripts/build-components.sh).
//
// Ownership follows wit-bindgen's C conventions: exported functions own their arguments
// (and free them), results are malloc'ed and freed by the generated post-return function;
// arguments to imported functions stay owned by the caller.

#include "sandbox_probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

typedef sandbox_probe_string_t string_t;

extern char** environ;

// Allocation failure cannot be reported through this WIT; trapping beats wrong answers.
static void* checked_malloc(size_t size) {
  void* p = malloc(size ? size : 1);
  if (!p) __builtin_trap();
  return p;
}

static char* to_cstr(const string_t* s) {
  char* c = checked_malloc(s->len + 1);
  memcpy(c, s->ptr, s->len);
  c[s->len] = '\0';
  return c;
}

// Takes an argument string as a NUL-terminated copy and frees the original.
static char* take_cstr(string_t* s) {
  char* c = to_cstr(s);
  sandbox_probe_string_free(s);
  return c;
}

// "STEP: <errno text>", e.g. "open: No such file or directory".
static void errno_error(string_t* err, const char* step) {
  const char* text = strerror(errno);
  size_t len = strlen(step) + 2 + strlen(text);
  char* msg = checked_malloc(len + 1);
  snprintf(msg, len + 1, "%s: %s", step, text);
  err->ptr = (uint8_t*)msg;
  err->len = len;
}

// The pattern big-output and write-stdout produce: byte i is 'a' + i % 26.
static void fill_pattern(char* buf, size_t n, size_t offset) {
  for (size_t i = 0; i < n; ++i) buf[i] = (char)('a' + (offset + i) % 26);
}

// --- files --------------------------------------------------------------------------------

// Reads all of fd into ret (the caller closes fd).
static bool read_all(int fd, string_t* ret, string_t* err) {
  size_t cap = 4096, len = 0;
  char* buf = checked_malloc(cap);
  for (;;) {
    if (len == cap) {
      cap *= 2;
      char* bigger = realloc(buf, cap);
      if (!bigger) __builtin_trap();
      buf = bigger;
    }
    ssize_t n = read(fd, buf + len, cap - len);
    if (n < 0) {
      free(buf);
      errno_error(err, "read");
      return false;
    }
    if (n == 0) break;
    len += (size_t)n;
  }
  ret->ptr = (uint8_t*)buf;
  ret->len = len;
  return true;
}

bool exports_asterai_sandbox_probe_probe_read_file(string_t* path, string_t* ret, string_t* err) {
  char* p = take_cstr(path);
  int fd = open(p, O_RDONLY);
  free(p);
  if (fd < 0) {
    errno_error(err, "open");
    return false;
  }
  bool ok = read_all(fd, ret, err);
  close(fd);
  return ok;
}

bool exports_asterai_sandbox_probe_probe_read_file_at(string_t* dir, string_t* path, string_t* ret,
                                                      string_t* err) {
  char* d = take_cstr(dir);
  char* p = take_cstr(path);
  int dir_fd = open(d, O_RDONLY | O_DIRECTORY);
  free(d);
  if (dir_fd < 0) {
    free(p);
    errno_error(err, "open dir");
    return false;
  }
  // openat hands the relative path to the host as it is: no libc path resolution.
  int fd = openat(dir_fd, p, O_RDONLY);
  free(p);
  if (fd < 0) {
    errno_error(err, "openat");
    close(dir_fd);
    return false;
  }
  bool ok = read_all(fd, ret, err);
  close(fd);
  close(dir_fd);
  return ok;
}

bool exports_asterai_sandbox_probe_probe_read_file_fd(uint32_t dir_fd, string_t* path,
                                                      string_t* ret, string_t* err) {
  char* p = take_cstr(path);
  int fd = openat((int)dir_fd, p, O_RDONLY);
  free(p);
  if (fd < 0) {
    errno_error(err, "openat");
    return false;
  }
  bool ok = read_all(fd, ret, err);
  close(fd);
  return ok;
}

// Writes `data` to the file opened with `flags` (creating it).
static bool write_with(int flags, string_t* path, string_t* data, string_t* err) {
  char* p = take_cstr(path);
  int fd = open(p, flags, 0644);
  free(p);
  if (fd < 0) {
    sandbox_probe_string_free(data);
    errno_error(err, "open");
    return false;
  }
  size_t done = 0;
  bool ok = true;
  while (done < data->len) {
    ssize_t n = write(fd, data->ptr + done, data->len - done);
    if (n < 0) {
      errno_error(err, "write");
      ok = false;
      break;
    }
    done += (size_t)n;
  }
  sandbox_probe_string_free(data);
  if (close(fd) != 0 && ok) {
    errno_error(err, "close");
    ok = false;
  }
  return ok;
}

bool exports_asterai_sandbox_probe_probe_write_file(string_t* path, string_t* data, string_t* err) {
  return write_with(O_WRONLY | O_CREAT | O_TRUNC, path, data, err);
}

bool exports_asterai_sandbox_probe_probe_append_file(string_t* path, string_t* data,
                                                     string_t* err) {
  return write_with(O_WRONLY | O_CREAT | O_APPEND, path, data, err);
}

static int compare_strings(const void* a, const void* b) {
  const string_t* x = a;
  const string_t* y = b;
  size_t n = x->len < y->len ? x->len : y->len;
  int c = memcmp(x->ptr, y->ptr, n);
  return c ? c : (x->len > y->len) - (x->len < y->len);
}

bool exports_asterai_sandbox_probe_probe_list_dir(string_t* path, sandbox_probe_list_string_t* ret,
                                                  string_t* err) {
  char* p = take_cstr(path);
  DIR* dir = opendir(p);
  free(p);
  if (!dir) {
    errno_error(err, "opendir");
    return false;
  }
  size_t cap = 16, len = 0;
  string_t* names = checked_malloc(cap * sizeof(string_t));
  struct dirent* entry;
  errno = 0;
  while ((entry = readdir(dir)) != NULL) {
    if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0) continue;
    if (len == cap) {
      cap *= 2;
      string_t* bigger = realloc(names, cap * sizeof(string_t));
      if (!bigger) __builtin_trap();
      names = bigger;
    }
    sandbox_probe_string_dup(&names[len++], entry->d_name);
  }
  bool failed = errno != 0;
  if (failed) errno_error(err, "readdir");
  closedir(dir);
  if (failed) {
    for (size_t i = 0; i < len; ++i) sandbox_probe_string_free(&names[i]);
    free(names);
    return false;
  }
  qsort(names, len, sizeof(string_t), compare_strings);
  ret->ptr = names;
  ret->len = len;
  return true;
}

// --- environment --------------------------------------------------------------------------

bool exports_asterai_sandbox_probe_probe_get_env(string_t* name, string_t* ret) {
  char* n = take_cstr(name);
  const char* value = getenv(n);
  free(n);
  if (!value) return false;
  sandbox_probe_string_dup(ret, value);
  return true;
}

uint32_t exports_asterai_sandbox_probe_probe_env_count(void) {
  (void)getenv("");  // wasi-libc fills `environ` lazily, on first use of getenv
  uint32_t count = 0;
  for (char** e = environ; e && *e; ++e) ++count;
  return count;
}

// --- wasi:http ----------------------------------------------------------------------------

// The error-code cases of wasi:http/types, in declaration order (the tag is the index).
static const char* const kHttpErrors[] = {
    "DNS-timeout",
    "DNS-error",
    "destination-not-found",
    "destination-unavailable",
    "destination-IP-prohibited",
    "destination-IP-unroutable",
    "connection-refused",
    "connection-terminated",
    "connection-timeout",
    "connection-read-timeout",
    "connection-write-timeout",
    "connection-limit-reached",
    "TLS-protocol-error",
    "TLS-certificate-error",
    "TLS-alert-received",
    "HTTP-request-denied",
    "HTTP-request-length-required",
    "HTTP-request-body-size",
    "HTTP-request-method-invalid",
    "HTTP-request-URI-invalid",
    "HTTP-request-URI-too-long",
    "HTTP-request-header-section-size",
    "HTTP-request-header-size",
    "HTTP-request-trailer-section-size",
    "HTTP-request-trailer-size",
    "HTTP-response-incomplete",
    "HTTP-response-header-section-size",
    "HTTP-response-header-size",
    "HTTP-response-body-size",
    "HTTP-response-trailer-section-size",
    "HTTP-response-trailer-size",
    "HTTP-response-transfer-coding",
    "HTTP-response-content-coding",
    "HTTP-response-timeout",
    "HTTP-upgrade-failed",
    "HTTP-protocol-error",
    "loop-detected",
    "configuration-error",
    "internal-error",
};
_Static_assert(sizeof kHttpErrors / sizeof kHttpErrors[0] ==
                   WASI_HTTP_TYPES_ERROR_CODE_INTERNAL_ERROR + 1,
               "one name per wasi:http error-code case");

// Reports an error code by its case name and releases its payload.
static void http_error(string_t* err, wasi_http_types_error_code_t* code) {
  size_t n = sizeof kHttpErrors / sizeof kHttpErrors[0];
  sandbox_probe_string_dup(err, code->tag < n ? kHttpErrors[code->tag] : "unknown-error-code");
  wasi_http_types_error_code_free(code);
}

static void block_on(wasi_io_poll_own_pollable_t pollable) {
  wasi_io_poll_method_pollable_block(wasi_io_poll_borrow_pollable(pollable));
  wasi_io_poll_pollable_drop_own(pollable);
}

// A request for `url` ("http[s]://authority[/path]"); false with `err` set when it is bad.
static bool new_request(string_t* url, wasi_http_types_method_t method,
                        wasi_http_types_own_outgoing_request_t* out, string_t* err) {
  char* u = take_cstr(url);
  wasi_http_types_scheme_t scheme = {0};
  const char* rest = NULL;
  if (strncmp(u, "http://", 7) == 0) {
    scheme.tag = WASI_HTTP_TYPES_SCHEME_HTTP;
    rest = u + 7;
  } else if (strncmp(u, "https://", 8) == 0) {
    scheme.tag = WASI_HTTP_TYPES_SCHEME_HTTPS;
    rest = u + 8;
  } else {
    free(u);
    sandbox_probe_string_dup(err, "bad URL: expected http:// or https://");
    return false;
  }
  const char* slash = strchr(rest, '/');
  string_t authority = {(uint8_t*)rest, slash ? (size_t)(slash - rest) : strlen(rest)};
  string_t path = {(uint8_t*)(slash ? slash : "/"), slash ? strlen(slash) : 1};

  wasi_http_types_own_outgoing_request_t request =
      wasi_http_types_constructor_outgoing_request(wasi_http_types_constructor_fields());
  wasi_http_types_borrow_outgoing_request_t req = wasi_http_types_borrow_outgoing_request(request);
  bool set = wasi_http_types_method_outgoing_request_set_method(req, &method) &&
             wasi_http_types_method_outgoing_request_set_scheme(req, &scheme) &&
             wasi_http_types_method_outgoing_request_set_authority(req, &authority) &&
             wasi_http_types_method_outgoing_request_set_path_with_query(req, &path);
  free(u);
  if (!set) {
    wasi_http_types_outgoing_request_drop_own(request);
    sandbox_probe_string_dup(err, "bad URL: rejected by wasi:http");
    return false;
  }
  *out = request;
  return true;
}

// Waits for (and takes) the response of a request `handle` accepted.
static bool await_response(wasi_http_outgoing_handler_own_future_incoming_response_t future,
                           wasi_http_types_own_incoming_response_t* out, string_t* err) {
  wasi_http_types_borrow_future_incoming_response_t fut =
      wasi_http_types_borrow_future_incoming_response(future);
  wasi_http_types_result_result_own_incoming_response_error_code_void_t got;
  while (!wasi_http_types_method_future_incoming_response_get(fut, &got)) {
    block_on(wasi_http_types_method_future_incoming_response_subscribe(fut));
  }
  wasi_http_types_future_incoming_response_drop_own(future);
  if (got.is_err) {
    sandbox_probe_string_dup(err, "response future already consumed");
    return false;
  }
  if (got.val.ok.is_err) {
    http_error(err, &got.val.ok.val.err);
    return false;
  }
  *out = got.val.ok.val.ok;
  return true;
}

bool exports_asterai_sandbox_probe_probe_http_get(string_t* url, uint16_t* ret, string_t* err) {
  wasi_http_types_method_t get = {.tag = WASI_HTTP_TYPES_METHOD_GET};
  wasi_http_types_own_outgoing_request_t request;
  if (!new_request(url, get, &request, err)) return false;
  // `handle` takes the request; a refusal may come from it or from the response future.
  wasi_http_outgoing_handler_own_future_incoming_response_t future;
  wasi_http_types_error_code_t code;
  if (!wasi_http_outgoing_handler_handle(request, NULL, &future, &code)) {
    http_error(err, &code);
    return false;
  }
  wasi_http_types_own_incoming_response_t response;
  if (!await_response(future, &response, err)) return false;
  *ret = wasi_http_types_method_incoming_response_status(
      wasi_http_types_borrow_incoming_response(response));
  wasi_http_types_incoming_response_drop_own(response);
  return true;
}

// Writes `n` pattern bytes into an outgoing body and finishes it (the body is consumed).
static bool send_body(wasi_http_types_own_outgoing_body_t body, size_t n, string_t* err) {
  wasi_http_types_own_output_stream_t stream;
  if (!wasi_http_types_method_outgoing_body_write(wasi_http_types_borrow_outgoing_body(body),
                                                  &stream)) {
    wasi_http_types_outgoing_body_drop_own(body);
    sandbox_probe_string_dup(err, "request body already taken");
    return false;
  }
  char chunk[4096];  // the largest write blocking-write-and-flush accepts
  bool ok = true;
  for (size_t done = 0; ok && done < n;) {
    size_t len = n - done < sizeof chunk ? n - done : sizeof chunk;
    fill_pattern(chunk, len, done);
    sandbox_probe_list_u8_t bytes = {(uint8_t*)chunk, len};
    wasi_io_streams_stream_error_t stream_err;
    ok = wasi_io_streams_method_output_stream_blocking_write_and_flush(
        wasi_io_streams_borrow_output_stream(stream), &bytes, &stream_err);
    if (!ok) wasi_io_streams_stream_error_free(&stream_err);
    done += len;
  }
  wasi_io_streams_output_stream_drop_own(stream);
  wasi_http_types_error_code_t code;
  if (!wasi_http_types_static_outgoing_body_finish(body, NULL, &code)) {
    http_error(err, &code);
    return false;
  }
  if (!ok) sandbox_probe_string_dup(err, "writing the request body failed");
  return ok;
}

// Reads a response body to its end (the response is consumed); its length in bytes.
static bool read_body(wasi_http_types_own_incoming_response_t response, uint64_t* total,
                      string_t* err) {
  wasi_http_types_own_incoming_body_t body;
  bool consumed = wasi_http_types_method_incoming_response_consume(
      wasi_http_types_borrow_incoming_response(response), &body);
  if (!consumed) {
    wasi_http_types_incoming_response_drop_own(response);
    sandbox_probe_string_dup(err, "response body already taken");
    return false;
  }
  wasi_http_types_own_input_stream_t stream;
  bool ok = wasi_http_types_method_incoming_body_stream(wasi_http_types_borrow_incoming_body(body),
                                                        &stream);
  *total = 0;
  while (ok) {
    sandbox_probe_list_u8_t bytes;
    wasi_io_streams_stream_error_t stream_err;
    if (!wasi_io_streams_method_input_stream_blocking_read(
            wasi_io_streams_borrow_input_stream(stream), 65536, &bytes, &stream_err)) {
      ok = stream_err.tag == WASI_IO_STREAMS_STREAM_ERROR_CLOSED;  // closed = the end
      wasi_io_streams_stream_error_free(&stream_err);
      wasi_io_streams_input_stream_drop_own(stream);
      break;
    }
    *total += bytes.len;
    sandbox_probe_list_u8_free(&bytes);
  }
  wasi_http_types_future_trailers_drop_own(wasi_http_types_static_incoming_body_finish(body));
  wasi_http_types_incoming_response_drop_own(response);
  if (!ok) sandbox_probe_string_dup(err, "reading the response body failed");
  return ok;
}

bool exports_asterai_sandbox_probe_probe_http_post(string_t* url, uint32_t body_len, uint64_t* ret,
                                                   string_t* err) {
  wasi_http_types_method_t post = {.tag = WASI_HTTP_TYPES_METHOD_POST};
  wasi_http_types_own_outgoing_request_t request;
  if (!new_request(url, post, &request, err)) return false;
  wasi_http_types_own_outgoing_body_t body;
  if (!wasi_http_types_method_outgoing_request_body(
          wasi_http_types_borrow_outgoing_request(request), &body)) {
    wasi_http_types_outgoing_request_drop_own(request);
    sandbox_probe_string_dup(err, "request body already taken");
    return false;
  }
  // Sent first, then written: the body streams to the connection as it is written.
  wasi_http_outgoing_handler_own_future_incoming_response_t future;
  wasi_http_types_error_code_t code;
  if (!wasi_http_outgoing_handler_handle(request, NULL, &future, &code)) {
    wasi_http_types_outgoing_body_drop_own(body);
    http_error(err, &code);
    return false;
  }
  bool sent = send_body(body, body_len, err);
  // A refused request fails its body writes too; the response's error says why, so it wins.
  string_t response_err = {0};
  wasi_http_types_own_incoming_response_t response;
  if (!await_response(future, &response, sent ? err : &response_err)) {
    if (!sent) {
      sandbox_probe_string_free(err);
      *err = response_err;
    }
    return false;
  }
  if (!sent) {
    wasi_http_types_incoming_response_drop_own(response);
    return false;
  }
  return read_body(response, ret, err);
}

// --- wasi:sockets -------------------------------------------------------------------------

// The error-code cases of wasi:sockets/network, in declaration order (the code is the index).
static const char* const kSocketErrors[] = {
    "unknown",
    "access-denied",
    "not-supported",
    "invalid-argument",
    "out-of-memory",
    "timeout",
    "concurrency-conflict",
    "not-in-progress",
    "would-block",
    "invalid-state",
    "new-socket-limit",
    "address-not-bindable",
    "address-in-use",
    "remote-unreachable",
    "connection-refused",
    "connection-reset",
    "connection-aborted",
    "datagram-too-large",
    "name-unresolvable",
    "temporary-resolver-failure",
    "permanent-resolver-failure",
};
_Static_assert(sizeof kSocketErrors / sizeof kSocketErrors[0] ==
                   WASI_SOCKETS_NETWORK_ERROR_CODE_PERMANENT_RESOLVER_FAILURE + 1,
               "one name per wasi:sockets error-code case");

static void socket_error(string_t* err, wasi_sockets_network_error_code_t code) {
  size_t n = sizeof kSocketErrors / sizeof kSocketErrors[0];
  sandbox_probe_string_dup(err, code < n ? kSocketErrors[code] : "unknown-error-code");
}

bool exports_asterai_sandbox_probe_probe_tcp_connect(string_t* ip, uint16_t port, string_t* err) {
  char* text = take_cstr(ip);
  unsigned a, b, c, d;
  char tail;
  int fields = sscanf(text, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail);
  free(text);
  if (fields != 4 || a > 255 || b > 255 || c > 255 || d > 255) {
    sandbox_probe_string_dup(err, "bad IPv4 address");
    return false;
  }
  wasi_sockets_tcp_ip_socket_address_t remote = {.tag =
                                                     WASI_SOCKETS_NETWORK_IP_SOCKET_ADDRESS_IPV4};
  remote.val.ipv4.port = port;
  remote.val.ipv4.address = (wasi_sockets_network_ipv4_address_t){a, b, c, d};

  wasi_sockets_tcp_create_socket_own_tcp_socket_t socket;
  wasi_sockets_network_error_code_t code;
  if (!wasi_sockets_tcp_create_socket_create_tcp_socket(WASI_SOCKETS_NETWORK_IP_ADDRESS_FAMILY_IPV4,
                                                        &socket, &code)) {
    socket_error(err, code);
    return false;
  }
  wasi_sockets_network_own_network_t network = wasi_sockets_instance_network_instance_network();
  wasi_sockets_tcp_borrow_tcp_socket_t sock = wasi_sockets_tcp_borrow_tcp_socket(socket);
  bool ok = wasi_sockets_tcp_method_tcp_socket_start_connect(
      sock, wasi_sockets_network_borrow_network(network), &remote, &code);
  if (ok) {
    wasi_sockets_tcp_tuple2_own_input_stream_own_output_stream_t streams;
    for (;;) {
      ok = wasi_sockets_tcp_method_tcp_socket_finish_connect(sock, &streams, &code);
      if (ok || code != WASI_SOCKETS_NETWORK_ERROR_CODE_WOULD_BLOCK) break;
      block_on(wasi_sockets_tcp_method_tcp_socket_subscribe(sock));
    }
    if (ok) {
      wasi_io_streams_input_stream_drop_own(streams.f0);
      wasi_io_streams_output_stream_drop_own(streams.f1);
    }
  }
  if (!ok) socket_error(err, code);
  wasi_sockets_tcp_tcp_socket_drop_own(socket);
  wasi_sockets_network_network_drop_own(network);
  return ok;
}

bool exports_asterai_sandbox_probe_probe_resolve(string_t* name, uint32_t* ret, string_t* err) {
  wasi_sockets_network_own_network_t network = wasi_sockets_instance_network_instance_network();
  wasi_sockets_ip_name_lookup_own_resolve_address_stream_t stream;
  wasi_sockets_network_error_code_t code;
  bool ok = wasi_sockets_ip_name_lookup_resolve_addresses(
      wasi_sockets_network_borrow_network(network), name, &stream, &code);
  sandbox_probe_string_free(name);
  if (ok) {
    wasi_sockets_ip_name_lookup_borrow_resolve_address_stream_t s =
        wasi_sockets_ip_name_lookup_borrow_resolve_address_stream(stream);
    uint32_t count = 0;
    for (;;) {
      wasi_sockets_ip_name_lookup_option_ip_address_t address;
      if (wasi_sockets_ip_name_lookup_method_resolve_address_stream_resolve_next_address(
              s, &address, &code)) {
        if (!address.is_some) break;
        ++count;
      } else if (code == WASI_SOCKETS_NETWORK_ERROR_CODE_WOULD_BLOCK) {
        block_on(wasi_sockets_ip_name_lookup_method_resolve_address_stream_subscribe(s));
      } else {
        ok = false;
        break;
      }
    }
    wasi_sockets_ip_name_lookup_resolve_address_stream_drop_own(stream);
    *ret = count;
  }
  if (!ok) socket_error(err, code);
  wasi_sockets_network_network_drop_own(network);
  return ok;
}

// --- output, time, liveness ---------------------------------------------------------------

void exports_asterai_sandbox_probe_probe_big_output(uint32_t n, string_t* ret) {
  char* buf = checked_malloc(n);
  fill_pattern(buf, n, 0);
  ret->ptr = (uint8_t*)buf;
  ret->len = n;
}

void exports_asterai_sandbox_probe_probe_write_stdout(uint32_t n) {
  static char chunk[65536];  // static: the default wasm shadow stack is only 64 KiB
  size_t done = 0;
  while (done < n) {
    size_t len = n - done < sizeof chunk ? n - done : sizeof chunk;
    fill_pattern(chunk, len, done);
    ssize_t w = write(STDOUT_FILENO, chunk, len);
    if (w <= 0) __builtin_trap();  // the host's bounded sink never refuses; this would be a bug
    done += (size_t)w;
  }
}

void exports_asterai_sandbox_probe_probe_sleep_ms(uint32_t ms) {
  struct timespec t = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

uint64_t exports_asterai_sandbox_probe_probe_spin_ms(uint32_t ms) {
  struct timespec start, now;
  clock_gettime(CLOCK_MONOTONIC, &start);
  uint64_t rounds = 0;
  volatile uint64_t x = 1;  // volatile: the arithmetic is the point
  do {
    for (int i = 0; i < 10000; ++i) x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    ++rounds;
    clock_gettime(CLOCK_MONOTONIC, &now);
  } while ((now.tv_sec - start.tv_sec) * 1000LL + (now.tv_nsec - start.tv_nsec) / 1000000LL <
           (long long)ms);
  return rounds;
}

uint32_t exports_asterai_sandbox_probe_probe_ping(void) {
  return 42;
}
