#!/usr/bin/env bash
# Configures and builds asterai (and the test components) into ${ASTERAI_BUILD_DIR:-build}.
# Extra arguments are passed to CMake's configure step, e.g. -DASTERAI_SANITIZE=ON.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${ASTERAI_BUILD_DIR:-$here/build}"
bash "$here/scripts/setup.sh"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${ASTERAI_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
cmake --build "$build" -j "$(nproc)"
