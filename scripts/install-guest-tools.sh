#!/usr/bin/env bash
# Installs the guest toolchains used to build test and example components, pinned, into the
# cache outside the work tree (Rust tools, Python venv) or an ignored folder (npm packages).
# Idempotent and quiet when everything is already there. Prints nothing on success.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cache_root="${ASTERAI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asterai}"
tools="$cache_root/tools"
mkdir -p "$tools"
# One installer at a time (several build folders may set up at once); the others wait, then
# find everything in place.
exec 8>"$tools/.lock"
flock 8

WASM_TOOLS_VERSION=1.263.0
WIT_BINDGEN_VERSION=0.63.0
COMPONENTIZE_PY_VERSION=0.25.1

cargo_tool() { # name version features binary
  local dir="$tools/$1-$2"
  [ -x "$dir/bin/$4" ] && return 0
  echo "installing $1 $2 (first time only)" >&2
  cargo install --quiet --locked --root "$dir" "$1@$2" --no-default-features --features "$3" >&2
}
cargo_tool wasm-tools "$WASM_TOOLS_VERSION" component,validate,print,parse,strip,metadata wasm-tools
cargo_tool wit-bindgen-cli "$WIT_BINDGEN_VERSION" c,cpp wit-bindgen

# npm: componentize-js (and, through it, jco with the WASI p1 reactor adapter) and typescript,
# installed into the cache keyed by the lock file, so `asterai build` finds them outside this
# repository too (tools/guest-npm). tools/guest/node_modules points there for the repo's scripts.
npm_key=$(cat "$here/tools/guest/package.json" "$here/tools/guest/package-lock.json" | sha256sum | cut -c1-12)
npm_dir="$tools/guest-npm-$npm_key"
if [ ! -f "$npm_dir/node_modules/.package-lock.json" ]; then
  echo "installing npm guest tools" >&2
  tmp=$(mktemp -d "$tools/.guest-npm.XXXXXX")
  cp "$here/tools/guest/package.json" "$here/tools/guest/package-lock.json" "$tmp/"
  (cd "$tmp" && npm ci --no-audit --no-fund --loglevel=error >&2)
  rm -rf "$npm_dir"
  mv "$tmp" "$npm_dir"
fi
ln -sfn "$npm_dir" "$tools/guest-npm"
link="$here/tools/guest/node_modules"
if [ "$(readlink "$link" 2>/dev/null)" != "$npm_dir/node_modules" ]; then
  rm -rf "$link"
  ln -s "$npm_dir/node_modules" "$link"
fi

# componentize-py in its own venv; optional: a failure is reported, not fatal.
venv="$tools/componentize-py-$COMPONENTIZE_PY_VERSION"
if [ ! -x "$venv/bin/componentize-py" ]; then
  echo "installing componentize-py $COMPONENTIZE_PY_VERSION (first time only)" >&2
  rm -rf "$venv"
  if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet "componentize-py==$COMPONENTIZE_PY_VERSION"; } >&2; then
    echo "warning: componentize-py could not be installed; Python components are skipped" >&2
    rm -rf "$venv"
  fi
fi
