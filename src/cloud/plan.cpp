#include "asterai/runtime/composition.h"
#include "node_impl.h"

namespace asterai::cloud {

Result<void> check_plan(const Plan& plan, const runtime::Composition& composition) {
  const auto& ceiling = plan.ceiling;
  for (const auto& m : composition.members()) {
    auto over = [&](const std::string& what) {
      return make_error(ErrorKind::denied, "member " + m.name + ": " + what + " (plan " +
                                               plan.name +
                                               "); set a lower limit in the environment");
    };
    if (m.limits.timeout > ceiling.timeout)
      return over("timeout " + std::to_string(m.limits.timeout.count()) +
                  " ms is over the plan's " + std::to_string(ceiling.timeout.count()) + " ms");
    if (ceiling.max_memory &&
        (m.limits.max_memory == 0 || m.limits.max_memory > ceiling.max_memory))
      return over("max-memory " +
                  (m.limits.max_memory ? std::to_string(m.limits.max_memory) + " bytes"
                                       : std::string("unlimited")) +
                  " is over the plan's " + std::to_string(ceiling.max_memory) + " bytes");
    if (ceiling.fuel && (!m.limits.fuel || *m.limits.fuel > *ceiling.fuel))
      return over("fuel " +
                  (m.limits.fuel ? std::to_string(*m.limits.fuel) : std::string("unlimited")) +
                  " is over the plan's " + std::to_string(*ceiling.fuel));
  }
  return {};
}

}  // namespace asterai::cloud
