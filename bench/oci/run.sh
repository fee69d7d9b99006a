#!/usr/bin/env bash
# Publish-and-pull benchmark against `asterai registry serve` on loopback (auth off):
#   bench/oci/run.sh BUILD_DIR [--write-docs]
# For the C and JavaScript kitchen-sink components: `asterai push`, `asterai pull` into an
# empty store, and `asterai call REF add 1 2` with an empty local store and compile cache
# (pull + compile + call) and with both warm. hyperfine, medians. With --write-docs the table
# replaces the "## Publish and pull" section of docs/benchmarks.md.
# While `asterai call` does not take references yet, the cold and warm rows time
# `asterai pull REF && asterai call <stored wasm> add 1 2`, which does the same work.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/oci/run.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
c="$build/components/kitchen-sink-c.wasm"
js="$build/components/kitchen-sink-js.wasm"
wit="$here/tests/components/kitchen-sink/wit"
require_built "$asterai" "$c" "$js"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/asterai-oci-bench.XXXXXX")
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
reg="127.0.0.1:$port"
"$asterai" registry --root "$work/registry" serve --listen "$reg" --no-auth >"$work/server.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://$reg/v2/" && break; sleep 0.1; done
export ASTERAI_HOME="$work/home" ASTERAI_CACHE_DIR="$work/cache" DOCKER_CONFIG="$work/docker" CI=1

rows=()
for lang in c js; do
  file="$build/components/kitchen-sink-$lang.wasm"
  ref="$reg/bench/kitchen-sink-$lang:1.0.0"
  size=$(stat -c %s "$file")
  stored="$ASTERAI_HOME/store/blobs/sha256/$(sha256sum "$file" | cut -d' ' -f1)"
  # Push: pushing the same version again is a no-op, so each run pushes a new version.
  echo 0 >"$work/n"
  hyperfine --style none --warmup 1 --runs 5 --export-json "$work/push-$lang.json" \
    "n=\$(( \$(cat $work/n) + 1 )); echo \$n >$work/n; $asterai push --wit $wit $file $reg/bench/push-$lang:0.0.\$n" >/dev/null
  "$asterai" push --wit "$wit" "$file" "$ref" >/dev/null
  hyperfine --style none --runs 5 --prepare "rm -rf $ASTERAI_HOME/store" \
    --export-json "$work/pull-$lang.json" "$asterai pull $ref" >/dev/null
  if [ "$("$asterai" call "$ref" add 1 2 2>/dev/null)" = 3 ]; then
    call="$asterai call $ref add 1 2"
    warm="$call"
    how="\`asterai call REF add 1 2\` (cold: it pulls; warm: the stored copy, no network)"
  else
    call="$asterai pull $ref >/dev/null && $asterai call $stored add 1 2"
    warm="$asterai call $stored add 1 2"
    how="\`asterai pull REF && asterai call STORED.wasm add 1 2\` (cold) and \`asterai call STORED.wasm add 1 2\` (warm: what \`call REF\` does on a store hit, minus reading index.json)"
  fi
  hyperfine --style none --runs 5 --prepare "rm -rf $ASTERAI_HOME/store $ASTERAI_CACHE_DIR" \
    --export-json "$work/cold-$lang.json" "$call" >/dev/null
  hyperfine --style none --warmup 1 --runs 10 --export-json "$work/warm-$lang.json" "$warm" >/dev/null
  rows+=("$lang $size")
done

python3 - "$work" "$how" "${rows[@]}" >"$work/section.md" <<'PY'
import json, sys
work, how, rows = sys.argv[1], sys.argv[2], sys.argv[3:]
def median_ms(name):
    r = json.load(open(f"{work}/{name}.json"))["results"][0]
    return r["median"] * 1000
print("## Publish and pull\n")
print("`bench/oci/run.sh BUILD_DIR --write-docs`: `asterai registry serve --no-auth` on 127.0.0.1, "
      "the kitchen-sink components, hyperfine medians (push and pull: 5 runs; cold: 5 runs, each "
      "with an empty local store and compile cache; warm: 10 runs). Push (compile cache warm) includes loading the "
      "component, building the tools document and pushing the manifest and "
      "both referrers; pull fetches the manifest, config, wasm and both referrers into an empty "
      "store.\n")
print(f"Cold and warm time {how}. Measured while other builds shared the 2 cores: the "
      "JavaScript cold time is dominated by compiling its 12 MB (SpiderMonkey) component.\n")
print("| component | size | push | pull (empty store) | call, cold (pull + compile + call) | call, warm |")
print("| --- | ---: | ---: | ---: | ---: | ---: |")
names = {"c": "C", "js": "JavaScript"}
for row in rows:
    lang, size = row.split()
    mib = int(size) / 1048576
    size_text = f"{mib:.1f} MiB" if mib >= 1 else f"{int(size) / 1024:.0f} KiB"
    print(f"| {names[lang]} | {size_text} | {median_ms('push-' + lang):.0f} ms | "
          f"{median_ms('pull-' + lang):.0f} ms | {median_ms('cold-' + lang):.0f} ms | "
          f"{median_ms('warm-' + lang):.0f} ms |")
PY
cat "$work/section.md"
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "Publish and pull" "$work/section.md"
fi
