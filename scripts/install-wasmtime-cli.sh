#!/usr/bin/env bash
# Builds the wasmtime CLI of exactly the Wasmtime version asterai embeds into the cache,
# once, and prints the path of its binary. It is the peer the benchmarks and the
# `wasmtime serve` parity test measure asterai against: `run` (--invoke) and `serve`
# (wasi:http/proxy). Idempotent and quiet when it is there; the first build takes about
# 15 minutes on 2 cores. The cache entry is keyed by the version and the feature list.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache_root="${ASTERAI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asterai}"
version=$(grep -A1 'name = "wasmtime-c-api-impl"' "$here/deps/wasmtime-capi/Cargo.lock" |
  sed -n 's/version = "\(.*\)"/\1/p')
# serve needs component-model-async: wasmtime-cli 48's serve.rs uses its P3 types and the
# futures crate unconditionally, and does not compile without it.
features=run,serve,compile,cache,cranelift,component-model,component-model-async,pooling-allocator,parallel-compilation,wat
key=$(echo "$features" | sha256sum | cut -c1-8)
root="$cache_root/tools/wasmtime-cli-$version-$key"
if [ ! -x "$root/bin/wasmtime" ]; then
  mkdir -p "$cache_root/tools"
  exec 9>"$cache_root/tools/.wasmtime-cli.lock"
  flock 9
  if [ ! -x "$root/bin/wasmtime" ]; then
    echo "building wasmtime-cli $version into the cache (first time only, ~15 min)" >&2
    tmp=$(mktemp -d "$cache_root/tools/.wasmtime-cli.XXXXXX")
    cargo install --quiet --locked --root "$tmp" "wasmtime-cli@$version" --no-default-features \
      --features "$features" >&2
    rm -rf "$root"
    mv "$tmp" "$root"
  fi
fi
echo "$root/bin/wasmtime"
