#!/usr/bin/env bash
# Builds Wasmtime's C API (deps/wasmtime-capi) once into a cache outside the work tree and
# prints the install prefix (lib/ + include/). Idempotent: a cache hit does nothing.
# The key is a hash of the crate's manifest, lock file and sources, so a change to the
# pinned version, the features or our extensions produces a new entry.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
crate="$here/deps/wasmtime-capi"
cache_root="${ASTERAI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asterai}"
version=$(grep -A1 'name = "wasmtime-c-api-impl"' "$crate/Cargo.lock" | sed -n 's/version = "\(.*\)"/\1/p')
key=$(cat "$crate/Cargo.toml" "$crate/Cargo.lock" "$crate"/src/*.rs | sha256sum | cut -c1-16)
prefix="$cache_root/wasmtime/$version-$key"
if [ -f "$prefix/.complete" ]; then
  echo "$prefix"
  exit 0
fi
# The target dir lives in the cache too, so a changed extension recompiles only our crate.
target="$cache_root/wasmtime/target"
mkdir -p "$target"
# Builds of different keys share the target dir: hold a lock from the build to the copy, so
# one build's library is never copied under another's key.
exec 9>"$cache_root/wasmtime/.lock"
flock 9
if [ -f "$prefix/.complete" ]; then
  echo "$prefix"
  exit 0
fi
echo "building Wasmtime C API $version into the cache (the first build takes tens of minutes on 2 cores)" >&2
(cd "$crate" && CARGO_TARGET_DIR="$target" cargo build --release --locked --quiet >&2)
tmp=$(mktemp -d "$cache_root/wasmtime/.tmp.XXXXXX")
mkdir -p "$tmp/lib" "$tmp/include"
cp "$target/release/libasterai_wasmtime.a" "$tmp/lib/"
# The C API's build script installs the headers (with a generated conf.h) into its OUT_DIR.
inc=$(ls -td "$target"/release/build/wasmtime-c-api-impl-*/out/include | head -n 1)
cp -r "$inc"/. "$tmp/include/"
cp -r "$crate/include"/. "$tmp/include/" 2>/dev/null || true
echo "$version" >"$tmp/VERSION"
touch "$tmp/.complete"
rm -rf "$prefix"
mv "$tmp" "$prefix"
echo "$prefix"
