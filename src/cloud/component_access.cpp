// A node pulls with its own registry credentials, which may read more than a tenant may: a
// deployment would otherwise reach another tenant's private components by naming them. So at
// deploy time every component outside the tenant's namespace must be readable anonymously.
// (Nodes load deployments only after this check, and a deployment pins digests.)
#include "asterai/host/registry_access.h"
#include "node_impl.h"

namespace asterai::cloud {

Result<void> check_component_access(const std::string& tenant, const env::Document& doc,
                                    bool plain_http) {
  for (const auto& [name, c] : doc.components) {
    auto ref = ASTERAI_TRY(host::parse_ref(c.ref));
    auto ns = ref.repository.substr(0, ref.repository.find('/'));
    if (ns == tenant) continue;
    auto client = ASTERAI_TRY(host::make_client(ref.registry, plain_http, /*anonymous=*/true));
    auto found = client.resolve(ref.repository, ref.digest.empty() ? ref.tag : ref.digest);
    if (found && *found) continue;
    if (!found && found.error().kind != ErrorKind::not_found &&
        found.error().kind != ErrorKind::unauthorized && found.error().kind != ErrorKind::denied)
      return make_error(found.error().kind, "member " + name + ": cannot check " + c.ref + ": " +
                                                found.error().message);
    return make_error(ErrorKind::denied,
                      "member " + name + ": " + ref.repository + " is not public, and " + tenant +
                          " may deploy only its own namespace's components and public ones");
  }
  return {};
}

}  // namespace asterai::cloud
