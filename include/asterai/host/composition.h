// An environment's components linked into one runtime::Composition, each member with its own
// grants and limits (vars and granted secrets arrive as environment variables at
// instantiation). Under `asterai env call | run`, `asterai serve --environment` and the
// schedules.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "asterai/common/error.h"
#include "asterai/host/environment.h"
#include "asterai/mcp/catalog.h"
#include "asterai/oci/progress.h"
#include "asterai/runtime/composition.h"
#include "asterai/runtime/shared_runtimes.h"

namespace asterai::host {

struct LoadedComposition {
  LoadedEnv env;
  std::shared_ptr<const runtime::Composition> composition;
  // Member name -> its component file.
  std::map<std::string, std::filesystem::path> files;
  // Member name -> the WIT docs its component carries (with LoadOptions::docs only).
  std::map<std::string, mcp::WitDocs> docs;
};

struct LoadOptions {
  RegistryOptions registry;
  bool offline = false;  // never pull
  // The engine; fuel is turned on when a member has a fuel limit.
  runtime::EngineOptions engine;
  // Where the engine comes from when set: a runtime shared with everything else loaded
  // through it (a host loading many environments); otherwise each load makes its own.
  std::shared_ptr<runtime::SharedRuntimes> runtimes = {};
  oci::Progress* progress = nullptr;  // told about pulls; may be null
  // Read every member's WIT docs into LoadedComposition::docs (for a tool catalog).
  bool docs = false;
  // A tenant's environment on a host it does not own (a cloud node): check_tenant_rules
  // (tenant_rules.h) before any component is read, and outgoing HTTP to public addresses
  // only (Grants::public_addresses_only).
  bool tenant = false;
  // Where members' secrets come from: empty, the local secret store ($ASTERAI_HOME/secrets);
  // a cloud node gives the tenant's own (cloud/secrets.h). A tenant's environment may name
  // secrets only when this is set.
  std::function<Result<std::string>(const std::string& name)> secret = {};
};

// Loads ENV (as load_env), resolves every component (pulling unless `offline`), and links
// them.
Result<LoadedComposition> load_composition(const std::string& env_arg, const LoadOptions& options);

// A command component's wasi:cli/run (`run: func() -> result`); null when it is none.
const runtime::FunctionInfo* command_function(const runtime::Component& component);

}  // namespace asterai::host
