// A small HTTP client over libcurl for the registry client: one request at a time, bodies
// from memory, responses into memory or streamed to a callback. No auth or retries here
// (registry_client.h adds both).
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "asterai/common/error.h"

namespace asterai::oci {

struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;  // "Name: value"
  // Sent as the body when `has_body` (borrowed for the duration of the call).
  std::span<const uint8_t> body;
  bool has_body = false;
  // When set, the response body goes here instead of into HttpResponse::body, but only for
  // a 2xx answer; return false to abort the transfer.
  std::function<bool(std::span<const uint8_t>)> on_body;
  // Bytes transferred so far (up for requests with a body, down otherwise) and the total.
  std::function<void(uint64_t done, uint64_t total)> on_progress;
};

struct HttpResponse {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case
  std::string body;

  // The last value of a header, or "".
  std::string header(std::string_view name) const;
  std::vector<std::string> header_values(std::string_view name) const;
};

struct HttpOptions {
  long connect_timeout_seconds = 10;
  // A transfer slower than 1 byte/s for this long is aborted.
  long stall_timeout_seconds = 60;
  std::string ca_file;  // extra CA bundle for TLS (empty: the system's)
  std::string user_agent = "asterai";
};

class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {});
  // A transport failure (refused, DNS, TLS, timeout) is ErrorKind::network; any HTTP status
  // is a response.
  Result<HttpResponse> send(const HttpRequest& request) const;

 private:
  HttpOptions options_;
};

// "%20"-style escaping of a query value.
std::string url_escape(std::string_view text);

}  // namespace asterai::oci
