#include "asterai/net/connection.h"

#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <string_view>

namespace asterai::net {

boost::asio::awaitable<bool> Connection::next_request() {
  if (first_) {
    first_ = false;  // the listener armed the header deadline at accept
    co_return true;
  }
  if (buffer_.size() == 0) {
    // Between requests: no buffer held while idle, and only the idle deadline applies.
    buffer_.shrink_to_fit();
    stream_.expires_after(deadlines_.idle);
    boost::system::error_code ec;
    auto n = co_await stream_.async_read_some(
        buffer_.prepare(1024), boost::asio::redirect_error(boost::asio::use_awaitable, ec));
    if (ec) co_return false;
    buffer_.commit(n);
  }
  stream_.expires_after(deadlines_.header);
  co_return true;
}

boost::asio::awaitable<bool> Connection::send_continue() {
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  boost::system::error_code ec;
  expect_write();
  co_await boost::asio::async_write(stream_,
                                    boost::asio::buffer(kContinue.data(), kContinue.size()),
                                    boost::asio::redirect_error(boost::asio::use_awaitable, ec));
  co_return !ec;
}

}  // namespace asterai::net
