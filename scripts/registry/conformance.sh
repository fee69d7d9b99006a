#!/usr/bin/env bash
# Runs the OCI distribution-spec conformance suite (pull, push, content discovery, content
# management) against `asterai registry serve` with token auth on.
#   ASTERAI_REGISTRY_BIN=…/asterai-registry scripts/registry/conformance.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/tools.sh"
registry_tools_install conformance
source "$HERE/lib.sh"

KEY="$(new_user conformance)"
start_registry

export OCI_REGISTRY="$REGISTRY" OCI_TLS=disabled OCI_VERSION=1.1 OCI_LOG=error
export OCI_REPO1=conformance/repo1 OCI_REPO2=conformance/repo2
export OCI_USERNAME=conformance OCI_PASSWORD="$KEY"
export OCI_API_BLOBS_UPLOAD_CANCEL=true OCI_API_BLOBS_DIGEST_HEADER=true OCI_API_MANIFESTS_DIGEST_HEADER=true
export OCI_RESULTS_DIR="${OCI_RESULTS_DIR:-$WORK/results}"
# No configuration file: everything comes from the environment above.
cd "$WORK"
# The suite exits 0 when it cannot even start, so success also needs its results file.
if "$OCI_CONFORMANCE" >"$WORK/conformance.out" 2>&1 && [[ -s "$OCI_RESULTS_DIR/results.yaml" ]]; then
  grep -oE ": (Pass|Fail|Skip|Disabled)$" "$OCI_RESULTS_DIR/results.yaml" | sort | uniq -c | tr '\n' ' '
  echo
  echo "conformance: pass"
else
  cat "$WORK/conformance.out"
  echo "--- server log" && tail -20 "$WORK/server.log"
  echo "conformance: FAIL"; exit 1
fi
