#!/usr/bin/env bash
# Incoming HTTP (proxy components), one run, side by side with `wasmtime serve` of the
# Wasmtime version asterai embeds, with wrk (Debian's) on loopback:
#   bench/http/run.sh BUILD_DIR [--write-docs]
# The hello-world handler (tests/components/http-probe, GET /hello) on keep-alive connections:
# - asterai serve --listen with a 5 s timeout and a 64 MiB memory limit (metering is always
#   on), with its access log on stderr (to a file) and with --no-access-log;
# - wasmtime serve -Scli (its defaults: no timeout, no memory limit).
# Then a 256 MiB POST /echo through each, timed with curl. Each wrk run lasts
# BENCH_HTTP_SECONDS (5) with 2 threads. With --write-docs the table replaces the
# "## Incoming HTTP" section of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/http/run.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
probe="$build/components/http-probe.wasm"
require_built "$asterai" "$probe"
wasmtime=$(bash "$here/scripts/install-wasmtime-cli.sh")
seconds="${BENCH_HTTP_SECONDS:-5}"
wrk_bench_setup http
rows="$work/rows.jsonl"
head -c $((256 << 20)) /dev/zero >"$work/body"

# measure LABEL URL: the rows for one running server.
measure() {
  local label=$1 url=$2
  wait_up "$url/hello"
  for c in 4 64; do run "$label" "GET /hello" "$c" "$url/hello"; done
  curl -s -o /dev/null -w '%{time_total}\n' -X POST --data-binary @"$work/body" \
    -H 'content-type: application/octet-stream' "$url/echo" >"$work/echo-$label.txt"
  echo "$label: 256 MiB echo in $(cat "$work/echo-$label.txt") s" >&2
}

stop() { kill "$1" 2>/dev/null || true; wait "$1" 2>/dev/null || true; }

port=$(free_port)
"$asterai" serve --listen "127.0.0.1:$port" --timeout 5s --max-memory 64MiB --http-max-body 300MiB \
  "$probe" >/dev/null 2>"$work/access.log" &
pid=$!; pids+=($pid)
measure "asterai" "http://127.0.0.1:$port"
stop "$pid"

port=$(free_port)
"$asterai" serve --listen "127.0.0.1:$port" --timeout 5s --max-memory 64MiB --http-max-body 300MiB \
  --no-access-log "$probe" >/dev/null 2>"$work/serve.err" &
pid=$!; pids+=($pid)
measure "asterai --no-access-log" "http://127.0.0.1:$port"
stop "$pid"

port=$(free_port)
"$wasmtime" serve -Scli "--addr=127.0.0.1:$port" "$probe" >/dev/null 2>"$work/wasmtime.err" &
pid=$!; pids+=($pid)
measure "wasmtime serve" "http://127.0.0.1:$port"
stop "$pid"

python3 - "$rows" "$work" "$work/out.md" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)" \
  "$(date +%F)" "$seconds" "$("$wasmtime" --version)" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
work, out, cores, load, day, seconds, wt = sys.argv[2:]
peer = {r["connections"]: r["rps"] for r in rows if r["build"] == "wasmtime serve"}
def f(v):
    return "–" if v is None else f"{v:.2f} ms"
with open(out, "w") as md:
    md.write("## Incoming HTTP\n\n")
    md.write(f"`bench/http/run.sh BUILD_DIR --write-docs` on {day}: wrk (Debian, 2 threads, {seconds} s per\n"
             f"row, keep-alive) against the hello-world handler of tests/components/http-probe (`GET /hello`),\n"
             f"served by `asterai serve --listen` (5 s timeout, 64 MiB memory limit, metering; access log to\n"
             f"a file, or off) and by `wasmtime serve -Scli` ({wt}, its defaults: no limits), one after the\n"
             f"other on loopback. The machine has {cores} cores and wrk shares them with the server; load\n"
             f"average {load} at the end.\n\n")
    md.write("| server | connections | req/s | vs wasmtime serve | p50 | p90 | p99 | socket errors | non-2xx |\n"
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
    for r in rows:
        ratio = r["rps"] / peer[r["connections"]] if peer.get(r["connections"]) else None
        md.write(f"| {r['build']} | {r['connections']} | {r['rps']:,.0f} | "
                 f"{'–' if ratio is None else f'{ratio:.2f}x'} | {f(r['p50'])} | {f(r['p90'])} | "
                 f"{f(r['p99'])} | {r['errors']} | {r['non2xx']} |\n")
    md.write("\n256 MiB `POST /echo` (streamed back as it is read), one curl each:")
    for label in ("asterai", "asterai --no-access-log", "wasmtime serve"):
        t = float(open(f"{work}/echo-{label}.txt").read())
        md.write(f" {label} {t:.2f} s ({256 / t:.0f} MiB/s);")
    md.write("\n")
PY
cat "$work/out.md"
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "Incoming HTTP" "$work/out.md"
fi
