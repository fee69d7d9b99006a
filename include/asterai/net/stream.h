// One client connection's byte stream, plain TCP or TLS, behind one type so a server writes
// its protocol once. It is a Beast AsyncStream (async_read_some / async_write_some), and the
// deadlines of both directions are Beast's: expires_after() bounds every operation started
// until it is called again, and an expired one fails with beast::error::timeout.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <chrono>
#include <memory>
#include <utility>

namespace asterai::net {

class Stream {
 public:
  using executor_type = boost::beast::tcp_stream::executor_type;
  using TlsStream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

  // `tls` null = plain TCP; otherwise the handshake is still to be done (handshake()).
  Stream(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context* tls);

  executor_type get_executor() { return lowest().get_executor(); }
  bool is_tls() const { return tls_ != nullptr; }
  boost::beast::tcp_stream& lowest() { return tls_ ? tls_->next_layer() : plain_; }
  boost::asio::ip::tcp::socket& socket() { return lowest().socket(); }
  TlsStream* tls() { return tls_.get(); }

  template <class Duration>
  void expires_after(Duration d) {
    lowest().expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(d));
  }
  void expires_never() { lowest().expires_never(); }
  // Closes the socket: pending operations end with operation_aborted, later ones fail.
  void cut();

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    if (tls_) return tls_->async_read_some(buffers, std::forward<Token>(token));
    return plain_.async_read_some(buffers, std::forward<Token>(token));
  }
  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    if (tls_) return tls_->async_write_some(buffers, std::forward<Token>(token));
    return plain_.async_write_some(buffers, std::forward<Token>(token));
  }

 private:
  boost::beast::tcp_stream plain_;  // unused (closed) once the TLS stream owns the socket
  std::unique_ptr<TlsStream> tls_;
};

}  // namespace asterai::net
