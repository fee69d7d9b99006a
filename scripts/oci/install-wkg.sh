#!/usr/bin/env bash
# Installs wkg (the Wasm package tool, crates.io) into the tool cache, keyed by version, and
# prints its path. Idempotent: quiet and instant once built. The build is niced (it takes many
# minutes on 2 cores), so CI does not depend on it: scripts/oci/interop.sh uses wkg only when
# this has been run before (or ASTERAI_WKG points at a wkg binary).
set -euo pipefail
WKG_VERSION=0.16.1
tools="${ASTERAI_CACHE_DIR:-$HOME/.cache/asterai}/tools"
dir="$tools/wkg-$WKG_VERSION"
if [ ! -x "$dir/bin/wkg" ]; then
  echo "installing wkg $WKG_VERSION into $dir (first time only; a long build)" >&2
  mkdir -p "$tools"
  # Into a temporary root, renamed when complete: an interrupted build leaves no half install.
  tmp="$dir.tmp.$$"
  trap 'rm -rf "$tmp"' EXIT
  nice -n 19 cargo install --quiet --locked --root "$tmp" "wkg@$WKG_VERSION" >&2
  rm -rf "$dir"
  mv "$tmp" "$dir"
  trap - EXIT
fi
echo "$dir/bin/wkg"
