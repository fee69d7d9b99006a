# Shared by the benchmark scripts: `source "$(dirname "$0")/.../bench/lib.sh"`.
# bench_args USAGE "$@"  sets here (repo root), build (absolute BUILD_DIR) and write_docs.
# require_built FILE...  stops with one line naming the first missing build output.
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
