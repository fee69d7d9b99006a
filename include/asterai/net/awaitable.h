// asio::awaitable, included the one way that compiles with Boost 1.74: its awaitable.hpp
// uses std::exchange without including <utility>. Include this before any Boost.Asio
// coroutine header.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/system/error_code.hpp>

namespace asterai::net {

// `co_await op(..., with(ec))`: the operation's error lands in `ec` instead of a throw.
inline auto with(boost::system::error_code& ec) {
  return boost::asio::redirect_error(boost::asio::use_awaitable, ec);
}

}  // namespace asterai::net
