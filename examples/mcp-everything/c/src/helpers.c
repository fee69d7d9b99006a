#include "helpers.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void* checked_malloc(size_t size) {
  if (size == 0) return NULL;
  void* p = malloc(size);
  if (!p) __builtin_trap();
  return p;
}

string_t str_dup_n(const char* s, size_t len) {
  string_t out = {NULL, 0};
  if (len == 0) return out;
  out.ptr = checked_malloc(len);
  memcpy(out.ptr, s, len);
  out.len = len;
  return out;
}

string_t str_dup(const char* s) {
  return str_dup_n(s, strlen(s));
}

option_string_t some_str(const char* s) {
  return (option_string_t){true, str_dup(s)};
}

option_string_t none_str(void) {
  return (option_string_t){false, {NULL, 0}};
}

bool str_eq(const string_t* s, const char* c) {
  size_t len = strlen(c);
  return s->len == len && (len == 0 || memcmp(s->ptr, c, len) == 0);
}

bool str_starts_with(const string_t* s, const char* prefix) {
  size_t len = strlen(prefix);
  return s->len >= len && memcmp(s->ptr, prefix, len) == 0;
}

content_t text_block_owned(string_t text) {
  content_t block;
  block.tag = ASTERAI_MCP_TYPES_CONTENT_TEXT;
  block.val.text = text;
  return block;
}

content_t text_block(const char* text) {
  return text_block_owned(str_dup(text));
}

static asterai_mcp_types_media_t media(const uint8_t* data, size_t size, const char* mime_type) {
  asterai_mcp_types_media_t m;
  m.data.ptr = checked_malloc(size);
  memcpy(m.data.ptr, data, size);
  m.data.len = size;
  m.mime_type = str_dup(mime_type);
  m.annotations.is_some = false;
  return m;
}

content_t image_block(const uint8_t* data, size_t size, const char* mime_type) {
  content_t block;
  block.tag = ASTERAI_MCP_TYPES_CONTENT_IMAGE;
  block.val.image = media(data, size, mime_type);
  return block;
}

content_t audio_block(const uint8_t* data, size_t size, const char* mime_type) {
  content_t block;
  block.tag = ASTERAI_MCP_TYPES_CONTENT_AUDIO;
  block.val.audio = media(data, size, mime_type);
  return block;
}

content_t embedded_text_block(string_t uri, const char* mime_type, const char* text) {
  content_t block;
  block.tag = ASTERAI_MCP_TYPES_CONTENT_EMBEDDED_RESOURCE;
  block.val.embedded_resource.uri = uri;
  block.val.embedded_resource.mime_type = some_str(mime_type);
  block.val.embedded_resource.body.tag = ASTERAI_MCP_TYPES_RESOURCE_BODY_TEXT;
  block.val.embedded_resource.body.val.text = str_dup(text);
  return block;
}

void set_tool_result(tool_result_t* ret, bool is_error, const content_t* blocks, size_t count) {
  ret->content.ptr = checked_malloc(count * sizeof(content_t));
  memcpy(ret->content.ptr, blocks, count * sizeof(content_t));
  ret->content.len = count;
  ret->is_error = is_error;
}

void set_text_result(tool_result_t* ret, bool is_error, const char* text) {
  content_t block = text_block(text);
  set_tool_result(ret, is_error, &block, 1);
}

void buffer_append_n(buffer_t* b, const char* s, size_t len) {
  if (b->len + len > b->cap) {
    size_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + len) cap *= 2;
    char* grown = realloc(b->ptr, cap);
    if (!grown) __builtin_trap();
    b->ptr = grown;
    b->cap = cap;
  }
  if (len) memcpy(b->ptr + b->len, s, len);
  b->len += len;
}

void buffer_append(buffer_t* b, const char* s) {
  buffer_append_n(b, s, strlen(s));
}

void buffer_append_str(buffer_t* b, const string_t* s) {
  buffer_append_n(b, (const char*)s->ptr, s->len);
}

// RFC 8259 section 7: quote, backslash and control characters are escaped; the rest (UTF-8
// included, which WIT strings always are) is copied as it is.
void buffer_append_json_string(buffer_t* b, const char* s, size_t len) {
  static const char kHex[] = "0123456789abcdef";
  buffer_append(b, "\"");
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') {
      char escaped[2] = {'\\', (char)c};
      buffer_append_n(b, escaped, 2);
    } else if (c < 0x20) {
      char escaped[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15]};
      buffer_append_n(b, escaped, 6);
    } else {
      buffer_append_n(b, (const char*)&c, 1);
    }
  }
  buffer_append(b, "\"");
}

string_t buffer_take(buffer_t* b) {
  string_t out = {(uint8_t*)b->ptr, b->len};
  if (b->len == 0) free(b->ptr), out.ptr = NULL;  // post-return frees only non-empty strings
  *b = (buffer_t){NULL, 0, 0};
  return out;
}

void sleep_ms(unsigned ms) {
  struct timespec duration = {(time_t)(ms / 1000), (long)(ms % 1000) * 1000000L};
  nanosleep(&duration, NULL);
}
