// asio::awaitable, included the one way that compiles with Boost 1.74: its awaitable.hpp
// uses std::exchange without including <utility>. Include this before any Boost.Asio
// coroutine header.
#pragma once

// clang-format off
#include <utility>
#include <boost/asio/awaitable.hpp>
// clang-format on
