// The tools that only return content blocks: one of each kind, a mix, and an error result.
// Texts are the ones the conformance scenarios (tools-call-*) expect.
#include "helpers.h"

void exports_mcp_everything_test_simple_text(tool_result_t* ret) {
  set_text_result(ret, false, "This is a simple text response for testing.");
}

void exports_mcp_everything_test_image_content(tool_result_t* ret) {
  content_t block = image_block(kRedPixelPng, kRedPixelPngSize, "image/png");
  set_tool_result(ret, false, &block, 1);
}

void exports_mcp_everything_test_audio_content(tool_result_t* ret) {
  content_t block = audio_block(kSilentWav, kSilentWavSize, "audio/wav");
  set_tool_result(ret, false, &block, 1);
}

void exports_mcp_everything_test_embedded_resource(tool_result_t* ret) {
  content_t block = embedded_text_block(str_dup("test://embedded-resource"), "text/plain",
                                        "This is an embedded resource content.");
  set_tool_result(ret, false, &block, 1);
}

void exports_mcp_everything_test_multiple_content_types(tool_result_t* ret) {
  content_t blocks[] = {
      text_block("Multiple content types test:"),
      image_block(kRedPixelPng, kRedPixelPngSize, "image/png"),
      embedded_text_block(str_dup("test://mixed-content-resource"), "application/json",
                          "{\"test\":\"data\",\"value\":123}"),
  };
  set_tool_result(ret, false, blocks, sizeof blocks / sizeof blocks[0]);
}

// A tool failure is a result the model reads (is-error), not a trap or a JSON-RPC error.
void exports_mcp_everything_test_error_handling(tool_result_t* ret) {
  set_text_result(ret, true, "This tool intentionally returns an error for testing");
}
