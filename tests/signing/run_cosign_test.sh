#!/usr/bin/env bash
# Builds cosign (pinned, from the Go module proxy, cached outside the work tree) when missing,
# then runs cosign_test.py. usage: run_cosign_test.sh ASTERAI COMPONENTS_DIR SOURCE_DIR
set -euo pipefail
source "$3/scripts/registry/tools.sh"
registry_tools_install cosign
exec python3 "$3/tests/signing/cosign_test.py" "$1" "$COSIGN" "$2" "$3"
