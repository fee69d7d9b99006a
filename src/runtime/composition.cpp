// Composition: construction, lookup and calls that start at a member. Linking lives in
// composition_link.cpp, nested calls in composition_call.cpp, the host API in host_registry.cpp.
#include "asterai/runtime/composition.h"

#include <chrono>

#include "arguments.h"
#include "composition_impl.h"

namespace asterai::runtime {

Composition::Composition() : impl_(std::make_unique<Impl>()) {
  impl_->self = this;
}
Composition::~Composition() = default;

const Member* Composition::find(std::string_view name) const {
  size_t i = impl_->index_of(name);
  return i < members_.size() ? &members_[i] : nullptr;
}

const std::vector<ItemInfo>* Composition::imports(std::string_view member) const {
  size_t i = impl_->index_of(member);
  return i < impl_->imports.size() ? &impl_->imports[i] : nullptr;
}

size_t Composition::Impl::index_of(std::string_view name) const {
  const auto& members = self->members_;
  for (size_t i = 0; i < members.size(); ++i) {
    if (members[i].name == name) return i;
  }
  return members.size();
}

CallOutcome Composition::call(std::string_view member, const FunctionInfo& function,
                              const nlohmann::json& args,
                              std::shared_ptr<const std::atomic<bool>> cancel) const {
  auto start = std::chrono::steady_clock::now();
  CallOutcome outcome;
  auto fail = [&](Error e) {
    outcome.error = std::move(e);
    return std::move(outcome);
  };
  size_t index = impl_->index_of(member);
  if (index == members_.size()) {
    return fail(Error{ErrorKind::not_found,
                      "the environment has no component named `" + std::string(member) + "`",
                      {}});
  }
  const auto& functions = members_[index].component->functions();
  size_t fn = static_cast<size_t>(&function - functions.data());
  if (fn >= functions.size()) {
    return fail(Error{ErrorKind::internal,
                      "function does not belong to component `" + std::string(member) + "`",
                      {}});
  }
  if (!function.unsupported.empty()) {
    return fail(Error{ErrorKind::unsupported_type,
                      function.name + " cannot be called with JSON: " + function.unsupported +
                          " (unsupported in a tool signature)",
                      {}});
  }
  auto bound = bind_arguments(function, args);
  if (!bound) return fail(std::move(bound.error()));
  std::vector<wasmtime_component_val_t> raw;
  raw.reserve(bound->size());
  for (auto& v : *bound) raw.push_back(v.raw);  // borrowed: the call copies them
  CallOutcome called = impl_->run(index, fn, raw, nullptr, std::move(cancel));
  called.stats.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return called;
}

}  // namespace asterai::runtime
