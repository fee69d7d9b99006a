#include <algorithm>
#include <cstdlib>

#include "asterai/common/sha256.h"
#include "host_interfaces.h"
#include "runtime_impl.h"
#include "wasmtime_ext.h"

#ifndef ASTERAI_WASMTIME_VERSION
#define ASTERAI_WASMTIME_VERSION "unknown"
#endif

namespace asterai::runtime {

const char* wasmtime_version() {
  return ASTERAI_WASMTIME_VERSION;
}

Runtime::Impl::~Impl() {
  {
    std::lock_guard lock(ticker_mutex);
    stop_ticker = true;
  }
  ticker_cv.notify_all();
  if (ticker.joinable()) ticker.join();
  // The linker references the engine: drop it first.
  linker.reset();
  engine.reset();
}

Runtime::Runtime() : impl_(std::make_unique<Impl>()) {}
Runtime::~Runtime() = default;

namespace {

void configure_pooling(wasm_config_t* config, size_t instances) {
  auto* pool = wasmtime_pooling_allocation_config_new();
  // Sized for a host serving many concurrent calls; slots are reserved address space,
  // committed only when used. A component with the WASI adapter uses ~4 core instances.
  // Per instance on average: 8 core instances, 2 memories, 8 tables; never fewer than one
  // component may take (the per-component maxima), so a small pool still runs any of them.
  constexpr size_t kCorePer = 64, kMemoriesPer = 8, kTablesPer = 32;
  wasmtime_pooling_allocation_config_total_component_instances_set(pool, instances);
  wasmtime_pooling_allocation_config_total_core_instances_set(pool,
                                                              std::max(8 * instances, kCorePer));
  wasmtime_pooling_allocation_config_total_memories_set(pool,
                                                        std::max(2 * instances, kMemoriesPer));
  wasmtime_pooling_allocation_config_total_tables_set(pool, std::max(8 * instances, kTablesPer));
  wasmtime_pooling_allocation_config_max_memories_per_component_set(pool, kMemoriesPer);
  wasmtime_pooling_allocation_config_max_tables_per_component_set(pool, kTablesPer);
  wasmtime_pooling_allocation_config_max_core_instances_per_component_set(pool, kCorePer);
  wasmtime_pooling_allocation_config_max_component_instance_size_set(pool, 1 << 20);
  wasmtime_pooling_allocation_config_max_core_instance_size_set(pool, 1 << 20);
  wasmtime_pooling_allocation_config_table_elements_set(pool, 100'000);
  wasmtime_pooling_allocation_config_max_memory_size_set(pool, size_t{4} << 30);
  // Keep freed slots warm so the next instantiation of the same component reuses them.
  wasmtime_pooling_allocation_config_max_unused_warm_slots_set(pool,
                                                               std::min<size_t>(128, instances));
  // A freed slot's memory is reset in place rather than returned to the kernel: a small
  // instance then neither faults its pages in again on its next use nor makes the kernel
  // interrupt every other core to flush their TLBs (madvise in a threaded server). Where the
  // kernel has PAGEMAP_SCAN, only the pages the guest wrote (up to 1 MiB of them) are
  // restored, wherever they are: a JavaScript guest writes all over a heap of megabytes,
  // and its call went from 380 to 212 us so (runtime_bench). Elsewhere the first MiB is
  // restored and the rest returned to the kernel.
  wasmtime_pooling_allocation_config_linear_memory_keep_resident_set(pool, size_t{1} << 20);
  wasmtime_pooling_allocation_config_table_keep_resident_set(pool, size_t{64} << 10);
  asterai_pooling_allocation_config_pagemap_scan_set(pool, true);
  wasmtime_pooling_allocation_strategy_set(config, pool);
  wasmtime_pooling_allocation_config_delete(pool);
}

std::string make_fingerprint(const EngineOptions& o) {
  std::string settings = std::string("wasmtime=") + wasmtime_version() +
                         ";fuel=" + (o.fuel ? "1" : "0") +
                         ";epoch=1;opt=speed;stack=" + std::to_string(o.max_wasm_stack);
  std::span<const uint8_t> bytes(reinterpret_cast<const uint8_t*>(settings.data()),
                                 settings.size());
  return sha256_hex(bytes).substr(0, 16);
}

}  // namespace

Result<std::shared_ptr<Runtime>> Runtime::create(const EngineOptions& options) {
  std::shared_ptr<Runtime> rt(new Runtime());
  rt->options_ = options;
  rt->fingerprint_ = make_fingerprint(options);

  if (options.max_instances == 0 || options.max_instances > EngineOptions::kMaxMaxInstances)
    return make_error(ErrorKind::usage, "max-instances must be between 1 and " +
                                            std::to_string(EngineOptions::kMaxMaxInstances));
  wasm_config_t* config = wasm_config_new();
  wasmtime_config_wasm_component_model_set(config, true);
  wasmtime_config_cranelift_opt_level_set(config, WASMTIME_OPT_LEVEL_SPEED);
  wasmtime_config_epoch_interruption_set(config, options.epoch);
  wasmtime_config_consume_fuel_set(config, options.fuel);
  wasmtime_config_max_wasm_stack_set(config, options.max_wasm_stack);
  if (options.pooling) configure_pooling(config, options.max_instances);
  // wasm_engine_new_with_config takes ownership of config.
  rt->impl_->engine.reset(wasm_engine_new_with_config(config));
  if (!rt->impl_->engine)
    return make_error(ErrorKind::internal, "could not create the Wasmtime engine");

  rt->impl_->linker = ASTERAI_TRY(new_host_linker(rt->impl_->engine.get()));
  if (!options.cache_dir.empty())
    rt->impl_->cache.emplace(options.cache_dir, rt->fingerprint_, options.cache_max_bytes);

  Impl* impl = rt->impl_.get();
  if (!options.epoch) return rt;
  impl->ticker = std::thread([impl] {
    std::unique_lock lock(impl->ticker_mutex);
    while (!impl->ticker_cv.wait_for(lock, kEpochTick, [impl] { return impl->stop_ticker; }))
      wasmtime_engine_increment_epoch(impl->engine.get());
  });
  return rt;
}

}  // namespace asterai::runtime
