#include "epoch_watch.h"

namespace asterai::runtime {

void EpochWatch::install(wasmtime_store_t* store) {
  wasmtime_store_epoch_deadline_callback(store, &EpochWatch::on_tick, this, nullptr);
  wasmtime_context_set_epoch_deadline(wasmtime_store_context(store), 1);
}

// Runs on the calling thread, inside wasm code that reached its deadline; returning an error
// ends the call with it (the caller reads cancelled() / timed_out() to classify it).
wasmtime_error_t* EpochWatch::on_tick(wasmtime_context_t*, void* data, uint64_t* delta,
                                      wasmtime_update_deadline_kind_t* kind) {
  auto* self = static_cast<EpochWatch*>(data);
  if (self->cancel_->load(std::memory_order_relaxed)) {
    self->cancelled_ = true;
    return wasmtime_error_new("asterai: the call was cancelled");
  }
  if (self->remaining_ <= 1) {
    self->timed_out_ = true;
    return wasmtime_error_new("asterai: the call exceeded its time limit");
  }
  --self->remaining_;
  *delta = 1;
  *kind = WASMTIME_UPDATE_DEADLINE_CONTINUE;
  return nullptr;
}

}  // namespace asterai::runtime
