// Runtimes shared by everything one process loads: one per engine settings (fuel on or off,
// pooling, cache), made when first asked for. A pooling engine reserves its instance pool's
// address space up front (terabytes, committed only when used) and runs an epoch ticker
// thread, so a host that loads many environments (a cloud node: every tenant's deployments
// and schedules) runs out of address space after a few dozen if each gets its own.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "asterai/common/error.h"
#include "asterai/runtime/runtime.h"

namespace asterai::runtime {

class SharedRuntimes {
 public:
  // The runtime for `options`: the one made for the same settings before, or a new one.
  // Thread-safe.
  Result<std::shared_ptr<Runtime>> get(const EngineOptions& options);
  // Runtimes made so far (one per distinct settings asked for).
  size_t size() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Runtime>> by_settings_;
};

}  // namespace asterai::runtime
