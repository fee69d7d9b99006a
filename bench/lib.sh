# Shared by the benchmark scripts: `source "$(dirname "$0")/.../bench/lib.sh"`.
# bench_args USAGE "$@"  sets here (repo root), build (absolute BUILD_DIR) and write_docs.
# require_built FILE...  stops with one line naming the first missing build output.
# wrk_bench_setup NAME   installs wrk if missing, makes $work (removed on exit, with the
#                        servers whose pids are in $pids) and defines free_port and wait_up.
bench_args() {
  local usage=$1
  shift
  here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
  [ $# -ge 1 ] || { echo "usage: $usage" >&2; exit 2; }
  build=$(cd "$1" 2>/dev/null && pwd) || { echo "no build folder $1 (usage: $usage)" >&2; exit 2; }
  write_docs="${2:-}"
}

require_built() {
  local f
  for f; do
    [ -e "$f" ] || { echo "missing $f: build first (scripts/build.sh)" >&2; exit 1; }
  done
}

# run BUILD NAME CONNECTIONS URL [wrk args]: one wrk run (2 threads, $seconds s), one JSON row
# appended to $rows (build, name, connections, rps, p50/p90/p99 in ms, errors, non2xx);
# $work holds wrk's output.
run() {
  local build=$1 name=$2 connections=$3 url=$4
  shift 4
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" "$url" >"$work/wrk.txt" 2>&1 || true
  python3 - "$build" "$name" "$connections" "$work/wrk.txt" >>"$rows" <<'PY'
import json, re, sys
build, name, connections, text = sys.argv[1], sys.argv[2], int(sys.argv[3]), open(sys.argv[4]).read()
def ms(v):
    m = re.match(r"([\d.]+)(us|ms|s)", v)
    return float(m[1]) * {"us": 1e-3, "ms": 1, "s": 1e3}[m[2]] if m else None
row = {"build": build, "name": name, "connections": connections}
m = re.search(r"Requests/sec:\s+([\d.]+)", text)
row["rps"] = float(m[1]) if m else 0
for p in ("50", "90", "99"):
    m = re.search(rf"^\s+{p}%\s+(\S+)", text, re.M)
    row["p" + p] = ms(m[1]) if m else None
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
row["errors"] = sum(map(int, m.groups())) if m else 0
m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
row["non2xx"] = int(m[1]) if m else 0
print(json.dumps(row))
PY
  tail -1 "$rows" >&2
}

wrk_bench_setup() {
  if ! command -v wrk >/dev/null; then
    echo "installing wrk (Debian package)" >&2
    apt-get install -y -qq wrk >/dev/null
  fi
  work=$(mktemp -d "${TMPDIR:-/tmp}/asterai-$1-bench.XXXXXX")
  pids=()
  trap wrk_bench_cleanup EXIT
}

wrk_bench_cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# wait_up URL: until the server answers (a minute at most: a first start compiles).
wait_up() {
  for _ in $(seq 1 600); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "no server at $1" >&2
  exit 1
}
