#!/usr/bin/env bash
# Interop of `asterai push/pull` with other OCI clients and registries:
#   1. asterai push -> oras pull and skopeo copy: byte-identical component; oras discover sees
#      the WIT and tools referrers (asterai registry, token auth, referrers API).
#   2. oras push in the CNCF Wasm layout (and wkg oci push, when scripts/oci/install-wkg.sh has
#      built wkg) -> asterai pull, inspect REF and call REF work on it.
#   3. Debian's docker-registry (distribution 2.8, no referrers API): asterai push writes the
#      referrers through the sha256-<hex> tag fallback; oras discover and asterai pull read them.
#   ASTERAI_BIN=…/asterai ASTERAI_COMPONENTS_DIR=…/components scripts/oci/interop.sh
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
: "${ASTERAI_BIN:?set ASTERAI_BIN to the asterai binary}"
: "${ASTERAI_COMPONENTS_DIR:?set ASTERAI_COMPONENTS_DIR to the built test components}"
source "$ROOT/scripts/registry/tools.sh"
registry_tools_install oras skopeo docker-registry
export ASTERAI_REGISTRY_BIN="$ASTERAI_BIN"
source "$ROOT/scripts/registry/lib.sh"

KEY="$(new_user alice)"
start_registry
# Keep every client's credentials and the local store inside the throwaway folder.
# The tool cache as seen before HOME moves (wkg is looked up there).
HOME_CACHE_TOOLS="${ASTERAI_CACHE_DIR:-$HOME/.cache/asterai}/tools"
export HOME="$WORK/home" DOCKER_CONFIG="$WORK/docker" ASTERAI_HOME="$WORK/asterai-home"
export ASTERAI_CACHE_DIR="$WORK/cache"
mkdir -p "$HOME" "$DOCKER_CONFIG"
cd "$WORK"
step() { echo "oci interop: $*"; }
fail() {
  echo "oci interop: FAIL: $*" >&2
  tail -5 "$WORK/clients.log" >&2 2>/dev/null || true
  echo "--- server log" >&2; tail -20 "$WORK/server.log" >&2
  exit 1
}
asterai() { "$ASTERAI_BIN" "$@"; }
oras() { "$ORAS" "$@" 2>>"$WORK/clients.log"; }
WASM="$ASTERAI_COMPONENTS_DIR/kitchen-sink-c.wasm"
WIT="$ROOT/tests/components/kitchen-sink/wit"
[[ -f "$WASM" ]] || fail "missing $WASM (build the test_components target)"

step "asterai login + push (WIT and tools referrers)"
echo "$KEY" | asterai login "$REGISTRY" -u alice --password-stdin >/dev/null || fail "asterai login"
asterai push --wit "$WIT" "$WASM" "$REGISTRY/alice/ks:1.0.0" >push.txt || fail "asterai push"
DIGEST="$(awk '$1=="digest"{print $2}' push.txt)"
[[ "$DIGEST" == sha256:* ]] || fail "push printed no digest: $(cat push.txt)"

step "oras pull: byte-identical component"
mkdir -p oras-out
oras pull --plain-http -u alice -p "$KEY" -o oras-out "$REGISTRY/alice/ks:1.0.0" >/dev/null || fail "oras pull"
cmp -s "$WASM" oras-out/ks.wasm || fail "oras pulled different bytes"
oras discover --plain-http -u alice -p "$KEY" --format json "$REGISTRY/alice/ks:1.0.0" >discover.json ||
  fail "oras discover"
for t in application/vnd.asterai.wit.v1+text application/vnd.asterai.tools.v1+json; do
  grep -q "$t" discover.json || fail "oras does not see the $t referrer"
done

step "skopeo copy to an OCI layout: byte-identical wasm layer"
skopeo copy --quiet --src-tls-verify=false --src-creds "alice:$KEY" \
  "docker://$REGISTRY/alice/ks:1.0.0" "oci:$WORK/layout:ks" 2>>"$WORK/clients.log" || fail "skopeo copy"
LAYER="$(python3 - "$WORK/layout" <<'PY'
import json, sys
root = sys.argv[1]
index = json.load(open(root + "/index.json"))
digest = index["manifests"][0]["digest"].split(":")[1]
manifest = json.load(open(f"{root}/blobs/sha256/{digest}"))
print(manifest["layers"][0]["digest"].split(":")[1])
PY
)"
cmp -s "$WASM" "$WORK/layout/blobs/sha256/$LAYER" || fail "skopeo copied different bytes"

step "oras push in the CNCF Wasm layout -> asterai pull, inspect, call"
printf '{"architecture":"wasm","os":"wasip2","layerDigests":[],"component":{"exports":[],"imports":[]}}' >config.json
cp "$WASM" oras-ks.wasm
oras push --plain-http -u alice -p "$KEY" --config config.json:application/vnd.wasm.config.v0+json \
  "$REGISTRY/alice/oras-ks:0.1.0" oras-ks.wasm:application/wasm >/dev/null || fail "oras push"
