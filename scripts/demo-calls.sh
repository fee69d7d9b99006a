#!/usr/bin/env bash
# The demo's calls against a built tree: each line shows a command, its output and, where
# the call is meant to fail, its exit code. Exits non-zero when any command's exit code is
# not the one written next to it (tests/CMakeLists.txt runs this as a test).
# Usage: demo-calls.sh BUILD_DIR
set -uo pipefail
build=$1
asterai="$build/src/asterai"
c="$build/components/kitchen-sink-c.wasm"
js="$build/components/kitchen-sink-js.wasm"
status=0

# run EXPECTED_EXIT_CODE ARGS...
run() {
  local expected=$1
  shift
  printf '\n$ asterai %s\n' "$*"
  "$asterai" "$@"
  local rc=$?
  if [ "$rc" -ne 0 ]; then echo "(exit code $rc)"; fi
  if [ "$rc" -ne "$expected" ]; then
    echo "demo: expected exit code $expected from: asterai $*" >&2
    status=1
  fi
}
run 0 --version
run 0 inspect "$c"
run 0 call "$c" add 2 3
run 0 call "$js" add 2 3
run 0 call "$c" values/greet '{"who": {"name": "Ada", "age": 36}}'
run 0 call "$js" values/describe '[{"name": "Ada", "age": 36}]' blue '["read"]'
run 0 call --stats "$c" values/divide 7 0
run 6 call "$c" values/greet '{"who": {"name": "Ada", "age": -1}}'
run 8 call --json "$c" values/fail '"out of coffee"'
exit "$status"
