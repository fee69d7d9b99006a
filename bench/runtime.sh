#!/usr/bin/env bash
# Runtime benchmarks, one run, side by side with the wasmtime CLI of the same version:
#   bench/runtime.sh BUILD_DIR [--write-docs]
# 1. In process (bench/runtime_bench.cpp, Google Benchmark, medians of 5 repetitions): fresh
#    store + instantiate + call + drop of `add` for the C and JavaScript components; loading
#    compiled code from the disk cache; the cost of epoch and fuel limits on CPU-bound code.
# 2. Whole process (hyperfine): `asterai call c.wasm add 1 2` with a warm and a cold compile
#    cache, against `wasmtime run --invoke 'add(1, 2)'` with its cache warm, precompiled
#    (.cwasm), and with its cache off.
# With --write-docs the tables replace the "## Runtime" and "## Limits" sections of
# docs/benchmarks.md. The wasmtime CLI comes from scripts/install-wasmtime-cli.sh.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
bench_args "bench/runtime.sh BUILD_DIR [--write-docs]" "$@"
cache_root="${ASTERAI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asterai}"

asterai="$build/src/asterai"
bench="$build/bench/runtime_bench"
c="$build/components/kitchen-sink-c.wasm"
js="$build/components/kitchen-sink-js.wasm"
require_built "$asterai" "$bench" "$c" "$js"
command -v hyperfine >/dev/null || { echo "hyperfine is missing: run scripts/setup.sh" >&2; exit 1; }

# The peer: the wasmtime CLI of exactly the version asterai embeds (built once into the cache).
wasmtime=$(bash "$here/scripts/install-wasmtime-cli.sh")
version=$("$wasmtime" --version | cut -d' ' -f2)

