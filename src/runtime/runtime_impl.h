// The Wasmtime side of asterai::runtime::Runtime (private to src/runtime).
#pragma once

#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include "asterai/runtime/component_cache.h"
#include "asterai/runtime/runtime.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

// Timeouts are counted in epoch ticks of this length.
inline constexpr std::chrono::milliseconds kEpochTick{5};

struct Runtime::Impl {
  wt::EnginePtr engine;
  // Shared by all calls: WASI p2 and wasi:http are linked once; instantiation only reads it.
  wt::LinkerPtr linker;
  std::optional<ComponentCache> cache;

  // Advances the engine's epoch every kEpochTick so deadlines fire; stops with the runtime,
  // woken at once (a one-shot `asterai call` must not wait out a tick to exit).
  std::mutex ticker_mutex;
  std::condition_variable ticker_cv;
  bool stop_ticker = false;
  std::thread ticker;

  ~Impl();
};

}  // namespace asterai::runtime
