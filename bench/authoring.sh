#!/usr/bin/env bash
# Component size and per-call latency per language, on one WIT interface (examples/text-tools
# in C, C++, JavaScript and Python) plus the init templates' `greet`:
#   bench/authoring.sh BUILD_DIR [--write-docs]
# With --write-docs the table replaces the "## Authoring" section of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_args "bench/authoring.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
latency="$build/bench/call-latency"
require_built "$asterai" "$latency"
work=$(mktemp -d "${TMPDIR:-/tmp}/asterai-authoring-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

text='"The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs."'
rows="$work/rows.tsv"
: >"$rows"
for lang in c cpp js python; do
  echo "text-tools/$lang" >&2
  out=$("$asterai" build "$here/examples/text-tools/$lang" --out-dir "$work/$lang" --json --force)
  wasm=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["output"])' "$out")
  secs=$(python3 -c 'import json,sys; print("%.1f" % json.loads(sys.argv[1])["seconds"])' "$out")
  stats=$("$latency" "$wasm" text/stats "[$text]" 2000)
  top=$("$latency" "$wasm" text/top-words "[$text, 3]" 2000)
  printf '%s\t%s\t%s\t%s\t%s\n' "$lang" "$secs" "$stats" "$top" "$(stat -c %s "$wasm")" >>"$rows"
done

python3 - "$rows" "$(nproc)" >"$work/section.md" <<'PY'
import datetime, json, sys
rows, cores = sys.argv[1:]
names = {"c": "C", "cpp": "C++", "js": "JavaScript", "python": "Python"}
tools = {"c": "clang-19 + wasi-libc + wit-bindgen", "cpp": "clang++-19 + libc++ + wit-bindgen",
         "js": "componentize-js 0.23", "python": "componentize-py 0.25"}
print("## Authoring")
print()
print(f"`bench/authoring.sh` on {datetime.date.today().isoformat()}, {cores} cores: the four builds of")
print("`examples/text-tools` (one WIT interface) by `asterai build`, and the in-process latency of a")
print("call (fresh store + instantiate + call + drop, pooling allocator, compiled code cached; median and")
print("p90 of 2,000 calls after 200 warm-up calls) on a 75-character sentence.")
print()
print("| language | toolchain | component size | build time | `text/stats` median (p90) | `text/top-words` median (p90) |")
print("|---|---|---|---|---|---|")
for line in open(rows):
    lang, secs, stats, top, size = line.rstrip("\n").split("\t")
    s, t = json.loads(stats), json.loads(top)
    size = int(size)
    shown = f"{size / 1024:.0f} KiB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MiB"
    print(f"| {names[lang]} | {tools[lang]} | {shown} | {secs} s | {s['median_us']:.0f} µs ({s['p90_us']:.0f}) | {t['median_us']:.0f} µs ({t['p90_us']:.0f}) |")
print()
print("What JavaScript and Python cost: their components carry an interpreter (SpiderMonkey; CPython)")
print("and its initialized heap, so each fresh instance starts from a multi-megabyte memory image:")
print("instantiation dominates their latency, where a C or C++ call is a few microseconds of work.")
PY
cat "$work/section.md"
if [[ "$write_docs" == "--write-docs" ]]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" Authoring "$work/section.md"
  echo "wrote the Authoring section of docs/benchmarks.md" >&2
fi