PULLED="$(asterai pull --json "$REGISTRY/alice/oras-ks:0.1.0")" || fail "asterai pull of an oras push"
WASM_PATH="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["wasm"]["path"])' "$PULLED")"
cmp -s "$WASM" "$WASM_PATH" || fail "asterai pulled different bytes"
asterai inspect --cache-dir "$WORK/cache" "$WASM_PATH" | grep -q "add" || fail "asterai inspect"
[[ "$(asterai call --cache-dir "$WORK/cache" "$WASM_PATH" add 1 2)" == 3 ]] || fail "asterai call"
# By reference, pulling on demand (a fresh store, so the pull really happens).
check_ref() { # REF NAME: inspect REF pulls into a fresh store; call --offline REF then runs it
  local home="$WORK/asterai-home-$2"
  mkdir -p "$home" && cp "$ASTERAI_HOME/credentials.json" "$home/"
  ASTERAI_HOME="$home" "$ASTERAI_BIN" inspect --cache-dir "$WORK/cache" "$1" >"inspect-$2.txt" ||
    fail "asterai inspect $1"
  grep -q "add" "inspect-$2.txt" || fail "asterai inspect $1 lists no add"
  local out
  out="$(ASTERAI_HOME="$home" "$ASTERAI_BIN" call --offline --cache-dir "$WORK/cache" "$1" add 1 2 2>&1)" ||
    fail "asterai call --offline $1 after inspect: $out"
  [[ "$out" == 3 ]] || fail "asterai call $1 printed $out"
}
check_ref "$REGISTRY/alice/oras-ks:0.1.0" oras
out="$(asterai call --cache-dir "$WORK/cache" "$REGISTRY/alice/oras-ks:0.1.0" add 2 3 2>&1)" ||
  fail "asterai call REF: $out"
[[ "$out" == 5 ]] || fail "asterai call REF printed $out"

# wkg (crates.io) when it has been built: scripts/oci/install-wkg.sh (a long build, so optional).
WKG="${ASTERAI_WKG:-}"
if [[ -z "$WKG" ]]; then
  for candidate in "$HOME_CACHE_TOOLS"/wkg-*/bin/wkg; do [[ -x "$candidate" ]] && WKG="$candidate"; done
fi
if [[ -n "$WKG" && -x "$WKG" ]]; then
  step "wkg oci push -> asterai inspect, call"
  "$WKG" oci push -u alice -p "$KEY" --insecure "$REGISTRY" "$REGISTRY/alice/wkg-ks:0.1.0" "$WASM" \
    >>"$WORK/clients.log" 2>&1 || fail "wkg oci push"
  check_ref "$REGISTRY/alice/wkg-ks:0.1.0" wkg
else
  step "(wkg not built: run scripts/oci/install-wkg.sh to add the wkg variant)"
fi

step "docker-registry (distribution 2.8): referrers through the tag fallback"
DIST_PORT="$(free_port)"
mkdir -p dist
cat >dist/config.yml <<YML
version: 0.1
log:
  level: error
storage:
  filesystem:
    rootdirectory: $WORK/dist/data
http:
  addr: 127.0.0.1:$DIST_PORT
YML
docker-registry serve dist/config.yml >dist/log 2>&1 &
EXTRA_PIDS+=("$!")
DIST="127.0.0.1:$DIST_PORT"
for _ in $(seq 1 100); do curl -s -o /dev/null "http://$DIST/v2/" && break; sleep 0.1; done
asterai push --wit "$WIT" "$WASM" "$DIST/tools/ks:1.0.0" >dist-push.txt || fail "push to distribution"
grep -q "no referrers API" dist-push.txt || fail "push did not use the tag fallback: $(cat dist-push.txt)"
DDIGEST="$(awk '$1=="digest"{print $2}' dist-push.txt)"
curl -sf -o /dev/null -H "Accept: application/vnd.oci.image.index.v1+json" \
  "http://$DIST/v2/tools/ks/manifests/sha256-${DDIGEST#sha256:}" ||
  fail "no sha256-<hex> fallback tag"
oras discover --plain-http --format json "$DIST/tools/ks:1.0.0" >dist-discover.json || fail "oras discover (fallback)"
for t in application/vnd.asterai.wit.v1+text application/vnd.asterai.tools.v1+json; do
  grep -q "$t" dist-discover.json || fail "oras does not see $t through the fallback"
done
[[ "$(asterai pull --json "$DIST/tools/ks:1.0.0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["referrers"])')" == 2 ]] ||
  fail "asterai pull did not read the referrers through the fallback"
[[ "$(asterai tags "$DIST/tools/ks" | tr '\n' ' ')" == "1.0.0 latest " ]] || fail "tags list (fallback tag hidden)"
echo "oci interop: pass"
