#!/usr/bin/env bash
# Builds the test components under tests/components into OUTDIR:
#   kitchen-sink-c.wasm, kitchen-sink-js.wasm, kitchen-sink-py.wasm (when componentize-py is
#   installed), core-module.wasm (a plain core module, not a component) and sandbox-probe.wasm
#   (an adversary for the sandbox tests, binding wasi:http and wasi:sockets directly);
#   compose-*.wasm: components that import each other (C, JavaScript, Python) and an agent
#   importing the host API asterai:host/registry (wit/asterai-host), for composition tests;
#   missing-imports.wasm (imports interfaces nobody provides) and wasi-env-0.2.0.wasm,
#   wasi-env-0.2.3.wasm (bound to older WASI 0.2.x releases); http-probe.wasm (a
#   wasi:http/proxy handler, one route per behaviour, good or bad, for the HTTP serving
#   tests); webhook-c.wasm and webhook-py.wasm (examples/webhook, when componentize-py is
#   installed for the second); mcp-everything.wasm (examples/mcp-everything: tools, resources,
#   prompts and completion through asterai:mcp, wit/asterai-mcp, for the MCP conformance run).
# Incremental: an output newer than all of its inputs is left alone. Quiet on success.
# The toolchains come from scripts/install-guest-tools.sh.
set -euo pipefail

