// Incoming HTTP for proxy components (those exporting wasi:http/incoming-handler, the
// `wasi:http/proxy` world): Runtime::handle_http runs one request in a fresh instance with the
// usual grants and limits. The request body is pulled on the call's thread as the guest reads
// it; the response is read by the server on another thread, without blocking, as the guest
// writes it. Nothing here knows about sockets: the server (src/httpapi) owns the connection.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace asterai::runtime {

struct HttpField {
  std::string name;
  std::string value;
};

// What a request body read returns besides a byte count (> 0) or 0 at the end.
enum BodyRead : int64_t {
  body_closed = -1,     // the client left or broke the framing
  body_timeout = -2,    // the next piece did not arrive in time
  body_too_large = -3,  // the body went past the size limit
};

struct IncomingRequest {
  std::string method;
  bool https = false;
  std::string authority;        // from the Host header
  std::string path_with_query;  // as the component sees it (a route's prefix removed)
  std::vector<HttpField> headers;
  // Called on the call's thread: fills up to `cap` bytes of `buf` and returns the count, 0 at
  // the end of the body, or a BodyRead code. Empty: the request has no body.
  std::function<int64_t(uint8_t* buf, size_t cap)> read_body;
};

// A handler's answer as it is produced. One reader thread at a time; the call runs elsewhere.
class HttpResponse {
 public:
  // `wake` is called from any thread whenever head() or next() may have progressed, and never
  // after the destructor returns. It must not call into this object (post to a loop instead).
  explicit HttpResponse(std::function<void()> wake);
  ~HttpResponse();
  HttpResponse(const HttpResponse&) = delete;
  HttpResponse& operator=(const HttpResponse&) = delete;

  enum class Head {
    pending,  // not set yet
    ready,    // status and headers() are there
    failed,   // the guest answered with a wasi:http error code (error() names it)
    missing,  // the guest dropped the response-outparam without setting it
  };
  Head head(uint16_t* status) const;
  std::vector<HttpField> headers() const;
  std::string error() const;

  enum class Chunk {
    pending,  // nothing yet: wake follows
    data,     // `*data` is valid until the next call
    end,
    broken,  // the body was cut (a trap, an abort); error() says why
  };
  Chunk next(std::string_view* data);
  // The client is gone: drop the rest of the body, so the guest's next write fails and the
  // call ends instead of waiting for a reader until its timeout.
  void abandon();

 private:
  friend class Runtime;
  friend class Composition;

 public:
  struct Impl;  // private to src/runtime

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace asterai::runtime
