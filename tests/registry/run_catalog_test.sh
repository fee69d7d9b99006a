#!/usr/bin/env bash
# Installs Debian's chromium and playwright-core (scripts/registry/tools.sh; once, quietly),
# then runs catalog_test.py. usage: run_catalog_test.sh ASTERAI COMPONENTS_DIR SOURCE_DIR
set -euo pipefail
source "$3/scripts/registry/tools.sh"
registry_tools_install chromium playwright
exec python3 "$3/tests/registry/catalog_test.py" "$@"
