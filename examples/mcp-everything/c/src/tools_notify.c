// The tools that notify the client while they run: log messages and progress, 50 ms apart (the
// scenarios tools-call-with-logging and tools-call-with-progress count the notifications that
// arrive before the result).
#include "helpers.h"

static const unsigned kStepMs = 50;

// The import borrows its arguments, so static text is enough (string_set does not copy).
static void log_info(const char* text) {
  string_t message;
  mcp_everything_string_set(&message, text);
  asterai_mcp_client_log(ASTERAI_MCP_CLIENT_LOG_LEVEL_INFO, NULL, &message);
}

void exports_mcp_everything_test_tool_with_logging(tool_result_t* ret) {
  log_info("Tool execution started");
  sleep_ms(kStepMs);
  log_info("Tool processing data");
  sleep_ms(kStepMs);
  log_info("Tool execution completed");
  set_text_result(ret, false, "Tool with logging executed successfully");
}

void exports_mcp_everything_test_tool_with_progress(tool_result_t* ret) {
  double total = 100;
  for (int step = 0; step <= 2; step++) {
    if (step > 0) sleep_ms(kStepMs);
    // A client ignores the result of a call it cancelled (MCP cancellation): stopping early
    // only saves the work.
    if (asterai_mcp_client_cancelled()) {
      set_text_result(ret, true, "Cancelled by the client");
      return;
    }
    asterai_mcp_client_progress(step * 50.0, &total, NULL);
  }
  set_text_result(ret, false, "Tool with progress executed successfully");
}
