#include "asterai/host/tenant_rules.h"

#include "asterai/host/registry_access.h"
#include "asterai/oci/store.h"

namespace asterai::host {

Result<void> check_tenant_rules(const env::Document& doc, const std::string& registry,
                                bool secrets_kept) {
  for (const auto& [name, c] : doc.components) {
    auto refuse = [&](const std::string& why) {
      return make_error(ErrorKind::denied, "member " + name + ": " + why);
    };
    // A file path or a local: component would be read from the node's own disk and store.
    if (oci::is_local_ref(c.ref) || !oci::looks_like_reference(c.ref))
      return refuse("its component " + c.ref + " is not in a registry; push it (`asterai push`)");
    auto ref = parse_ref(c.ref);
    if (!ref) return refuse(ref.error().message);
    if (ref->registry != registry)
      return refuse("its component is on " + ref->registry + "; this cloud pulls from " + registry +
                    " only");
    if (!c.policy.dirs.empty())
      return refuse("grants the host directory " + c.policy.dirs.front().host +
                    "; a cloud node gives no host directories (keep state in a service the "
                    "component reaches over HTTP)");
    for (const auto& e : c.policy.env)
      if (e.find('=') == std::string::npos)
        return refuse("passes the host's environment variable " + e +
                      " through; give it a value (" + e + "=VALUE) or use [vars]");
    if (!c.secrets.empty() && !secrets_kept)
      return refuse("is given the secret " + c.secrets.front() +
                    "; this cloud keeps no secrets (its nodes run without --secrets-key-file), "
                    "and a node's own are never given to tenants");
  }
  return {};
}

}  // namespace asterai::host
