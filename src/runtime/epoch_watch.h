// Per-call epoch-deadline callback for calls that can be cancelled: instead of one deadline
// at the timeout, the store's deadline is one tick away and this callback runs on every tick,
// so a cancel flag set by another thread stops the call within about one tick.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "wasmtime_handles.h"

namespace asterai::runtime {

class EpochWatch {
 public:
  // `ticks`: the call's whole wall-clock budget in epoch ticks. `cancel` must not be null.
  EpochWatch(uint64_t ticks, std::shared_ptr<const std::atomic<bool>> cancel)
      : remaining_(ticks), cancel_(std::move(cancel)) {}
  EpochWatch(const EpochWatch&) = delete;
  EpochWatch& operator=(const EpochWatch&) = delete;

  // The watch must outlive the store (the store only borrows it).
  void install(wasmtime_store_t* store);

  // Why the callback stopped the call, if it did.
  bool cancelled() const { return cancelled_; }
  bool timed_out() const { return timed_out_; }

 private:
  static wasmtime_error_t* on_tick(wasmtime_context_t* context, void* data, uint64_t* delta,
                                   wasmtime_update_deadline_kind_t* kind);

  uint64_t remaining_;
  std::shared_ptr<const std::atomic<bool>> cancel_;
  bool cancelled_ = false;
  bool timed_out_ = false;
};

}  // namespace asterai::runtime
