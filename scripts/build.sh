#!/usr/bin/env bash
# Configures and builds asterai (and the test components) into ${ASTERAI_BUILD_DIR:-build}.
# Extra arguments are passed to CMake's configure step, e.g. -DASTERAI_SANITIZE=ON.
# ASTERAI_BUILD_PROGRESS=1 prints one line per phase on stderr and the build's progress in
# steps of 10% instead of every compiler line (scripts/demo.sh uses it).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${ASTERAI_BUILD_DIR:-$here/build}"
progress="${ASTERAI_BUILD_PROGRESS:-}"
# ccache keys on paths relative to the checkout, so every clone (CI's fresh one too) reuses
# what another compiled; debug info then names the folder that compiled first.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$here}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
phase() { [ -n "$progress" ] && echo "asterai: $*" >&2 || true; }

phase "[1/3] set-up: Debian packages, the Wasmtime C API (cached; the first build takes ~15 min), guest toolchains"
bash "$here/scripts/setup.sh"
phase "[2/3] configuring the build in $build"
cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE="${ASTERAI_BUILD_TYPE:-RelWithDebInfo}" "$@" >/dev/null
if [ -z "$progress" ]; then
  cmake --build "$build" -j "$(nproc)"
  exit 0
fi
phase "[3/3] compiling asterai and the test components (~15 min on 2 cores from scratch)"
# Ninja's "[done/total]" lines become one line per 10%; anything else (warnings, errors) is
# shown as it comes.
cmake --build "$build" -j "$(nproc)" 2>&1 | awk '
  match($0, /^\[([0-9]+)\/([0-9]+)\]/) {
    split(substr($0, 2, RLENGTH - 2), n, "/")
    pct = int(100 * n[1] / n[2])
    if (n[1] > 0 && pct >= next_pct) { printf "asterai:   build %3d%% (%d/%d steps)\n", pct, n[1], n[2] > "/dev/stderr"; next_pct = pct - pct % 10 + 10 }
    next
  }
  /^ninja: no work to do/ { print "asterai:   build up to date" > "/dev/stderr"; next }
  { print > "/dev/stderr" }'
exit "${PIPESTATUS[0]}"
