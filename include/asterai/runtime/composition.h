// Composition: the components of an environment linked together. A member's imports that
// are not WASI are satisfied by another member's exports (matched by package, interface and
// semver-compatible version, or chosen by an explicit wire) or by the host API
// (`asterai:host/registry`). Every call into a provider runs in a fresh instance in the
// provider's own store, with the provider's own grants and limits. Rules: docs/environments.md
// ("Composition").
#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "asterai/common/error.h"
#include "asterai/runtime/runtime.h"
#include "asterai/runtime/sandbox.h"

namespace asterai::runtime {

// One component of an environment, in its own sandbox.
struct Member {
  std::string name;  // unique within the composition
  std::shared_ptr<const Component> component;
  Grants grants;  // incl. env vars (vars and secrets it was granted arrive this way)
  CallLimits limits;
  // Link even when an import is provided by no member and not by the host: the member runs,
  // and a call into such an import fails with ErrorKind::missing_import. Off by default, since
  // in an environment a missing provider is usually a mistake.
  bool allow_missing_imports = false;
  // Qualified function name -> its documentation (the component's WIT `///` comments), which
  // asterai:host/registry's list-components gives as each input schema's "description".
  std::map<std::string, std::string> descriptions = {};
};

// "importer gets `interface` from provider"; interface is "ns:pkg/iface", version optional
// ("ns:pkg/iface@1.2.0" pins it). Needed only when several members export the interface.
struct Wire {
  std::string importer, interface, provider;
};

// The interface the runtime itself provides to members that import it.
inline constexpr std::string_view kHostRegistryInterface = "asterai:host/registry";

class Composition {
 public:
  // Resolves every member's imports the host does not provide to another member's exports or
  // the host API; missing provider (unless the member allows missing imports), ambiguous
  // providers (unless wired), cycles, resource types and signature mismatches fail here,
  // never at call time.
  static Result<std::shared_ptr<const Composition>> link(std::shared_ptr<const Runtime> runtime,
                                                         std::vector<Member> members,
                                                         std::vector<Wire> wires = {});
  ~Composition();
  Composition(const Composition&) = delete;
  Composition& operator=(const Composition&) = delete;

  const std::vector<Member>& members() const { return members_; }
  const Member* find(std::string_view name) const;
  // The member's imports, each with who provides it in this composition (the host, another
  // member, or nobody); null for an unknown member.
  const std::vector<ItemInfo>* imports(std::string_view member) const;
  const Runtime& runtime() const { return *runtime_; }

  // Calls `function` (one of the member's component's functions()) with the member's grants
  // and limits; calls it makes into providers run in their own sandboxes within its deadline.
  // Setting `cancel` stops the call (and the provider call it is in) like CallLimits::cancel.
  CallOutcome call(std::string_view member, const FunctionInfo& function,
                   const nlohmann::json& args,
                   std::shared_ptr<const std::atomic<bool>> cancel = nullptr) const;

  // Runs one HTTP request through the member's wasi:http/incoming-handler with its grants
  // and limits (Runtime::handle_http); its imports reach the other members as in call().
  CallOutcome handle_http(std::string_view member, const IncomingRequest& request,
                          HttpResponse& response,
                          std::shared_ptr<const std::atomic<bool>> cancel = nullptr) const;

  struct Impl;  // the linked state (private to src/runtime)

 private:
  Composition();
  std::shared_ptr<const Runtime> runtime_;
  std::vector<Member> members_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace asterai::runtime
