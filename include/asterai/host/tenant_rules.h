// What a tenant's environment may ask of a host it does not own (a cloud node): components
// from the node's registry only, and none of the host's directories, environment variables
// or secrets (its own secrets, kept by the cloud, are fine). Checked when a deployment is made
// and again whenever a node loads one.
#pragma once

#include <string>

#include "asterai/common/error.h"
#include "asterai/env/document.h"

namespace asterai::host {

// Every member of `doc`: its component a reference on `registry` (no file of the host, no
// local: component), no directory grant, no environment variable passed through from the
// host (KEY=VALUE and [vars] are fine), and no secret unless the cloud keeps the tenants'
// (`secrets_kept`). The first breach, as a `denied` error naming the member and what to do.
Result<void> check_tenant_rules(const env::Document& doc, const std::string& registry,
                                bool secrets_kept);

}  // namespace asterai::host
