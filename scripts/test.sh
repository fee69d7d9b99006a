#!/usr/bin/env bash
# The whole test suite: builds (idempotently) and runs every test under CTest.
# ASTERAI_BUILD_DIR picks the build folder; extra arguments go to CMake's configure step.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${ASTERAI_BUILD_DIR:-$here/build}"
bash "$here/scripts/build.sh" "$@"
# The peer some tests compare against (wasmtime serve): built once into the cache.
bash "$here/scripts/install-wasmtime-cli.sh" >/dev/null
cd "$build"
ctest --output-on-failure -j "$(nproc)" --timeout 600
