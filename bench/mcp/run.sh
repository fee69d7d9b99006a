#!/usr/bin/env bash
# MCP and HTTP API round trips of the C `add` tool through `asterai serve`:
#   bench/mcp/run.sh BUILD_DIR [--write-docs]
#   WASSETTE=PATH bench/mcp/run.sh BUILD_DIR [--write-docs]   also measures wassette
# 1. stdio: MCP tools/call, one request at a time, 5000 calls after 200 warm-up calls.
# 2. HTTP (keep-alive): MCP tools/call over Streamable HTTP, and POST /v1/call, from 4
#    connections for 5 s each.
# The whole set runs BENCH_MCP_ROUNDS times (3), asterai's rows and wassette's alternating, and
# each row is its median round: on a shared machine a burst of load from elsewhere then lands
# on one round of each server rather than on all of one server's rows. The ratios say their
# range over the rounds.
# WASSETTE names a wassette binary built outside this checkout (it is not in the package
# registries; build it with its own `cargo build --release`): the same component is then served
# by it and measured the same way, in the same run, and the table gains the ratios.
# With --write-docs the table replaces the "## MCP and HTTP API" section of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/mcp/run.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
bench="$build/bench/mcp/mcp_bench"
component="$build/components/kitchen-sink-c.wasm"
require_built "$asterai" "$bench" "$component"

out=$(mktemp)
trap 'rm -f "$out" "$out.md"' EXIT
rounds=${BENCH_MCP_ROUNDS:-3}
# Compile once so the measurements read the compiled component from the cache.
"$asterai" call "$component" add 1 2 >/dev/null
peer=()
if [ -n "${WASSETTE:-}" ]; then
  [ -x "$WASSETTE" ] || { echo "WASSETTE=$WASSETTE is not an executable" >&2; exit 2; }
  peer=(--wassette "$WASSETTE")
  wassette_version=$("$WASSETTE" --version 2>/dev/null | head -n1)
else
  echo "WASSETTE is not set: measuring asterai alone (no side-by-side rows)" >&2
  wassette_version=""
fi
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  "$bench" "$asterai" "$component" --calls 5000 --seconds 5 --connections 4 "${peer[@]}" |
    tee /dev/stderr | sed "s/^{/{\"round\":$round,/" >>"$out"
done

python3 - "$out" "$out.md" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" "$wassette_version" "$rounds" <<'PY'
import json, sys
measured = [json.loads(l) for l in open(sys.argv[1]) if l.strip().startswith("{")]
cores, load, peer, rounds = sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
def rate(r):
    return r.get("calls_per_second", 1e6 / r["mean_us"])
def better(r):  # larger is better: calls/s over HTTP, a low p50 over stdio
    return rate(r) if "calls_per_second" in r else -r["p50_us"]
# Each (server, transport): its median round, in the order first measured.
keys = list(dict.fromkeys((r["server"], r["name"]) for r in measured))
by_key = {k: sorted((r for r in measured if (r["server"], r["name"]) == k), key=better) for k in keys}
rows = [by_key[k][(len(by_key[k]) - 1) // 2] for k in keys]
def ratio_range(a_name, w_name, f):
    a = {r["round"]: r for r in by_key.get(("asterai", a_name), [])}
    w = {r["round"]: r for r in by_key.get(("wassette", w_name), [])}
    got = sorted(f(a[n], w[n]) for n in a if n in w)
    return f" (rounds {got[0]:.1f}–{got[-1]:.1f}x)" if len(got) > 1 else ""
with open(sys.argv[2], "w") as f:
    f.write("## MCP and HTTP API\n\n")
    f.write("`bench/mcp/run.sh BUILD_DIR --write-docs` (`bench/mcp/mcp_bench.cpp`): round trips of the C\n"
            "`add` tool (`kitchen-sink-c.wasm`) as a client sees them, each call in a fresh instance.\n"
            f"{cores} cores, client and server on the same machine; load average {load} at the end\n"
            f"of the run (other work on the machine inflates the tails). Each row is its server's\n"
            f"median of {rounds} rounds, the servers measured in turn in every round.\n\n")
    f.write("| server | transport | clients | calls/s | p50 | p90 | p99 |\n"
            "| --- | --- | --- | --- | --- | --- | --- |\n")
    for r in rows:
        f.write(f"| {r['server']} | {r['name']} | {r.get('connections', 1)} | {rate(r):,.0f} | "
                f"{r['p50_us']:.0f} µs | {r['p90_us']:.0f} µs | {r['p99_us']:.0f} µs |\n")
    f.write("\nTargets: stdio p50 ≤ 150 µs; HTTP with keep-alive ≥ 10,000 calls/s on 2 cores.\n"
            "stdio is one request at a time (calls/s = 1 / mean); HTTP uses 4 keep-alive connections.\n")
    mine = {r["name"]: r for r in rows if r["server"] == "asterai"}
    theirs = [r for r in rows if r["server"] == "wassette"]
    if theirs:
        f.write(f"\nSide by side with {peer or 'wassette'} (same component, same client, same run; "
                "goal: asterai ≥ 2x on both):\n\n"
                "| measure | asterai | wassette | asterai / wassette |\n| --- | --- | --- | --- |\n")
        for r in theirs:
            if r["name"].startswith("stdio"):
                a = mine["stdio tools/call"]
                for p in ("p50_us", "p99_us"):
                    spread = ratio_range(a["name"], r["name"], lambda x, y: y[p] / x[p])
                    f.write(f"| stdio tools/call {p[:3]} | {a[p]:.0f} µs | {r[p]:.0f} µs | "
                            f"{r[p] / a[p]:.1f}x faster{spread} |\n")
            else:
                a = mine["HTTP MCP tools/call"]
                spread = ratio_range(a["name"], r["name"], lambda x, y: rate(x) / rate(y))
                f.write(f"| MCP over HTTP, calls/s (asterai: Streamable HTTP; wassette: "
                        f"HTTP+SSE) | {rate(a):,.0f} | {rate(r):,.0f} | {rate(a) / rate(r):.1f}x{spread} |\n")
    else:
        f.write("\nwassette was not measured in this run (WASSETTE unset).\n")
PY
cat "$out.md"
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "MCP and HTTP API" "$out.md"
fi
