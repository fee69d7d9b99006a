#!/usr/bin/env bash
# MCP and HTTP API round trips of the C `add` tool through `asterai serve`:
#   bench/mcp/run.sh BUILD_DIR [--write-docs]
# 1. stdio: MCP tools/call, one request at a time, 5000 calls after 200 warm-up calls.
# 2. HTTP (keep-alive): MCP tools/call over Streamable HTTP, and POST /v1/call, from 4
#    connections for 5 s each.
# With --write-docs the table replaces the "## MCP and HTTP API" section of
# docs/benchmarks.md. No other MCP host for Wasm components installs from the package
# registries here (wassette is not in the Rust package registry), so there is no side-by-side peer.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/mcp/run.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
bench="$build/bench/mcp/mcp_bench"
component="$build/components/kitchen-sink-c.wasm"
require_built "$asterai" "$bench" "$component"

out=$(mktemp)
trap 'rm -f "$out" "$out.md"' EXIT
# Compile once so the measurements read the compiled component from the cache.
"$asterai" call "$component" add 1 2 >/dev/null
"$bench" "$asterai" "$component" --calls 5000 --seconds 5 --connections 4 | tee "$out"

python3 - "$out" "$out.md" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
cores, load = sys.argv[3], sys.argv[4]
with open(sys.argv[2], "w") as f:
    f.write("## MCP and HTTP API\n\n")
    f.write("`bench/mcp/run.sh BUILD_DIR --write-docs` (`bench/mcp/mcp_bench.cpp`): round trips of the C\n"
            "`add` tool (`kitchen-sink-c.wasm`) through `asterai serve` as a client sees them, each call\n"
            f"in a fresh instance. {cores} cores, client and server on the same machine; load average\n"
            f"{load} at the end of the run (other work on the machine inflates the tails).\n\n")
    f.write("| transport | clients | calls/s | p50 | p90 | p99 |\n| --- | --- | --- | --- | --- | --- |\n")
    for r in rows:
        clients = r.get("connections", 1)
        rate = r.get("calls_per_second", 1e6 / r["mean_us"])
        f.write(f"| {r['name']} | {clients} | {rate:,.0f} | {r['p50_us']:.0f} µs | "
                f"{r['p90_us']:.0f} µs | {r['p99_us']:.0f} µs |\n")
    f.write("\nTargets: stdio p50 ≤ 150 µs; HTTP with keep-alive ≥ 10,000 calls/s on 2 cores.\n"
            "stdio is one request at a time (calls/s = 1 / mean); HTTP uses 4 keep-alive connections.\n"
            "No other MCP host for Wasm components installs from the package registries here\n"
            "(wassette is not in the Rust package registry), so there is no side-by-side ratio.\n")
PY
cat "$out.md"
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "MCP and HTTP API" "$out.md"
fi
