#!/usr/bin/env bash
# The main job on a fresh machine: set up, build, then inspect and call the kitchen-sink
# component (C and JavaScript builds of one WIT world) with the `asterai` CLI.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${ASTERAI_BUILD_DIR:-$here/build}"
bash "$here/scripts/build.sh" >/dev/null
asterai="$build/src/asterai"
c="$build/components/kitchen-sink-c.wasm"
js="$build/components/kitchen-sink-js.wasm"

run() {
  printf '\n$ asterai %s\n' "$*"
  "$asterai" "$@" || echo "(exit code $?)"
}
run --version
run inspect "$c"
run call "$c" add 2 3
run call "$js" add 2 3
run call "$c" values/greet '{"who": {"name": "Ada", "age": 36}}'
run call "$js" values/describe '[{"name": "Ada", "age": 36}]' blue '["read"]'
run call --stats "$c" values/divide 7 0
run call "$c" values/greet '{"who": {"name": "Ada", "age": -1}}'
run call --json "$c" values/fail '"out of coffee"'
