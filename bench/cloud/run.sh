#!/usr/bin/env bash
# One cloud node against `asterai serve` of the same environment, with wrk (Debian's) on
# loopback:
#   bench/cloud/run.sh BUILD_DIR [--write-docs]
# A registry with one user; an environment of the C kitchen-sink component (5 s timeout,
# 64 MiB) pushed as bench/tools@1.0.0; then
# - `asterai serve --environment` of that version: POST /v1/call of `add`;
# - `asterai cloud node` (SQLite store, usage records through the spool, plan ceilings, Basic
#   credentials on every request): POST /bench/tools/v1/call of `add`;
# - the same node on a PostgreSQL store (a server started for these rows);
# all three running at once and measured in turn, round after round (BENCH_CLOUD_ROUNDS, 3),
# each at 4 and 64 keep-alive connections, BENCH_CLOUD_SECONDS (5) per row with 2 threads; a
# row is its server's median round, so a burst of load from elsewhere on a shared machine
# lands on one round of each server rather than on all of one.
# Also: the cold deploy (pull + compile + link + store) and first call of a never-seen
# version, the first call on a fresh node with the compile cache warm, and the store's
# usage-record rate (cloud-store-bench) on SQLite and on a PostgreSQL server started for the
# run (tests/support/postgres.py); and fairness: a second tenant's `add` at 4 connections,
# alone and while the first tenant floods `sum` of a 20,000-number list at 64 connections,
# both at full rate (each connection sends its next call when the answer comes) and paced
# (each connection pauses 1 ms between calls: a tenant using a fraction of the node, whose
# latency alone is not that of a saturated node); and BENCH_CLOUD_MANY (40) more deployments
# on that node, each deployed and called once, with the node's address space and threads.
# With --write-docs the table replaces the "## Cloud" section of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/cloud/run.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
component="$build/components/kitchen-sink-c.wasm"
store_bench="$build/bench/cloud-store-bench"
require_built "$asterai" "$component" "$store_bench"
seconds="${BENCH_CLOUD_SECONDS:-5}"
rounds="${BENCH_CLOUD_ROUNDS:-3}"
wrk_bench_setup cloud
rows="$work/rows.jsonl"
export ASTERAI_HOME="$work/home" ASTERAI_CACHE_DIR="$work/cache"
stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }
# started NAME OUTFILE: the URL a server printed once listening.
started() {
  for _ in $(seq 1 600); do grep -q listening "$2" 2>/dev/null && break; sleep 0.1; done
  sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p' "$2" | head -1
}
ms_since() { python3 -c "import time,sys; print(round((time.time()-float(sys.argv[1]))*1000))" "$1"; }

