// The Wasmtime side of asterai::runtime::Component (private to src/runtime).
#pragma once

#include <vector>

#include "asterai/runtime/runtime.h"
#include "wasmtime_ext.h"
#include "wasmtime_handles.h"

namespace asterai::runtime {

struct Component::Impl {
  wt::ComponentPtr component;
  // One export index per entry of Component::functions(), same order; looked up once at
  // load so a call does no string lookups.
  std::vector<wt::ExportIndexPtr> export_indices;
  // Only for a component some of whose imports nothing provides: the host's interfaces plus
  // those imports defined to fail (missing_imports.h). Null otherwise: calls use the runtime's
  // shared linker, and the per-call path is the same as before.
  wt::LinkerPtr linker;
  // The component pre-instantiated against that linker (or the shared one): a call resolves
  // no import by name. Null when pre-instantiation failed; calls then report the link error.
  wt::Owned<asterai_instance_pre_t, asterai_component_instance_pre_delete> pre;
};

}  // namespace asterai::runtime
