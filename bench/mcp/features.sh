#!/usr/bin/env bash
# What asterai:mcp's features cost a tool call (examples/mcp-everything over stdio, one call at
# a time, 5000 calls after 200 warm-up calls each): a plain JSON result, a content result, one
# log message, one progress notification.
#   bench/mcp/features.sh BUILD_DIR [--write-docs]
# With --write-docs the table replaces the "## MCP features" section of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/mcp/features.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
bench="$build/bench/mcp/mcp_bench"
component="$build/components/mcp-everything.wasm"
require_built "$asterai" "$bench" "$component"

out=$(mktemp)
trap 'rm -f "$out" "$out.md"' EXIT
"$asterai" call "$component" bench-json >/dev/null  # compiled once, then read from the cache
"$bench" "$asterai" "$component" --calls 5000 --features | tee "$out"

python3 - "$out" "$out.md" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
rows = {r["name"]: r for r in (json.loads(l) for l in open(sys.argv[1]) if l.strip())}
cores, load = sys.argv[3], sys.argv[4]
base = rows["bench_json"]
what = {"bench_json": "plain JSON result (`-> string`: text block + structuredContent)",
        "bench_content": "content result (`-> tool-result`, one text block)",
        "bench_log": "content result after one `log` (its notification read first)",
        "bench_progress": "content result after one `progress` (its notification read first)"}
with open(sys.argv[2], "w") as f:
    f.write("## MCP features\n\n")
    f.write("`bench/mcp/features.sh BUILD_DIR --write-docs`: what asterai:mcp's features cost a "
            "tool call of\n`examples/mcp-everything` over stdio, one call at a time, 5000 calls "
            f"each after 200 warm-up calls.\n{cores} cores; load average {load} at the end of the "
            "run (other work on the machine shows in the p99s: a wake-up of the server's worker\n"
            "waits for the CPU).\n\n")
    f.write("| tool | what | p50 | p90 | p99 | p50 − JSON result |\n"
            "| --- | --- | --- | --- | --- | --- |\n")
    for name in ("bench_json", "bench_content", "bench_log", "bench_progress"):
        r = rows[name]
        f.write(f"| `{name}` | {what[name]} | {r['p50_us']:.0f} µs | {r['p90_us']:.0f} µs | "
                f"{r['p99_us']:.0f} µs | {r['p50_us'] - base['p50_us']:+.0f} µs |\n")
PY
cat "$out.md"
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "MCP features" "$out.md"
fi
