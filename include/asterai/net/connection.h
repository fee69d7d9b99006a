// What a server's handler gets for one client connection: the stream, who the client is,
// the deadlines to apply, and the pool for blocking work. The listener owns it for the
// connection's lifetime; the handler borrows it until its coroutine returns, after which the
// listener closes the connection gracefully (TLS close_notify, or a bounded lingering drain
// so a response is never cut off by a reset).
#pragma once

#include "asterai/net/awaitable.h"

#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <string>

#include "asterai/net/blocking_pool.h"
#include "asterai/net/stream.h"

namespace asterai::net {

struct Deadlines {
  std::chrono::seconds idle{60};    // keep-alive: waiting for the next request
  std::chrono::seconds header{10};  // from a request's first byte (or accept) to its blank line
  std::chrono::seconds body{30};    // longest wait for the next piece of a request body
  std::chrono::seconds write{30};   // longest wait for the client to take more of a response
};

class Connection {
 public:
  Connection(Stream stream, std::string client, const Deadlines& deadlines, BlockingPool& pool)
      : stream_(std::move(stream)),
        client_(std::move(client)),
        deadlines_(deadlines),
        pool_(pool) {}

  Stream& stream() { return stream_; }
  // Bytes read but not yet parsed (the start of the next request, on keep-alive).
  boost::beast::flat_buffer& buffer() { return buffer_; }
  const std::string& client() const { return client_; }  // the peer's IP address
  const Deadlines& deadlines() const { return deadlines_; }
  BlockingPool& pool() { return pool_; }

  // Waits for the next request to begin: the first one within the header deadline, later
  // ones (keep-alive) within the idle deadline; then arms the header deadline. False when
  // the client closed, idled out or the connection was cut.
  boost::asio::awaitable<bool> next_request();
  // Writes "100 Continue" (a client sent "Expect: 100-continue" and waits for it before a
  // large body); false when the client is gone.
  boost::asio::awaitable<bool> send_continue();
  // Before each read of a request body / each write of a response.
  void expect_body() { stream_.expires_after(deadlines_.body); }
  void expect_write() { stream_.expires_after(deadlines_.write); }

 private:
  Stream stream_;
  std::string client_;
  const Deadlines& deadlines_;
  BlockingPool& pool_;
  boost::beast::flat_buffer buffer_;
  bool first_ = true;
};

}  // namespace asterai::net
