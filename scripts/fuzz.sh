#!/usr/bin/env bash
# The libFuzzer targets of tests/fuzz (docs/fuzzing.md), in their own clang-19 build tree
# (${ASTERAI_FUZZ_BUILD_DIR:-build-fuzz}, AddressSanitizer + UBSan).
#   scripts/fuzz.sh TARGET [SECONDS]   fuzz one target (default 300 s); new inputs go to the
#                                      build tree, the committed corpus is only read
#   scripts/fuzz.sh --smoke [SECONDS]  build every target and run each for SECONDS (default 20)
#                                      on the committed corpus; fails on any crash
#   scripts/fuzz.sh --list             the targets
# A crash leaves its input as BUILD/artifacts/TARGET/crash-*; replay it with
#   BUILD/tests/fuzz/TARGET BUILD/artifacts/TARGET/crash-…
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="${ASTERAI_FUZZ_BUILD_DIR:-$here/build-fuzz}"
fuzz_src="$here/tests/fuzz"
# ccache keys on paths relative to the checkout, so every clone (CI's fresh one too) reuses
# what another compiled; debug info then names the folder that compiled first.
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$here}" CCACHE_NOHASHDIR="${CCACHE_NOHASHDIR:-1}"
# One target per tests/fuzz/*_fuzz.cpp.
mapfile -t targets < <(cd "$fuzz_src" && ls -- *_fuzz.cpp | sed 's/\.cpp$//')

usage() { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

# The dictionary a target's inputs are written in, if any.
dict_for() {
  case "$1" in
    values_fuzz | oci_fuzz | mcp_session_fuzz | token_fuzz | signing_fuzz) echo "$fuzz_src/dict/json.dict" ;;
    serve_http_fuzz | registry_http_fuzz | cloud_node_fuzz) echo "$fuzz_src/dict/http.dict" ;;
    env_document_fuzz | policy_fuzz) echo "$fuzz_src/dict/toml.dict" ;;
    component_fuzz) echo "$fuzz_src/dict/wasm.dict" ;;
  esac
}

build_targets() {
  bash "$here/scripts/setup.sh"
  if [ ! -f "$build/build.ninja" ]; then
    # -O1 with assertions on: fast to build, and a broken invariant stops the run.
    CC=clang-19 CXX=clang++-19 cmake -S "$here" -B "$build" -G Ninja \
      -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
      -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" -DASTERAI_FUZZ=ON \
      -DASTERAI_GUEST_COMPONENTS=OFF -DASTERAI_WERROR=OFF >/dev/null
  fi
  cmake --build "$build" -j "${ASTERAI_FUZZ_JOBS:-$(nproc)}" --target "$@"
}

# Runs one target for $2 seconds; the committed corpus is the second (read-only) folder.
run_target() {
  local target=$1 seconds=$2
  local work="$build/corpus/$target" artifacts="$build/artifacts/$target"
  mkdir -p "$work" "$artifacts" "$fuzz_src/corpus/$target"
  local args=(-max_total_time="$seconds" -timeout=25 -rss_limit_mb=4096 -print_final_stats=1
              -artifact_prefix="$artifacts/")
  local dict
  dict=$(dict_for "$target")
  [ -n "$dict" ] && [ -f "$dict" ] && args+=(-dict="$dict")
  # Wasmtime handles wasm traps with its own signal handlers (as in .ci/run's ASan stage).
  ASAN_OPTIONS="handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:detect_leaks=1" \
    UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1" \
    "$build/tests/fuzz/$target" "${args[@]}" "$work" "$fuzz_src/corpus/$target"
}

case "${1:-}" in
  "" | -h | --help) usage ;;
  --list) printf '%s\n' "${targets[@]}" ;;
  --smoke)
    seconds=${2:-20}
    build_targets fuzz_targets
    failed=()
    for t in "${targets[@]}"; do
      echo "== fuzz smoke: $t (${seconds} s) =="
      log="$build/smoke-$t.log"
      if run_target "$t" "$seconds" >"$log" 2>&1; then
        grep -E '^#[0-9]+ +DONE|^stat::(number_of_executed_units|average_exec_per_sec)' "$log" || true
      else
        tail -n 60 "$log"
        failed+=("$t")
      fi
    done
    if [ ${#failed[@]} -gt 0 ]; then
      echo "fuzz smoke failed: ${failed[*]} (inputs in $build/artifacts/)" >&2
      exit 1
    fi
    ;;
  -*) usage ;;
  *)
    target=$1
    printf '%s\n' "${targets[@]}" | grep -qx "$target" || { echo "unknown target $target (--list)" >&2; exit 2; }
    build_targets "$target"
    run_target "$target" "${2:-300}"
    ;;
esac
