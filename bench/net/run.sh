#!/usr/bin/env bash
# The network layer under load, with wrk (Debian's; installed if missing) on loopback:
#   bench/net/run.sh BUILD_DIR [--write-docs]
# 1. `asterai serve --listen` with the C kitchen-sink component: GET /healthz (64
#    connections) and POST /v1/call of `add` (4, 64 and 512 keep-alive connections).
# 2. `asterai registry serve --no-auth`: GET /v2/ and GET of a 1 KiB blob (64 connections).
# 3. 10,000 half-open connections (headers never finished, from 127.0.0.2-11) held against
#    `serve` while wrk measures /healthz from 127.0.0.1; then whether the header deadline
#    closed them.
# Each wrk run lasts BENCH_NET_SECONDS (5) with 2 threads. With --write-docs the table
# replaces the "## Network" section of docs/benchmarks.md.
# ASTERAI_NET_BASELINE=OTHER_BUILD_DIR measures that build's binary too, in the same run and
# the same way (e.g. a build of an earlier commit), as rows of its own; ASTERAI_NET_BASELINE_NAME
# says in the table what that build is.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/net/run.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
component="$build/components/kitchen-sink-c.wasm"
require_built "$asterai" "$component"
seconds="${BENCH_NET_SECONDS:-5}"
wrk_bench_setup net
ulimit -n "$(ulimit -Hn)"

cat >"$work/call.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"tool":"ks_add","arguments":{"a":1,"b":2}}'
wrk.headers["Content-Type"] = "application/json"
LUA
rows="$work/rows.jsonl"
# stop_server LABEL WHAT PID: stops a server; one that had already exited is reported.
stop_server() {
  if kill "$3" 2>/dev/null; then
    wait "$3" 2>/dev/null || true
  else
    wait "$3" 2>/dev/null && rc=0 || rc=$?
    echo "$1: $2 had exited during the run (status $rc)" | tee -a "$work/exited.txt" >&2
  fi
}

# measure LABEL BINARY: every row below, for one asterai binary.
measure() {
  local label=$1 bin=$2
  # --- asterai serve --listen -----------------------------------------------------------------
  "$bin" call "$component" add 1 2 >/dev/null  # compiled once, into the cache
  "$bin" serve --listen "127.0.0.1:0" "ks=$component" >"$work/serve.out" 2>"$work/serve.err" &
  local serve_pid=$!
  pids+=($serve_pid)
  for _ in $(seq 1 200); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  serve=$(sed -n 's|.*listening on \(http://[^ ]*\).*|\1|p' "$work/serve.out")
  [ -n "$serve" ] || { echo "asterai serve did not start: $(cat "$work/serve.err")" >&2; exit 1; }
  wait_up "$serve/healthz"
  run "$label" "serve GET /healthz" 64 "$serve/healthz"
  for c in 4 64 512; do
    run "$label" "serve POST /v1/call (add)" "$c" "$serve/v1/call" -s "$work/call.lua"
  done

  # --- 10,000 half-open connections against serve ---------------------------------------------
  port=${serve##*:}
  coproc HALF { python3 "$here/bench/net/half_open.py" "$port" 10000 1000; }
  read -r opened <&"${HALF[0]}"
  run "$label" "serve GET /healthz, 10,000 half-open held" 64 "$serve/healthz"
  echo >&"${HALF[1]}"
  read -r during <&"${HALF[0]}"
  sleep 12  # past the 10 s header deadline
  echo >&"${HALF[1]}"
  read -r after <&"${HALF[0]}"
  exec {HALF[1]}>&-
  python3 -c 'import json, sys
o, d, a = (json.loads(x) for x in sys.argv[1:])
print(json.dumps({"opened": o["opened"], "held": d["open"], "after_deadline": a["open"]}))' \
    "$opened" "$during" "$after" >"$work/half-$label.json"
  cat "$work/half-$label.json" >&2

  # --- asterai registry serve -----------------------------------------------------------------
  reg="127.0.0.1:$(free_port)"
  stop_server "$label" "asterai serve" "$serve_pid"
  "$bin" registry --root "$work/registry-$label" serve --listen "$reg" --no-auth >"$work/reg.log" 2>&1 &
  local reg_pid=$!
  pids+=($reg_pid)
  wait_up "http://$reg/v2/"
  head -c 1024 /dev/urandom >"$work/blob"
  digest="sha256:$(sha256sum "$work/blob" | cut -d' ' -f1)"
  loc=$(curl -sf -D - -o /dev/null -X POST "http://$reg/v2/bench/net/blobs/uploads/" | tr -d '\r' |
    awk -F': ' 'tolower($1)=="location"{print $2}')
  [[ "$loc" == http* ]] || loc="http://$reg$loc"
  curl -sf -o /dev/null -X PUT -H "Content-Type: application/octet-stream" --data-binary @"$work/blob" \
    "$loc$([[ "$loc" == *\?* ]] && echo '&' || echo '?')digest=$digest"
  run "$label" "registry GET /v2/" 64 "http://$reg/v2/"
  run "$label" "registry GET 1 KiB blob" 64 "http://$reg/v2/bench/net/blobs/$digest"
  stop_server "$label" "asterai registry serve" "$reg_pid"
}

measure asterai "$asterai"
if [ -n "${ASTERAI_NET_BASELINE:-}" ]; then
  require_built "$ASTERAI_NET_BASELINE/src/asterai"
  measure baseline "$ASTERAI_NET_BASELINE/src/asterai"
fi

python3 - "$rows" "$work" "$work/out.md" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" \
  "$(date +%F)" "$seconds" "${ASTERAI_NET_BASELINE_NAME:-}" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
work, out, cores, load, day, seconds, baseline = sys.argv[2:]
builds = [b for b in ("asterai", "baseline") if any(r["build"] == b for r in rows)]
def f(v):
    return "–" if v is None else f"{v:.2f} ms"
with open(out, "w") as md:
    md.write("## Network\n\n")
    md.write(f"`bench/net/run.sh BUILD_DIR --write-docs` on {day}: wrk (Debian, 2 threads, {seconds} s per row)\n"
             f"against `asterai serve --listen` (C kitchen-sink `add`) and `asterai registry serve --no-auth`\n"
             f"on loopback. The machine has {cores} cores and wrk shares them with the server; load average\n"
             f"{load} at the end of the run.")
    if "baseline" in builds:
        md.write(f" Rows marked *baseline* are another build ({baseline or 'ASTERAI_NET_BASELINE'}),\n"
                 "measured in the same run the same way.")
    md.write("\n\n| build | server, request | connections | req/s | p50 | p90 | p99 | socket errors | non-2xx |\n"
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in sorted(rows, key=lambda r: builds.index(r["build"])):
        md.write(f"| {r['build']} | {r['name']} | {r['connections']} | {r['rps']:,.0f} | {f(r['p50'])} | "
                 f"{f(r['p90'])} | {f(r['p99'])} | {r['errors']} | {r['non2xx']} |\n")
    for b in builds:
        half = json.load(open(os.path.join(work, f"half-{b}.json")))
        md.write(f"\nHalf-open ({b}): {half['opened']:,} connections sent a request line and one header\n"
                 f"and stopped; {half['held']:,} were still held when the wrk run beside them ended, and\n"
                 f"{half['after_deadline']:,} were left 12 s later"
                 + (" (the 10 s header deadline closes them).\n" if b == "asterai" else ".\n"))
    exited = os.path.join(work, "exited.txt")
    if os.path.exists(exited):
        md.write("\n" + "".join(f"- {line}" for line in open(exited)))
PY
cat "$work/out.md"
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "Network" "$work/out.md"
fi
