// Tools for bench/mcp: the same small answer as a plain JSON result, as a content result, and
// after one log message or progress notification, so their differences are what the
// features cost.
#include "helpers.h"

void exports_mcp_everything_bench_json(string_t* ret) {
  *ret = str_dup("ok");
}

void exports_mcp_everything_bench_content(tool_result_t* ret) {
  set_text_result(ret, false, "ok");
}

void exports_mcp_everything_bench_log(tool_result_t* ret) {
  string_t message;
  mcp_everything_string_set(&message, "bench");
  asterai_mcp_client_log(ASTERAI_MCP_CLIENT_LOG_LEVEL_INFO, NULL, &message);
  set_text_result(ret, false, "ok");
}

void exports_mcp_everything_bench_progress(tool_result_t* ret) {
  double total = 1;
  asterai_mcp_client_progress(1, &total, NULL);
  set_text_result(ret, false, "ok");
}
