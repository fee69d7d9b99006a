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

cargo_tool() { # name version features binary [a subcommand the binary must have]
  local dir="$tools/$1-$2"
  if [ -x "$dir/bin/$4" ] && { [ -z "${5:-}" ] || "$dir/bin/$4" "$5" --help >/dev/null 2>&1; }; then
    return 0
  fi
  echo "installing $1 $2 (first time only)" >&2
  cargo install --quiet --locked --force --root "$dir" "$1@$2" --no-default-features --features "$3" >&2
}
cargo_tool wasm-tools "$WASM_TOOLS_VERSION" component,validate,print,parse,strip,metadata wasm-tools
cargo_tool wit-bindgen-cli "$WIT_BINDGEN_VERSION" c,cpp,go wit-bindgen go

# Go components: the generated bindings import the Go module go.bytecodealliance.org/pkg, which
# the Go module proxy refuses; the same module ships inside the wit-bindgen-go crate of the
# generator's version. It is copied out of cargo's registry cache (cargo metadata fetches the
# crate) with its `go` line set to the installed Go, as it asks for a newer one; `asterai build`
# points a `replace` directive at the copy.
go_pkg="$tools/go-wit-pkg-$WIT_BINDGEN_VERSION"
if [ ! -f "$go_pkg/go.mod" ]; then
  if command -v go >/dev/null; then
    probe=$(mktemp -d "$tools/.go-wit-pkg.XXXXXX")
    mkdir -p "$probe/src" && touch "$probe/src/lib.rs"
    printf '[package]\nname = "probe"\nversion = "0.0.0"\nedition = "2021"\n[dependencies]\nwit-bindgen-go = "=%s"\n[workspace]\n' \
      "$WIT_BINDGEN_VERSION" >"$probe/Cargo.toml"
    crate=$(cargo metadata --quiet --format-version 1 --manifest-path "$probe/Cargo.toml" |
      python3 -c 'import json, sys; print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "wit-bindgen-go"))')
    cp -r "$(dirname "$crate")/src/pkg" "$probe/pkg"
    (cd "$probe/pkg" && go mod edit -go="$(go env GOVERSION | sed 's/^go//')")
    rm -rf "$go_pkg"
    mv "$probe/pkg" "$go_pkg"
    rm -rf "$probe"
  else
    echo "warning: go is not installed; Go components cannot be built (docs/authoring.md)" >&2
  fi
fi

# Go pre-initialization (asterai.toml `preinit = true`): the `wasmtime wizer` snapshotter of
# the Wasmtime version asterai embeds. Its own build of wasmtime-cli, with only what the
# snapshot needs (about 12 minutes on 2 cores, once).
wasmtime_version=$(grep -A1 'name = "wasmtime-c-api-impl"' "$here/deps/wasmtime-capi/Cargo.lock" |
  sed -n 's/version = "\(.*\)"/\1/p')
wizer_dir="$tools/wasmtime-wizer-$wasmtime_version"
if [ ! -x "$wizer_dir/bin/wasmtime" ]; then
  echo "installing wasmtime-cli $wasmtime_version with wizer (first time only, ~12 min)" >&2
  cargo install --quiet --locked --force --root "$wizer_dir" "wasmtime-cli@$wasmtime_version" \
    --no-default-features --features wizer,cranelift,component-model >&2
fi

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
