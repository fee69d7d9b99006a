#!/usr/bin/env bash
# Installs everything a fresh machine needs to build and test asterai: Debian packages, the
# Wasmtime C API (built once into the cache), and the guest toolchains. Idempotent and quiet
# when everything is already in place.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config git
  clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32 libc++-19-dev-wasm32 libc++abi-19-dev-wasm32
  clang-format-19
  libboost-dev libboost-system-dev libcurl4-openssl-dev libssl-dev libsqlite3-dev libsodium-dev
  nlohmann-json3-dev libcli11-dev libtomlplusplus-dev libexpected-dev libspdlog-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  nodejs npm python3 python3-venv
  hyperfine ccache curl
  # Rust guest components (docs/authoring.md): std is built for wasm32-wasip2 from its source.
  rustc-web cargo-web rust-web-src rust-web-llvm lld-22
)
# Extra packages other subsystems declare (one per line), e.g. scripts/registry/packages.txt.
for extra in "$here"/scripts/*/packages.txt; do
  [ -f "$extra" ] && mapfile -t -O "${#packages[@]}" packages < <(grep -v '^\s*#' "$extra" | grep -v '^\s*$')
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js and npm may come from outside Debian on some machines: accept what is on PATH.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The Wasmtime C API is built with rustup's cargo; Debian's cargo-web in /usr/bin is only for
# Rust guest components (asterai build calls it by that path).
host_cargo=$(command -v cargo || true)
if [ -z "$host_cargo" ] || [ "$(readlink -f "$host_cargo")" = /usr/bin/cargo ]; then
  echo "error: cargo from rustup is needed to build the Wasmtime C API; install it with rustup" >&2
  exit 1
fi

bash "$here/scripts/build-wasmtime.sh" >/dev/null
bash "$here/scripts/install-guest-tools.sh"
