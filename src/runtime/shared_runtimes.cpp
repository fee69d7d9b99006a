#include "asterai/runtime/shared_runtimes.h"

namespace asterai::runtime {
namespace {

// Every EngineOptions field: two settings share a runtime only when all of them agree.
std::string settings_key(const EngineOptions& o) {
  return o.cache_dir.string() + '\n' + std::to_string(o.cache_max_bytes) + ' ' +
         (o.pooling ? 'p' : '-') + (o.fuel ? 'f' : '-') + (o.epoch ? 'e' : '-') +
         std::to_string(o.max_wasm_stack) + ' ' + std::to_string(o.max_instances);
}

}  // namespace

Result<std::shared_ptr<Runtime>> SharedRuntimes::get(const EngineOptions& options) {
  std::string key = settings_key(options);
  // Held while a runtime is made (milliseconds), so two first loads make one between them.
  std::lock_guard lock(mutex_);
  if (auto it = by_settings_.find(key); it != by_settings_.end()) return it->second;
  auto made = ASTERAI_TRY(Runtime::create(options));
  by_settings_.emplace(std::move(key), made);
  return made;
}

size_t SharedRuntimes::size() const {
  std::lock_guard lock(mutex_);
  return by_settings_.size();
}

}  // namespace asterai::runtime