usage="usage: scripts/build-components.sh OUTDIR"
[ $# -eq 1 ] || { echo "$usage" >&2; exit 2; }
here=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
cd "$here" # relative source paths keep machine paths out of the components

cache_root="${ASTERAI_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/asterai}"
wasm_tools="$cache_root/tools/wasm-tools-1.263.0/bin/wasm-tools"
wit_bindgen="$cache_root/tools/wit-bindgen-cli-0.63.0/bin/wit-bindgen"
componentize_py="$cache_root/tools/componentize-py-0.25.1/bin/componentize-py"
guest_modules=tools/guest/node_modules
componentize_js="$guest_modules/@bytecodealliance/componentize-js/package.json"
reactor_adapter="$guest_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.reactor.wasm"
command_adapter="$guest_modules/@bytecodealliance/jco/lib/wasi_snapshot_preview1.command.wasm"

script=scripts/build-components.sh
components=tests/components
kitchen_sink=$components/kitchen-sink
wit=$kitchen_sink/wit
world=kitchen-sink
capi_lock=deps/wasmtime-capi/Cargo.lock

die() {
  echo "build-components: $*" >&2
  exit 1
}

need() { # path what
  [ -e "$1" ] || die "missing $2 ($1); run scripts/install-guest-tools.sh"
}

need_command() { # command what (system packages come from scripts/setup.sh)
  command -v "$1" >/dev/null || die "missing $2 ($1 not on PATH); run scripts/setup.sh"
}

# True when OUTPUT exists and is newer than every file under each INPUT (files or folders);
# a missing input (a tool not installed yet) means "rebuild", so need() can name it.
# Linked files count by their targets. Python byte-code caches are not inputs.
up_to_date() { # output input...
  local output=$1 input
  shift
  [ -f "$output" ] || return 1
  for input; do [ -e "$input" ] || return 1; done
  [ -z "$(find -L "$@" -name __pycache__ -prune -o -newer "$output" -print -quit)" ]
}

# Runs a build step with its output captured; shows it only when the step fails.
run() { # what command...
  local what=$1
  shift
  local log
  log=$(mktemp)
  if ! "$@" >"$log" 2>&1; then
    cat "$log" >&2
    rm -f "$log"
    die "$what failed"
  fi
  rm -f "$log"
}

# Toolchains drop WIT docs (the component-type section wit-bindgen embeds carries none), so the
# docs of the WIT package (wit-component's package-docs JSON, as `wasm-tools component wit
# --wasm` encodes it) are appended to the component in a custom section "asterai-wit-docs":
# tools then describe themselves without their WIT source. Not under the name package-docs:
# decoders apply that to the component's own root package, whose names differ, and fail.
add_wit_docs() { # component wit-dir
  need "$wasm_tools" wasm-tools
  need_command python3 "Python 3"
  run "$1: wasm-tools component wit" "$wasm_tools" component wit --wasm -o "$scratch/docs.wasm" "$2"
  run "$1: add asterai-wit-docs" python3 - "$1" "$scratch/docs.wasm" <<'PY'
import sys

def leb(data, pos):
    value = shift = 0
    while True:
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, pos

def encode_leb(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)

def custom_sections(data):  # (name, payload) at the top level
    pos = 8
    while pos < len(data):
        section_id = data[pos]
        size, pos = leb(data, pos + 1)
        body, pos = data[pos:pos + size], pos + size
        if section_id == 0:
            length, at = leb(body, 0)
            yield body[at:at + length].decode(), body[at + length:]

name = b"asterai-wit-docs"
component = open(sys.argv[1], "rb").read()
if any(n == name.decode() for n, _ in custom_sections(component)):
    sys.exit(0)
docs = [p for n, p in custom_sections(open(sys.argv[2], "rb").read()) if n == "package-docs"]
if not docs:
    sys.exit("no package-docs section in the encoded WIT")
body = encode_leb(len(name)) + name + docs[0]
open(sys.argv[1], "wb").write(component + b"\0" + encode_leb(len(body)) + body)
PY
  run "$1: wasm-tools validate" "$wasm_tools" validate "$1"
  run "$1: wasm-tools component wit (still decodes)" "$wasm_tools" component wit "$1"
}

# Every step builds into a scratch folder and moves the result into place last, so an
# interrupted build never leaves an output that looks up to date.
scratch=$(mktemp -d "$out/.build.XXXXXX")
trap 'rm -rf "$scratch"' EXIT

# The C sources of SRC bound to WORLD of the WIT folder WIT (wit-bindgen), compiled by clang-19
# and made a component with the WASI reactor adapter (not with `no-adapter`, for code that
# imports nothing of WASI preview 1), moved to OUTPUT. LABEL names the steps.
build_c_reactor() { # label world wit src output [no-adapter]
  local label=$1 world=$2 wit=$3 src=$4 output=$5
  local gen=$scratch/$label-bindings adapt=(--adapt "wasi_snapshot_preview1=$reactor_adapter")
  [ "${6:-}" = no-adapter ] && adapt=()
  need_command clang-19 "clang-19 for wasm32-wasi"
  need "$wasm_tools" wasm-tools
  need "$wit_bindgen" wit-bindgen
  need "$reactor_adapter" "the WASI preview 1 reactor adapter (npm @bytecodealliance/jco)"
  run "$label: wit-bindgen" "$wit_bindgen" c --world "$world" --out-dir "$gen" "$wit"
  run "$label: clang-19" clang-19 --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor \
    -O2 -Wl,--strip-debug -Wall -Wextra -Werror -I"$gen" -o "$scratch/$label-core.wasm" \
    "$src"/*.c "$gen"/*.c "$gen"/*_component_type.o
  run "$label: wasm-tools component new" "$wasm_tools" component new "${adapt[@]}" \
    -o "$scratch/$label.wasm" "$scratch/$label-core.wasm"
  mv "$scratch/$label.wasm" "$output"
}

build_core_module() {
  local output=$out/core-module.wasm src=$components/core-module
  up_to_date "$output" "$src" "$script" && return 0
  need_command clang-19 "clang-19 for wasm32-wasi"
  run "core-module: clang-19" clang-19 --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor \
    -O2 -s -Wall -Wextra -Werror -o "$scratch/core-module.wasm" "$src/core-module.c"
  mv "$scratch/core-module.wasm" "$output"
}

build_c() {
  local output=$out/kitchen-sink-c.wasm src=$kitchen_sink/c
  up_to_date "$output" "$src" "$wit" "$script" "$wasm_tools" "$wit_bindgen" "$reactor_adapter" &&
    return 0
  need_command clang-19 "clang-19 for wasm32-wasi"
  need "$wasm_tools" wasm-tools
  need "$wit_bindgen" wit-bindgen
  need "$reactor_adapter" "the WASI preview 1 reactor adapter (npm @bytecodealliance/jco)"

  # Bindings are generated, not committed: they follow the WIT and the wit-bindgen version.
  # Their object file carries the component type (so no separate `component embed`): the
  # generated C insists on linking it even with --no-object-file.
  local gen=$out/kitchen-sink-c-bindings
  rm -rf "$gen"
  run "kitchen-sink-c: wit-bindgen" "$wit_bindgen" c --world "$world" --out-dir "$gen" "$wit"
  # --strip-debug drops the DWARF that Debian's wasi-libc carries but keeps function names,
  # so traps come with readable backtraces.
  run "kitchen-sink-c: clang-19" clang-19 --target=wasm32-wasi --sysroot=/usr -mexec-model=reactor \
    -O2 -Wl,--strip-debug -Wall -Wextra -Werror -I"$gen" -o "$scratch/c-core.wasm" \
    "$src"/*.c "$gen"/*.c "$gen"/*_component_type.o
  run "kitchen-sink-c: wasm-tools component new" "$wasm_tools" component new \
    --adapt "wasi_snapshot_preview1=$reactor_adapter" -o "$scratch/c.wasm" "$scratch/c-core.wasm"
  add_wit_docs "$scratch/c.wasm" "$wit"
  mv "$scratch/c.wasm" "$output"
}

# The folder of WASI WIT packages (wasi:http, wasi:io, ...) inside the wasmtime-wasi-http crate
# that Cargo fetched for the runtime: binding these, a guest imports exactly the versions the
# runtime's linker provides, and no copy of them lives in this repository.
wasi_wit_deps() {
  local metadata manifest host
  metadata=$(mktemp)
  # Only this platform's dependencies: those are the crates the Wasmtime build downloaded.
  host=$(rustc -vV | sed -n 's/^host: //p')
  if ! cargo metadata --format-version 1 --offline --locked --filter-platform "$host" \
    --manifest-path deps/wasmtime-capi/Cargo.toml >"$metadata" 2>"$metadata.err"; then
    cat "$metadata.err" >&2
    rm -f "$metadata" "$metadata.err"
    die "cargo metadata failed (build the Wasmtime C API first: scripts/build-wasmtime.sh)"
  fi
  manifest=$(python3 -c 'import json, sys
print(next(p["manifest_path"] for p in json.load(open(sys.argv[1]))["packages"]
           if p["name"] == "wasmtime-wasi-http"))' "$metadata") || manifest=
  rm -f "$metadata" "$metadata.err"
  [ -n "$manifest" ] || die "wasmtime-wasi-http is not in deps/wasmtime-capi's dependencies"
  echo "$(dirname "$manifest")/wit/deps"
}

# Makes $scratch/LABEL-wit: WORLD_FILE next to the WASI WIT packages it binds, as the binding
# tools expect them. Every wasi: package the world names must be in the version the runtime's
# Wasmtime provides: another one would fail later, in the binding generator or when linking.
wasi_world() { # label world-file
  local label=$1 world_file=$2 dir=$scratch/$1-wit ref package version provided
  need_command cargo "cargo (Rust)"
  need_command python3 "Python 3"
  [ -n "$wasi_deps" ] || wasi_deps=$(wasi_wit_deps)
  for ref in $(grep -o 'wasi:[a-z-]*/[a-z-]*@[0-9.]*[0-9]' "$world_file" | sort -u); do
    package=${ref%%/*}
    version=${ref##*@}
    grep -rqs "^package $package@$version;" "$wasi_deps" && continue
    provided=$( (grep -rhos "^package $package@[0-9.]*" "$wasi_deps" || true) | sed -n '1s/.*@//p')
    die "$label binds $package@$version but the runtime's Wasmtime provides" \
      "$package@${provided:-nothing}: update the versions in $world_file"
  done
  mkdir -p "$dir"
  cp "$world_file" "$dir/"
  ln -s "$wasi_deps" "$dir/deps"
}
wasi_deps=

# NAME.wasm from tests/components/NAME: a C component (wit/world.wit, world NAME; c/*.c)
# binding WASI interfaces directly.
build_wasi_probe() { # name
  local name=$1 output=$out/$1.wasm src=$components/$1
  up_to_date "$output" "$src" "$script" "$capi_lock" "$wasm_tools" "$wit_bindgen" \
    "$reactor_adapter" && return 0
  wasi_world "$name" "$src/wit/world.wit"
  build_c_reactor "$name" "$name" "$scratch/$name-wit" "$src/c" "$output"
}

build_js() {
  local output=$out/kitchen-sink-js.wasm src=$kitchen_sink/js
  local builder=$components/build-js.mjs
  up_to_date "$output" "$src" "$wit" "$builder" "$script" "$componentize_js" "$wasm_tools" &&
    return 0
  need_command node "Node.js"
  need "$componentize_js" "componentize-js (npm @bytecodealliance/componentize-js)"
  run "kitchen-sink-js: componentize-js" node "$builder" "$src/kitchen-sink.js" "$wit" "$world" \
    "$scratch/js.wasm"
  add_wit_docs "$scratch/js.wasm" "$wit"
  mv "$scratch/js.wasm" "$output"
}

# componentize-py is optional: without it the Python components are skipped, with a warning.
have_componentize_py() { # output-name
  [ -x "$componentize_py" ] && return 0
  echo "build-components: warning: no componentize-py (scripts/install-guest-tools.sh" \
    "installs it), skipping $1" >&2
  return 1
}

build_py() {
  local output=$out/kitchen-sink-py.wasm src=$kitchen_sink/python
  have_componentize_py kitchen-sink-py.wasm || return 0
  up_to_date "$output" "$src" "$wit" "$script" "$componentize_py" "$wasm_tools" && return 0
  # From a copy: componentize-py's embedded CPython writes __pycache__ next to the sources.
  cp -R "$src" "$scratch/python"
  run "kitchen-sink-py: componentize-py" "$componentize_py" -d "$wit" -w "$world" componentize \
    -p "$scratch/python" -o "$scratch/py.wasm" app
  add_wit_docs "$scratch/py.wasm" "$wit"
  mv "$scratch/py.wasm" "$output"
}

# --- composition: tests/components/compose ---------------------------------------------------

compose=$components/compose
host_wit=wit/asterai-host

# The compose package next to the host API package it imports, as the binding tools expect.
compose_wit() {
  local dir=$scratch/compose-wit
  if [ ! -d "$dir" ]; then
    mkdir -p "$dir/deps"
    cp "$compose/wit/compose.wit" "$dir/"
    cp -R "$host_wit" "$dir/deps/"
  fi
  echo "$dir"
}

# NAME is the folder, the world and the output compose-NAME.wasm; the WIT is the compose
# package, or the folder's own wit/ when it has one.
build_compose_c() { # name
  local name=$1 output=$out/compose-$1.wasm src=$compose/$1
  up_to_date "$output" "$src" "$compose/wit" "$host_wit" "$script" "$wasm_tools" "$wit_bindgen" \
    "$reactor_adapter" && return 0
  local wit
  if [ -d "$src/wit" ]; then wit=$src/wit; else wit=$(compose_wit); fi
  build_c_reactor "compose-$name" "$name" "$wit" "$src" "$output"
}

build_compose_js() {
  local output=$out/compose-js-text.wasm src=$compose/js-text
  local builder=$components/build-js.mjs
  up_to_date "$output" "$src" "$compose/wit" "$host_wit" "$builder" "$script" "$componentize_js" &&
    return 0
  need_command node "Node.js"
  need "$componentize_js" "componentize-js (npm @bytecodealliance/componentize-js)"
  run "compose-js-text: componentize-js" node "$builder" "$src/js-text.js" "$(compose_wit)" \
    js-text "$scratch/js-text.wasm"
  mv "$scratch/js-text.wasm" "$output"
}

build_compose_py() {
  local output=$out/compose-py-report.wasm src=$compose/py-report
  have_componentize_py compose-py-report.wasm || return 0
  up_to_date "$output" "$src" "$compose/wit" "$host_wit" "$script" "$componentize_py" && return 0
  cp -R "$src" "$scratch/py-report"
  run "compose-py-report: componentize-py" "$componentize_py" -d "$(compose_wit)" -w py-report \
    componentize -p "$scratch/py-report" -o "$scratch/py-report.wasm" app
  mv "$scratch/py-report.wasm" "$output"
}

# A C program made a command component (wasi:cli/run) by the WASI command adapter.
build_command() {
  local output=$out/command-hello.wasm src=$components/command-hello
  up_to_date "$output" "$src" "$script" "$wasm_tools" "$command_adapter" && return 0
  need_command clang-19 "clang-19 for wasm32-wasi"
  need "$wasm_tools" wasm-tools
  need "$command_adapter" "the WASI preview 1 command adapter (npm @bytecodealliance/jco)"
  run "command-hello: clang-19" clang-19 --target=wasm32-wasi --sysroot=/usr -O2 \
    -Wl,--strip-debug -Wall -Wextra -Werror -o "$scratch/hello-core.wasm" "$src/hello.c"
  run "command-hello: wasm-tools component new" "$wasm_tools" component new \
    --adapt "wasi_snapshot_preview1=$command_adapter" -o "$scratch/hello.wasm" \
    "$scratch/hello-core.wasm"
  mv "$scratch/hello.wasm" "$output"
}

# A C component importing interfaces nobody provides (tests/components/missing-imports).
build_missing_imports() {
  local output=$out/missing-imports.wasm src=$components/missing-imports
  up_to_date "$output" "$src" "$script" "$wasm_tools" "$wit_bindgen" "$reactor_adapter" &&
    return 0
  build_c_reactor missing-imports missing-imports "$src/wit" "$src" "$output"
}

# wasi-env-VERSION.wasm: the same C component bound to wasi:cli/environment@VERSION
# (tests/components/wasi-versions), for WASI 0.2.x releases older than the runtime's. Without
# the adapter: wit-component would merge the import into the adapter's newer release.
build_wasi_version() { # version
  local version=$1 output=$out/wasi-env-$1.wasm src=$components/wasi-versions
  up_to_date "$output" "$src" "$script" "$wasm_tools" "$wit_bindgen" "$reactor_adapter" &&
    return 0
  local wit=$scratch/wasi-env-$version-wit
  mkdir -p "$wit/deps/cli"
  sed "s/@VERSION@/$version/g" "$src/world.wit.in" >"$wit/world.wit"
  sed "s/@VERSION@/$version/g" "$src/cli.wit.in" >"$wit/deps/cli/cli.wit"
  build_c_reactor "wasi-env-$version" wasi-env "$wit" "$src" "$output" no-adapter
}

# --- examples/webhook: wasi:http/proxy handlers that `asterai build` builds as well ----------

webhook=examples/webhook

# The same pipeline as `asterai build examples/webhook/c`, without docs; its SHA-256 is the
# http-fetch example's (src/sha256.* are links to it).
build_webhook_c() {
  local output=$out/webhook-c.wasm
  up_to_date "$output" "$webhook/c/src" "$webhook/wit" "$script" "$capi_lock" "$wasm_tools" \
    "$wit_bindgen" "$reactor_adapter" && return 0
  wasi_world webhook-c "$webhook/wit/world.wit"
  build_c_reactor webhook-c webhook "$scratch/webhook-c-wit" "$webhook/c/src" "$output"
}

build_webhook_py() {
  local output=$out/webhook-py.wasm
  have_componentize_py webhook-py.wasm || return 0
  up_to_date "$output" "$webhook/python/src" "$webhook/wit" "$script" "$capi_lock" \
    "$componentize_py" && return 0
  wasi_world webhook-py "$webhook/wit/world.wit"
  cp -R "$webhook/python/src" "$scratch/webhook-py"
  run "webhook-py: componentize-py" "$componentize_py" -d "$scratch/webhook-py-wit" -w webhook \
    componentize -p "$scratch/webhook-py" -o "$scratch/webhook-py.wasm" app
  mv "$scratch/webhook-py.wasm" "$output"
}

# --- examples/mcp-everything: what the MCP conformance suite expects of a server ------------

mcp_everything=examples/mcp-everything
mcp_wit=wit/asterai-mcp

# The example's world next to the asterai:mcp package in deps/, as the binding tools expect
# (the example carries no copy of it); its tool descriptions are the world's WIT docs.
build_mcp_everything() {
  local output=$out/mcp-everything.wasm wit=$scratch/mcp-everything-wit
  up_to_date "$output" "$mcp_everything/c/src" "$mcp_everything/wit" "$mcp_wit" "$script" \
    "$wasm_tools" "$wit_bindgen" "$reactor_adapter" && return 0
  mkdir -p "$wit/deps"
  cp "$mcp_everything/wit/world.wit" "$wit/"
  cp -R "$mcp_wit" "$wit/deps/"
  build_c_reactor mcp-everything mcp-everything "$wit" "$mcp_everything/c/src" \
    "$scratch/mcp-everything-nodocs.wasm"
  add_wit_docs "$scratch/mcp-everything-nodocs.wasm" "$wit"
  mv "$scratch/mcp-everything-nodocs.wasm" "$output"
}

build_core_module
build_c
build_missing_imports
for version in 0.2.0 0.2.3; do build_wasi_version "$version"; done
build_command
for name in sandbox-probe http-probe; do build_wasi_probe "$name"; done
build_js
build_py
for name in c-math c-cycle c-resource c-mismatch c-agent; do build_compose_c "$name"; done
build_compose_js
build_compose_py
build_webhook_c
build_webhook_py
build_mcp_everything
