#!/usr/bin/env bash
# The main job on a fresh machine: set up, build, then inspect and call the kitchen-sink
# component (C and JavaScript builds of one WIT world) with the `asterai` CLI.
# Prints one line per phase and the build's progress, so a long first run never looks hung.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${ASTERAI_BUILD_DIR:-$here/build}"
export ASTERAI_BUILD_PROGRESS=1
bash "$here/scripts/build.sh" >/dev/null
bash "$here/scripts/demo-calls.sh" "$build"
