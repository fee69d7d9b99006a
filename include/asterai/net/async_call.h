// Awaiting work that finishes on another thread (a worker pool, the tool executor): the
// coroutine suspends, `start` hands a `done` callback to whoever does the work, and calling
// `done(value)` from any thread resumes the coroutine on its own executor (never on the
// caller's thread, so connection state stays single-threaded).
#pragma once

#include "asterai/net/awaitable.h"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace asterai::net {

// `start` must arrange for `done` to be called exactly once. It runs before the coroutine
// suspends, so work it does on this very thread (a tool call the event loop runs itself,
// InlineHost) answers without a trip through the loop's queue, and nothing can resume the
// coroutine while that work still runs (a helper may be serving the loop meanwhile). The
// value type must be movable.
template <class T>
boost::asio::awaitable<T> async_call(std::function<void(std::function<void(T)> done)> start) {
  namespace asio = boost::asio;
  struct State {
    std::mutex mutex;
    std::optional<T> value;         // answered before the coroutine waited
    std::function<void(T)> resume;  // set once it waits
  };
  auto state = std::make_shared<State>();
  auto executor = co_await asio::this_coro::executor;
  start([state, executor](T value) {
    std::unique_lock lock(state->mutex);
    if (!state->resume) {
      state->value = std::move(value);
      return;
    }
    auto resume = std::move(state->resume);
    lock.unlock();
    asio::post(executor, [resume = std::move(resume), value = std::move(value)]() mutable {
      resume(std::move(value));
    });
  });
  std::optional<T> ready;
  {
    std::lock_guard lock(state->mutex);
    ready.swap(state->value);
  }
  if (ready) co_return std::move(*ready);
  auto initiate = [state, executor](auto handler) {
    // The coroutine's handler is move-only; `resume` is a std::function (copyable).
    auto shared = std::make_shared<decltype(handler)>(std::move(handler));
    std::unique_lock lock(state->mutex);
    if (!state->value) {
      state->resume = [shared](T value) { (*shared)(std::move(value)); };
      return;
    }
    auto value = std::move(*state->value);
    lock.unlock();
    asio::post(executor,
               [shared, value = std::move(value)]() mutable { (*shared)(std::move(value)); });
  };
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(T)>(
      initiate, asio::use_awaitable);
}

// The other direction: a blocking thread (a pool job) runs a coroutine on a connection's
// executor and waits for its result, e.g. a handler pulling the next piece of a request body
// through the event loop. Never call it on an event loop thread.
template <class T, class Executor, class F>
T block_on(const Executor& executor, F make_coroutine) {
  std::promise<T> promise;
  auto result = promise.get_future();
  boost::asio::co_spawn(
      executor,
      [&]() -> boost::asio::awaitable<void> { promise.set_value(co_await make_coroutine()); },
      boost::asio::detached);
  return result.get();
}

}  // namespace asterai::net