"$asterai" registry --root "$work/registry" serve --listen 127.0.0.1:0 >"$work/reg.out" 2>&1 &
pids+=($!)
reg=$(started registry "$work/reg.out"); reg=${reg#http://}
# The node pulls with this login: an admin reads every tenant's private environments.
"$asterai" registry --root "$work/registry" user create bench --admin >/dev/null
key=$("$asterai" registry --root "$work/registry" key issue bench --label bench 2>/dev/null)
echo "$key" | "$asterai" login "$reg" -u bench --password-stdin >/dev/null
export ASTERAI_REGISTRY="$reg"
"$asterai" env init bench/tools >/dev/null
"$asterai" env add bench/tools ks "$component" >/dev/null
"$asterai" env limit bench/tools ks --timeout 5s --max-memory 64MiB >/dev/null
"$asterai" env push bench/tools --version 1.0.0 >/dev/null
tool=ks_add
auth="Authorization: Basic $(printf '%s' "bench:$key" | base64 -w0)"
cat >"$work/call.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"tool":"$tool","arguments":{"a":1,"b":2}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "${auth#Authorization: }"
LUA

# --- the servers: serve, a node on SQLite, a node on PostgreSQL -----------------------------
# PostgreSQL (Debian's server on loopback, fsync on), started for this run.
python3 "$here/tests/support/postgres.py" bash -c \
  'echo "$ASTERAI_TEST_POSTGRES" >"$0/pg.url"; until [ -e "$0/pg.stop" ]; do sleep 0.2; done' \
  "$work" >/dev/null 2>&1 &
pg_wrapper=$!
"$asterai" serve --listen 127.0.0.1:0 --environment bench/tools@1.0.0 >"$work/serve.out" 2>"$work/serve.err" &
serve_pid=$!; pids+=($serve_pid)
serve=$(started serve "$work/serve.out")
[ -n "$serve" ] || { echo "serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
curl -sf -o /dev/null -H 'Content-Type: application/json' -d "{\"tool\":\"$tool\",\"arguments\":[1,2]}" "$serve/v1/call"

# node_start STORE NAME: a node on STORE with a spool of its own; sets node and node_pid.
node_start() {
  "$asterai" cloud node --listen 127.0.0.1:0 --registry "$reg" --store "$1" \
    --usage-spool "$work/spool-$2" --max-memory 256MiB --no-access-log \
    >"$work/node-$2.out" 2>"$work/node-$2.err" &
  node_pid=$!; pids+=($node_pid)
  node=$(started node "$work/node-$2.out")
  [ -n "$node" ] || { echo "node on $2 did not start: $(cat "$work/node-$2.err")" >&2; exit 1; }
}
call_node() {
  curl -sf -o /dev/null -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"tool\":\"$tool\",\"arguments\":[1,2]}" "$node/bench/tools/v1/call"
}
rm -rf "$ASTERAI_CACHE_DIR"  # a never-seen version: nothing compiled yet
node_start "sqlite:$work/store.db" sqlite
sqlite_node=$node sqlite_pid=$node_pid
t0=$(date +%s.%N)
"$asterai" deploy bench/tools@1.0.0 --cloud "$node" >/dev/null
cold_deploy=$(ms_since "$t0")
t0=$(date +%s.%N); call_node; first_call=$(ms_since "$t0")
for _ in $(seq 1 600); do [ -s "$work/pg.url" ] && break; sleep 0.1; done
node_start "$(cat "$work/pg.url")" postgres
pg_node=$node pg_pid=$node_pid
"$asterai" deploy bench/tools@1.0.0 --cloud "$node" >/dev/null
call_node

for round in $(seq 1 "$rounds"); do
  for c in 4 64; do
    run "serve --environment" "round $round" "$c" "$serve/v1/call" -s "$work/call.lua"
    run "cloud node" "round $round" "$c" "$sqlite_node/bench/tools/v1/call" -s "$work/call.lua"
    run "cloud node, PostgreSQL" "round $round" "$c" "$pg_node/bench/tools/v1/call" -s "$work/call.lua"
  done
done
stop "$serve_pid"
pg_batches=$(curl -s "$pg_node/metrics" | awk '/^asterai_cloud_usage_batches_total/{print $2}')
stop "$pg_pid"
touch "$work/pg.stop"
wait "$pg_wrapper" || true
node=$sqlite_node
batches=$(curl -s "$node/metrics" | awk '/^asterai_cloud_usage_batches_total/{print $2}')
stop "$sqlite_pid"
records=$(python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("select count(*) from usage").fetchone()[0])' "$work/store.db")
node_start "sqlite:$work/store.db" sqlite  # a new node: the deployment is in the store, its compiled code in the cache
t0=$(date +%s.%N); call_node; warm_first=$(ms_since "$t0")

# --- fairness: another tenant beside a flood --------------------------------------------------
# "other" pushes and deploys the same environment from a home of its own (one login each).
"$asterai" registry --root "$work/registry" user create other >/dev/null
okey=$("$asterai" registry --root "$work/registry" key issue other --label bench 2>/dev/null)
(
  export ASTERAI_HOME="$work/home-other"
  echo "$okey" | "$asterai" login "$reg" -u other --password-stdin >/dev/null
  "$asterai" env init other/tools >/dev/null
  "$asterai" env add other/tools ks "$component" >/dev/null
  "$asterai" env limit other/tools ks --timeout 5s --max-memory 64MiB >/dev/null
  "$asterai" env push other/tools --version 1.0.0 >/dev/null
  "$asterai" deploy other/tools@1.0.0 --cloud "$node" >/dev/null
)
sed "s|${auth#Authorization: Basic }|$(printf '%s' "other:$okey" | base64 -w0)|" "$work/call.lua" >"$work/other.lua"
{ cat "$work/other.lua"; echo 'function delay() return 1 end'; } >"$work/other-paced.lua"
python3 - "$work/flood.lua" "${auth#Authorization: }" <<'PY'
import json, sys
body = json.dumps({"tool": "ks_values_sum", "arguments": [list(range(20000))]})
with open(sys.argv[1], "w") as f:
    f.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(body)}\n'
            f'wrk.headers["Content-Type"] = "application/json"\n'
            f'wrk.headers["Authorization"] = "{sys.argv[2]}"\n')
PY
curl -sf -o /dev/null -H "Authorization: Basic $(printf '%s' "other:$okey" | base64 -w0)" \
  -H 'Content-Type: application/json' -d "{\"tool\":\"$tool\",\"arguments\":[1,2]}" "$node/other/tools/v1/call"
for round in $(seq 1 "$rounds"); do
  run "fairness alone" "round $round" 4 "$node/other/tools/v1/call" -s "$work/other.lua"
  run "fairness paced alone" "round $round" 4 "$node/other/tools/v1/call" -s "$work/other-paced.lua"
  wrk -t1 -c64 -d"$((2 * seconds + 2))s" -s "$work/flood.lua" "$node/bench/tools/v1/call" >"$work/flood.txt" 2>&1 &
  flood=$!
  sleep 1
  run "fairness beside a flood" "round $round" 4 "$node/other/tools/v1/call" -s "$work/other.lua"
  run "fairness paced beside a flood" "round $round" 4 "$node/other/tools/v1/call" -s "$work/other-paced.lua"
  wait "$flood" || true
  flood_rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$work/flood.txt")
  flood_non2xx=$(( ${flood_non2xx:-0} + $(sed -n 's/^ *Non-2xx or 3xx responses: *\([0-9]*\).*/\1/p' "$work/flood.txt" | grep . || echo 0) ))
done

# --- many deployments on one node: each deployed and called once -----------------------------
# One engine serves them all; the address space (VmSize) shows whether each took a pool.
many=${BENCH_CLOUD_MANY:-40}
vm() { awk '/^VmSize/{printf "%.0f\n", $2 * 1024}' "/proc/$node_pid/status"; }
: >"$work/many.tsv"
for i in $(seq 1 "$many"); do
  env="bench/many$i"
  "$asterai" env init "$env" >/dev/null
  "$asterai" env add "$env" ks "$component" >/dev/null
  "$asterai" env limit "$env" ks --timeout 5s --max-memory 64MiB >/dev/null
  "$asterai" env push "$env" --version 1.0.0 >/dev/null
  t0=$(date +%s.%N)
  "$asterai" deploy "$env@1.0.0" --cloud "$node" >/dev/null
  deploy_ms=$(ms_since "$t0")
  t0=$(date +%s.%N)
  curl -sf -o /dev/null -H "$auth" -H 'Content-Type: application/json' \
    -d "{\"tool\":\"$tool\",\"arguments\":[1,2]}" "$node/$env/v1/call"
  printf '%s\t%s\t%s\t%s\n' "$deploy_ms" "$(ms_since "$t0")" "$(vm)" \
    "$(awk '/^Threads/{print $2}' "/proc/$node_pid/status")" >>"$work/many.tsv"
done
stop "$node_pid"

"$store_bench" "$work/store-bench.db" >"$work/store.json"
# The same on PostgreSQL (Debian's server, fsync on), started for this run only.
python3 "$here/tests/support/postgres.py" bash -c '"$0" "$ASTERAI_TEST_POSTGRES"' "$store_bench" \
  >"$work/store-pg.json"

python3 - "$rows" "$work" "$work/out.md" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" \
  "$(date +%F)" "$seconds" "$cold_deploy" "$first_call" "$warm_first" "$records" "$batches" \
  "${flood_rps:-0}" "${flood_non2xx:-0}" "${pg_batches:-0}" "$work/many.tsv" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
work, out, cores, load, day, seconds, cold, first, warm, records, batches, flood, flood_non2xx, pg_batches, many_tsv = sys.argv[2:]
many = [[int(x) for x in l.split()] for l in open(many_tsv) if l.strip()]
store = json.load(open(f"{work}/store.json"))
pg = json.load(open(f"{work}/store-pg.json"))
def median(group, key="rps"):
    """The row of the median `key` among a server's rounds (their count is odd by default)."""
    group = sorted(group, key=lambda r: r[key] or 0)
    return group[len(group) // 2]
def grouped(rows):
    out = {}
    for r in rows:
        out.setdefault((r["build"], r["connections"]), []).append(r)
    return out
fair_rounds = grouped(r for r in rows if r["build"].startswith("fairness"))
fair = {b: median(g, "p99") for (b, _), g in fair_rounds.items()}
all_rounds = grouped(r for r in rows if not r["build"].startswith("fairness"))
rows = [median(g) for g in all_rounds.values()]
peer = {r["connections"]: r["rps"] for r in rows if r["build"] == "serve --environment"}
# Per round: the node's calls/s over serve's in the same round, lowest and highest.
def spread(build, connections):
    mine = {r["name"]: r["rps"] for r in all_rounds[(build, connections)]}
    theirs = {r["name"]: r["rps"] for r in all_rounds[("serve --environment", connections)]}
    ratios = [mine[k] / theirs[k] for k in mine if theirs.get(k)]
    return f"{min(ratios):.2f}–{max(ratios):.2f}x" if ratios else "–"
def f(v):
    return "–" if v is None else f"{v:.2f} ms"
with open(out, "w") as md:
    md.write("## Cloud\n\n")
    md.write(f"`bench/cloud/run.sh BUILD_DIR --write-docs` on {day}: wrk (Debian, 2 threads, {seconds} s per\n"
             f"row, keep-alive) calling the C kitchen-sink `add` of one environment (5 s timeout, 64 MiB),\n"
             f"through `asterai serve --environment` and through one `asterai cloud node` (a usage record\n"
             f"spooled before each answer and stored in batches; plan ceilings; Basic credentials on every\n"
             f"request) on the SQLite store and on PostgreSQL (Debian's server on loopback, fsync on).\n"
             f"The three servers run at once and are measured in turn, {len(all_rounds[('serve --environment', 4)])} rounds; each row is its\n"
             f"server's median round, and \"rounds\" gives the lowest and highest ratio to `serve` within\n"
             f"one round. The machine has {cores} cores and wrk shares them with the server; load average\n"
             f"{load} at the end.\n\n")
    md.write("| server | connections | calls/s | vs serve | rounds | p50 | p90 | p99 | socket errors | non-2xx |\n"
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in sorted(rows, key=lambda r: (r["build"] != "serve --environment", r["build"], r["connections"])):
        ratio = r["rps"] / peer[r["connections"]] if peer.get(r["connections"]) else None
        rounds = "–" if r["build"] == "serve --environment" else spread(r["build"], r["connections"])
        md.write(f"| {r['build']} | {r['connections']} | {r['rps']:,.0f} | "
                 f"{'–' if ratio is None else f'{ratio:.2f}x'} | {rounds} | {f(r['p50'])} | {f(r['p90'])} | "
                 f"{f(r['p99'])} | {r['errors']} | {r['non2xx']} |\n")
    md.write(f"\nThe node on SQLite stored {int(records):,} usage records in {int(batches or 0):,} transactions during its runs;\n"
             f"the node on PostgreSQL used {int(pg_batches or 0):,} transactions.\n")
    md.write(f"Cold deploy of a never-seen version (pull, compile, link, check, store): {cold} ms; its first\n"
             f"call: {first} ms. First call on a new node (deployment in the store, compiled code in the\n"
             f"cache): {warm} ms (load + link + call).\n\n")
    tib = lambda b: f"{b / 2**40:.2f} TiB"
    md.write(f"{len(many)} more deployments on that node, each deployed and then called once (all stay\n"
             f"loaded): deploy median {statistics.median(m[0] for m in many):.0f} ms, first call median "
             f"{statistics.median(m[1] for m in many):.0f} ms; the node's address space\n"
             f"{tib(many[0][2])} after the first and {tib(many[-1][2])} after the last (one engine for all), "
             f"{many[-1][3]} threads.\n\n")
    md.write("The store alone (`cloud-store-bench`, SQLite in WAL mode, synchronous=NORMAL): "
             f"{store['batched_records_per_s']:,.0f} records/s in batches of {store['batch']}, "
             f"{store['single_records_per_s']:,.0f} records/s one transaction each. A node writes one\n"
             "batch every 50 ms (what its spool gathered), so the store's headroom over the node's\n"
             "call rate is the batched rate over the calls/s above.\n")
    md.write("The same on PostgreSQL (Debian's server on loopback, fsync on, started for the run): "
             f"{pg['batched_records_per_s']:,.0f} records/s in batches of {pg['batch']}, "
             f"{pg['single_records_per_s']:,.0f} records/s one transaction each.\n\n")
    md.write("Fairness: tenant `other` calls `add` at 4 connections, alone and while tenant `bench` floods\n"
             f"`sum` of a 20,000-number list at 64 connections (the last flood: {float(flood):,.0f} calls/s; "
             f"{int(flood_non2xx or 0):,} flood answers not 2xx in all), alternately, each row the median round.\n"
             "At full rate each connection sends its next call as its answer comes, so `other` alone\n"
             "saturates the node and beside the flood gets half of it; paced, each connection pauses\n"
             "1 ms between calls, a tenant using a fraction of the node.\n\n"
             "| other tenant | calls/s | p50 | p90 | p99 | p99 vs alone |\n| --- | ---: | ---: | ---: | ---: | ---: |\n")
    for load, prefix in (("full rate", "fairness"), ("paced", "fairness paced")):
        alone = fair[f"{prefix} alone"]
        for name, r in (("alone", alone), ("beside the flood", fair[f"{prefix} beside a flood"])):
            ratio = r["p99"] / alone["p99"] if r["p99"] and alone["p99"] else None
            md.write(f"| {load}, {name} | {r['rps']:,.0f} | {f(r['p50'])} | {f(r['p90'])} | {f(r['p99'])} | "
                     f"{'–' if ratio is None else f'{ratio:.2f}x'} |\n")
PY
cat "$work/out.md"
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "Cloud" "$work/out.md"
fi
