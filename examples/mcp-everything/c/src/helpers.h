// Small helpers shared by the tools, resources, prompts and completion of mcp-everything.
//
// Ownership, as wit-bindgen's C bindings define it: an export owns its arguments (and frees
// them with the generated *_free functions); everything an export returns must be malloc'ed,
// because the generated post-return code frees it after the host has copied it (strings and
// lists of length 0 are never freed, so they may point anywhere). Arguments to imported
// functions (asterai:mcp/client) stay owned by the caller and may point at static text; what
// an import returns is owned by the caller. The constructors below all return owned values.
#ifndef MCP_EVERYTHING_HELPERS_H
#define MCP_EVERYTHING_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mcp_everything.h"

typedef mcp_everything_string_t string_t;
typedef mcp_everything_option_string_t option_string_t;
typedef mcp_everything_list_u8_t bytes_t;
typedef asterai_mcp_types_content_t content_t;
typedef mcp_everything_tool_result_t tool_result_t;

// malloc that traps on failure (it cannot be reported through this WIT; trapping beats corrupt
// results), and NULL for size 0: post-return frees only non-empty lists and strings, so an
// empty one must own no memory.
void* checked_malloc(size_t size);

// A malloc'ed copy of the nul-terminated `s` (or of `len` bytes at `s`).
string_t str_dup(const char* s);
string_t str_dup_n(const char* s, size_t len);
option_string_t some_str(const char* s);
option_string_t none_str(void);
// Whether the WIT string `s` (not nul-terminated) equals the C string `c`.
bool str_eq(const string_t* s, const char* c);
bool str_starts_with(const string_t* s, const char* prefix);

// Content blocks (every field owned).
content_t text_block(const char* text);
content_t text_block_owned(string_t text);
content_t image_block(const uint8_t* data, size_t size, const char* mime_type);
content_t audio_block(const uint8_t* data, size_t size, const char* mime_type);
// `uri` is moved into the block.
content_t embedded_text_block(string_t uri, const char* mime_type, const char* text);

// Sets *ret to a result of the `count` blocks (moved, not copied), marked as an error or not.
void set_tool_result(tool_result_t* ret, bool is_error, const content_t* blocks, size_t count);
// The common case: one text block.
void set_text_result(tool_result_t* ret, bool is_error, const char* text);

// A growing byte buffer for composing texts (no printf: the strings are not nul-terminated).
typedef struct {
  char* ptr;
  size_t len;
  size_t cap;
} buffer_t;

void buffer_append(buffer_t* b, const char* s);
void buffer_append_n(buffer_t* b, const char* s, size_t len);
void buffer_append_str(buffer_t* b, const string_t* s);
// Appends `len` bytes at `s` as a JSON string literal, quotes included.
void buffer_append_json_string(buffer_t* b, const char* s, size_t len);
// The buffer's contents as an owned WIT string; the buffer is empty afterwards.
string_t buffer_take(buffer_t* b);

// Blocks the calling instance; the WASI adapter turns this into a wasi:io/poll wait.
void sleep_ms(unsigned ms);

// The test media (media.c): a 1x1 red PNG and a WAV of one silent sample.
extern const uint8_t kRedPixelPng[];
extern const size_t kRedPixelPngSize;
extern const uint8_t kSilentWav[];
extern const size_t kSilentWavSize;

#endif  // MCP_EVERYTHING_HELPERS_H