work=$(mktemp -d "${TMPDIR:-/tmp}/asterai-runtime-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "in-process benchmarks (a few minutes)" >&2
"$bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_out="$work/inproc.json" --benchmark_out_format=json \
  --benchmark_filter='BM_AddC_Pooling|BM_AddC_OnDemand|BM_AddJs_Pooling|BM_GreetC_Pooling|BM_LoadFromCache|BM_Limits' \
  >/dev/null

echo "whole-process benchmarks" >&2
export XDG_CACHE_HOME="$work/xdg" # wasmtime's own compile cache lives here, not in the user's
"$wasmtime" compile -o "$work/c.cwasm" "$c"
"$wasmtime" compile -o "$work/js.cwasm" "$js"
ours_warm=(--cache-dir "$work/ours")
"$asterai" call "${ours_warm[@]}" "$c" add 1 2 >/dev/null
"$asterai" call "${ours_warm[@]}" "$js" add 1 2 >/dev/null
"$wasmtime" run --invoke 'add(1, 2)' "$c" >/dev/null
"$wasmtime" run --invoke 'add(1, 2)' "$js" >/dev/null
hyperfine -N --style none --warmup 3 --runs 40 --export-json "$work/warm.json" \
  -n asterai-c "$asterai call ${ours_warm[*]} $c add 1 2" \
  -n wasmtime-c "$wasmtime run --invoke 'add(1, 2)' $c" \
  -n wasmtime-c-cwasm "$wasmtime run --allow-precompiled --invoke 'add(1, 2)' $work/c.cwasm" \
  -n asterai-js "$asterai call ${ours_warm[*]} $js add 1 2" \
  -n wasmtime-js "$wasmtime run --invoke 'add(1, 2)' $js" \
  -n wasmtime-js-cwasm "$wasmtime run --allow-precompiled --invoke 'add(1, 2)' $work/js.cwasm" \
  >/dev/null
hyperfine -N --style none --runs 5 --export-json "$work/cold.json" \
  -n asterai-c "$asterai call --no-cache $c add 1 2" \
  -n wasmtime-c "$wasmtime run -C cache=n --invoke 'add(1, 2)' $c" \
  -n asterai-js "$asterai call --no-cache $js add 1 2" \
  -n wasmtime-js "$wasmtime run -C cache=n --invoke 'add(1, 2)' $js" \
  >/dev/null

python3 - "$work" "$version" "$(nproc)" <<'PY'
import datetime, json, re, sys
work, version, cores = sys.argv[1:]
inproc = {}
for b in json.load(open(f"{work}/inproc.json"))["benchmarks"]:
    if b.get("aggregate_name") == "median":
        scale = {"ns": 1e-3, "us": 1.0, "ms": 1e3}[b["time_unit"]]
        name = re.sub(r"/min_time:[0-9.]+s?", "", b["run_name"])
        inproc[name] = b["real_time"] * scale  # microseconds
def runs(name):
    return {r["command"]: r["median"] * 1e3 for r in json.load(open(f"{work}/{name}.json"))["results"]}
warm, cold = runs("warm"), runs("cold")
us = lambda v: f"{v:,.1f} µs" if v < 1000 else f"{v / 1000:,.2f} ms"
ms = lambda v: f"{v:,.1f} ms"
day = datetime.date.today().isoformat()

rt = [
    "## Runtime", "",
    f"`bench/runtime.sh` on {day}, {cores} cores, Wasmtime {version} inside asterai and as the",
    f"wasmtime CLI {version} (scripts/install-wasmtime-cli.sh: crates.io, `run,serve,compile,cache,cranelift,...`).",
    "Medians. In process: Google Benchmark, 5 repetitions; whole process: hyperfine, 40 runs warm and",
    "5 cold. The kitchen-sink components come from `tests/components` (C: wasi-libc + wit-bindgen,",
    "JavaScript: componentize-js).", "",
    "### In process: fresh store + instantiate + call + drop", "",
    "| operation | median | target |", "|---|---|---|",
    f"| C `add(s32, s32)`, pooling allocator, compiled code cached | {us(inproc['BM_AddC_Pooling'])} | ≤ 25 µs |",
    f"| C `add`, on-demand allocation (no pooling) | {us(inproc['BM_AddC_OnDemand'])} | |",
    f"| C `values/greet(record)` -> string, pooling | {us(inproc['BM_GreetC_Pooling'])} | |",
    f"| JavaScript `add`, pooling | {us(inproc['BM_AddJs_Pooling'])} | ≤ 1 ms |",
    f"| load compiled C component from the disk cache | {us(inproc['BM_LoadFromCache/c'])} | |",
    f"| load compiled JavaScript component from the disk cache | {us(inproc['BM_LoadFromCache/js'])} | |",
    "",
    "The wasmtime CLI has no in-process mode to compare with; the whole-process table below is the",
    "side-by-side measure.", "",
    "### Whole process: `add 1 2` from the command line", "",
    "| command | asterai `call` | wasmtime `run --invoke` | asterai / wasmtime |", "|---|---|---|---|",
]
for lang in ("c", "js"):
    name = "C" if lang == "c" else "JavaScript"
    a, w, p = warm[f"asterai-{lang}"], warm[f"wasmtime-{lang}"], warm[f"wasmtime-{lang}-cwasm"]
    rt.append(f"| {name}, warm compile cache (target ≤ 20 ms for C) | {ms(a)} | {ms(w)} | {a / w:.2f}× |")
    rt.append(f"| {name}, warm: wasmtime on a precompiled `.cwasm` | {ms(a)} | {ms(p)} | {a / p:.2f}× |")
    a, w = cold[f"asterai-{lang}"], cold[f"wasmtime-{lang}"]
    rt.append(f"| {name}, cold: no compile cache (compile every time) | {ms(a)} | {ms(w)} | {a / w:.2f}× |")
open(f"{work}/runtime.md", "w").write("\n".join(rt) + "\n")

lim = [
    "## Limits", "",
    f"`bench/runtime.sh` on {day} (same run as Runtime): the cost of limits on CPU-bound guest code,",
    "one engine per mode, each a fresh instance per call. `count`: a 50,000,000-iteration loop with a",
    "64-bit LCG; `fib`: naive recursive Fibonacci(30) (1.6 million calls). Epoch checks sit at loop",
    "headers and function entries; fuel adds a counter update per basic block.", "",
    "| workload | no interruption | epoch deadline (default) | fuel metering | epoch / none | fuel / none |",
    "|---|---|---|---|---|---|",
]
for w in ("count", "fib"):
    n, e, f = (inproc[f"BM_Limits/{w}_{m}"] for m in ("none", "epoch", "fuel"))
    lim.append(f"| `{w}` | {us(n)} | {us(e)} | {us(f)} | {e / n:.3f}× | {f / n:.3f}× |")
lim += ["", "Target: epoch ≤ 1.10×. Fuel is off unless a call asks for a CPU budget (`--fuel`)."]
open(f"{work}/limits.md", "w").write("\n".join(lim) + "\n")
PY
cat "$work/runtime.md" "$work/limits.md"
if [[ "$write_docs" == "--write-docs" ]]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" Runtime "$work/runtime.md"
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" Limits "$work/limits.md"
  echo "wrote the Runtime and Limits sections of docs/benchmarks.md" >&2
fi
