#!/usr/bin/env bash
# Component size, build time and per-call latency per language, on one WIT interface
# (examples/text-tools in C, C++, JavaScript, Python, Rust and Go, and Go pre-initialized):
#   bench/authoring.sh BUILD_DIR [--write-docs]
# Three build times per language, each by `asterai build` on a copy of the example:
#   cold   — the toolchains' own caches empty: a fresh shared Rust target folder (std compiled
#            from source) and a fresh Go build cache; crates already downloaded;
#   first  — a project's first build (--force) with those caches warm;
#   edit   — the build after a one-line change to the main source file.
# With --write-docs the table replaces the "## Authoring" section of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_args "bench/authoring.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
latency="$build/bench/call-latency"
require_built "$asterai" "$latency"
work=$(mktemp -d "${TMPDIR:-/tmp}/asterai-authoring-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

cache_root="${ASTERAI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asterai}"
# The cold cache shares the installed tools but nothing compiled.
mkdir -p "$work/cold-cache"
ln -s "$cache_root/tools" "$work/cold-cache/tools"
cp -r "$here/examples/text-tools" "$work/text-tools"
# Go once more with the runtime pre-initialized at build time (asterai.toml `preinit`).
cp -r "$work/text-tools/go" "$work/text-tools/go-preinit"
echo "preinit = true" >>"$work/text-tools/go-preinit/asterai.toml"

seconds() { python3 -c 'import json,sys; print("%.1f" % json.loads(sys.argv[1])["seconds"])' "$1"; }

text='"The quick brown fox jumps over the lazy dog. The dog sleeps; the fox runs."'
rows="$work/rows.tsv"
: >"$rows"
for lang in c cpp js python rust go go-preinit; do
  echo "text-tools/$lang" >&2
  project="$work/text-tools/$lang"
  cold=$(ASTERAI_CACHE_DIR="$work/cold-cache" GOCACHE="$work/go-cache" \
    "$asterai" build "$project" --out-dir "$work/out-cold-$lang" --json --force)
  first=$("$asterai" build "$project" --out-dir "$work/out-$lang" --json --force)
  source_file=$(find "$project/src" -type f | sort | head -1)
  case "$source_file" in *.py) echo "# edited" ;; *) echo "// edited" ;; esac >>"$source_file"
  edit=$("$asterai" build "$project" --out-dir "$work/out-$lang" --json)
  wasm=$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["output"])' "$edit")
  stats=$("$latency" "$wasm" text/stats "[$text]" 2000)
  top=$("$latency" "$wasm" text/top-words "[$text, 3]" 2000)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$lang" "$(seconds "$cold")" "$(seconds "$first")" \
    "$(seconds "$edit")" "$stats" "$top" "$(stat -c %s "$wasm")" >>"$rows"
done

# examples/http-fetch: sizes only (its calls need a server).
for lang in c js rust; do
  echo "http-fetch/$lang" >&2
  "$asterai" build "$here/examples/http-fetch/$lang" --out-dir "$work/http-fetch" -q >/dev/null
done

rustc_version=$(/usr/bin/rustc --version | cut -d' ' -f2)
go_version=$(go env GOVERSION | sed 's/^go//')
python3 - "$rows" "$(nproc)" "$rustc_version" "$go_version" "$work/http-fetch" >"$work/section.md" <<'PY'
import datetime, json, os, sys
rows, cores, rustc, go, http_fetch = sys.argv[1:]
def shown(size):
    return f"{size / 1024:.1f} KiB" if size < 1 << 20 else f"{size / (1 << 20):.1f} MiB"
names = {"c": "C", "cpp": "C++", "js": "JavaScript", "python": "Python", "rust": "Rust", "go": "Go",
         "go-preinit": "Go, `preinit = true`"}
tools = {"c": "clang-19 + wasi-libc + wit-bindgen", "cpp": "clang++-19 + libc++ + wit-bindgen",
         "js": "componentize-js 0.23", "python": "componentize-py 0.25",
         "rust": f"Debian rustc {rustc} (-Zbuild-std) + wit-bindgen 0.63",
         "go": f"Go {go} (wasip1) + wit-bindgen go 0.63 + wasm-tools",
         "go-preinit": "the same + `wasmtime wizer` (Wasmtime 48.0.8)"}
print("## Authoring")
print()
print(f"`bench/authoring.sh` on {datetime.date.today().isoformat()}, {cores} cores: the six builds of")
print("`examples/text-tools` (one WIT interface) by `asterai build`, and the in-process latency of a")
print("call (fresh store + instantiate + call + drop, pooling allocator, compiled code cached; median and")
print("p90 of 2,000 calls after 200 warm-up calls) on a 75-character sentence. Build times: *cold* with")
print("the toolchains' caches empty (Rust: a fresh shared target folder, so std is compiled from source;")
print("Go: a fresh build cache; crates and tools already downloaded), once per machine; *first*, a")
print("project's first build with those caches warm (`--force`); *edit*, after a one-line change.")
print()
print("| language | toolchain | component size | build: cold / first / edit | `text/stats` median (p90) | `text/top-words` median (p90) |")
print("|---|---|---|---|---|---|")
for line in open(rows):
    lang, cold, first, edit, stats, top, size = line.rstrip("\n").split("\t")
    s, t = json.loads(stats), json.loads(top)
    print(f"| {names[lang]} | {tools[lang]} | {shown(int(size))} | {cold} / {first} / {edit} s | {s['median_us']:.0f} µs ({s['p90_us']:.0f}) | {t['median_us']:.0f} µs ({t['p90_us']:.0f}) |")
print()
print("What JavaScript and Python cost: their components carry an interpreter (SpiderMonkey; CPython)")
print("and its initialized heap, so each fresh instance starts from a multi-megabyte memory image:")
print("instantiation dominates their latency, where a C, C++ or Rust call is a few microseconds of work.")
print("Go's component carries the Go runtime, and every fresh instance runs `_initialize`, which starts")
print("it (heap, scheduler, garbage collector) before the call; with `preinit = true` the build snapshots")
print("the started runtime, and an instance only reads its environment again before the call.")
print()
sizes = {lang: shown(os.path.getsize(f"{http_fetch}/http-fetch-{lang}.wasm")) for lang in ("c", "js", "rust")}
print(f"`examples/http-fetch` (outgoing `wasi:http`), built in the same run: C {sizes['c']} (it carries its")
print(f"own SHA-256), JavaScript (`fetch()` + `crypto.subtle`) {sizes['js']}, Rust (`sha2`) {sizes['rust']}.")
PY
cat "$work/section.md"
if [[ "$write_docs" == "--write-docs" ]]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" Authoring "$work/section.md"
  echo "wrote the Authoring section of docs/benchmarks.md" >&2
fi
