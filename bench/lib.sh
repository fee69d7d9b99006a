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
