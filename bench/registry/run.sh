#!/usr/bin/env bash
# Side-by-side registry benchmark on loopback, same machine, same data, one run:
# asterai (`registry serve --no-auth`) vs Debian's docker-registry (distribution 2.8).
#   bench/registry/run.sh BUILD_DIR [--write-docs]
# Measures blob push/pull throughput (1 MiB and 100 MiB blobs) and manifest GET latency at
# a fixed offered load; with --write-docs the table replaces the "## Registry" section of
# docs/benchmarks.md.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$HERE/../.." && pwd)"
BUILD="${1:?usage: run.sh BUILD_DIR [--write-docs]}"
WRITE_DOCS="${2:-}"
source "$REPO_ROOT/scripts/registry/tools.sh"
registry_tools_install docker-registry
LOAD="$BUILD/bench/registry/registry-load"
OURS="${ASTERAI_REGISTRY_BIN:-$BUILD/tests/registry/asterai-registry}"
RATE="${BENCH_MANIFEST_RPS:-1000}"
SECONDS_PER_RUN="${BENCH_MANIFEST_SECONDS:-10}"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/asterai-registry-bench.XXXXXX")"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 1 100); do curl -s -o /dev/null "http://$1/v2/" && return 0; sleep 0.1; done; return 1; }

P_OURS="127.0.0.1:$(free_port)"
"$OURS" registry --root "$WORK/ours" serve --listen "$P_OURS" --no-auth >"$WORK/ours.log" 2>&1 &
PIDS+=($!)
P_DIST="127.0.0.1:$(free_port)"
cat >"$WORK/distribution.yml" <<YAML
version: 0.1
log: {level: error, accesslog: {disabled: true}}
storage:
  filesystem: {rootdirectory: $WORK/distribution}
  delete: {enabled: true}
http:
  addr: $P_DIST
YAML
docker-registry serve "$WORK/distribution.yml" >"$WORK/distribution.log" 2>&1 &
PIDS+=($!)
wait_up "$P_OURS" && wait_up "$P_DIST" || { echo "a registry did not start" >&2; exit 1; }

field() { python3 -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

# push_manifest TARGET REPO → pushes {} config + one layer + manifest tagged "bench".
push_manifest() {
  local t="$1" repo="$2" layer="$WORK/digests-$3-1m"
  local cfg='{}'
  local cd="sha256:$(printf '%s' "$cfg" | sha256sum | cut -d' ' -f1)"
  local loc; loc="$(curl -sf -D - -o /dev/null -X POST "http://$t/v2/$repo/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')"
  [[ "$loc" == http* ]] || loc="http://$t$loc"
  curl -sf -o /dev/null -X PUT -H "Content-Type: application/octet-stream" --data-binary "$cfg" "$loc$([[ "$loc" == *\?* ]] && echo '&' || echo '?')digest=$cd"
  local ld; ld="$(head -1 "$layer")"
  curl -sf -o /dev/null -X POST "http://$t/v2/$repo/blobs/uploads/?mount=$ld&from=bench/blobs1m" || true
  local m="{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"$cd\",\"size\":2},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"$ld\",\"size\":1048576}]}"
  curl -sf -o /dev/null -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" --data-binary "$m" \
    "http://$t/v2/$repo/manifests/bench"
}

declare -A R
for name in ours dist; do
  t="$P_OURS"; [[ $name == dist ]] && t="$P_DIST"
  out="$("$LOAD" push --target "$t" --repo bench/blobs1m --size 1048576 --count 200 --concurrency 8 --seed 1 --digests "$WORK/digests-$name-1m")"
  R[$name,push1]="$(field "$out" mib_per_s)"
  out="$("$LOAD" pull --target "$t" --repo bench/blobs1m --digests "$WORK/digests-$name-1m" --concurrency 8 --repeat 3)"
  R[$name,pull1]="$(field "$out" mib_per_s)"
  out="$("$LOAD" push --target "$t" --repo bench/blobs100m --size 104857600 --count 6 --concurrency 2 --seed 2 --digests "$WORK/digests-$name-100m")"
  R[$name,push100]="$(field "$out" mib_per_s)"
  out="$("$LOAD" pull --target "$t" --repo bench/blobs100m --digests "$WORK/digests-$name-100m" --concurrency 2 --repeat 2)"
  R[$name,pull100]="$(field "$out" mib_per_s)"
  push_manifest "$t" bench/app "$name"
  out="$("$LOAD" manifest --target "$t" --path /v2/bench/app/manifests/bench --rate "$RATE" --seconds "$SECONDS_PER_RUN" --connections 16)"
  R[$name,rps]="$(field "$out" achieved_rps)"; R[$name,p50]="$(field "$out" p50_ms)"
  R[$name,p99]="$(field "$out" p99_ms)"; R[$name,max]="$(field "$out" max_ms)"; R[$name,err]="$(field "$out" errors)"
done

ratio() { python3 -c "print(f'{float(\"$1\")/float(\"$2\"):.2f}x')"; }
TABLE="$WORK/table.md"
{
  echo "## Registry"
  echo
  echo "\`bench/registry/run.sh\` on $(date -u +%Y-%m-%d), $(nproc) cores, loopback, both servers in one run on"
  echo "the same disk, no auth on either. asterai fsyncs every blob and manifest and commits SQLite with"
  echo "synchronous=FULL before answering; distribution 2.8 does not fsync. Load: \`registry-load\` (C++,"
  echo "keep-alive connections); manifest GETs are open-loop at a fixed offered rate, latency measured from each"
  echo "request's scheduled send time."
  echo
  echo "| measure | asterai | distribution 2.8 (Debian docker-registry) | asterai / distribution |"
  echo "|---|---|---|---|"
  echo "| push 1 MiB blobs (200, 8 clients), MiB/s | ${R[ours,push1]} | ${R[dist,push1]} | $(ratio "${R[ours,push1]}" "${R[dist,push1]}") |"
  echo "| pull 1 MiB blobs (600, 8 clients), MiB/s | ${R[ours,pull1]} | ${R[dist,pull1]} | $(ratio "${R[ours,pull1]}" "${R[dist,pull1]}") |"
  echo "| push 100 MiB blobs (6, 2 clients), MiB/s | ${R[ours,push100]} | ${R[dist,push100]} | $(ratio "${R[ours,push100]}" "${R[dist,push100]}") |"
  echo "| pull 100 MiB blobs (12, 2 clients), MiB/s | ${R[ours,pull100]} | ${R[dist,pull100]} | $(ratio "${R[ours,pull100]}" "${R[dist,pull100]}") |"
  echo "| manifest GET at $RATE req/s offered: achieved req/s | ${R[ours,rps]} | ${R[dist,rps]} | |"
  echo "| manifest GET p50 latency, ms | ${R[ours,p50]} | ${R[dist,p50]} | |"
  echo "| manifest GET p99 latency, ms | ${R[ours,p99]} | ${R[dist,p99]} | |"
  echo "| manifest GET max latency, ms | ${R[ours,max]} | ${R[dist,max]} | |"
  echo "| errors during the manifest run | ${R[ours,err]} | ${R[dist,err]} | |"
} >"$TABLE"
cat "$TABLE"

if [[ "$WRITE_DOCS" == "--write-docs" ]]; then
  python3 "$REPO_ROOT/bench/write_section.py" "$REPO_ROOT/docs/benchmarks.md" Registry "$TABLE"
  echo "wrote the Registry section of docs/benchmarks.md"
fi
