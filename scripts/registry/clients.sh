#!/usr/bin/env bash
# Real clients against `asterai registry serve` with token auth: oras (push, attach
# referrers, discover, pull), crane (append, copy, ls, digest) and skopeo (copy in and out
# of an OCI layout), plus anonymous pulls of public and private repositories.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/tools.sh"
registry_tools_install oras crane skopeo
source "$HERE/lib.sh"

KEY="$(new_user alice)"
start_registry
export DOCKER_CONFIG="$WORK/docker" HOME="$WORK/home"   # keep client credentials out of the user's files
mkdir -p "$DOCKER_CONFIG" "$HOME"
cd "$WORK"
step() { echo "clients: $*"; }
fail() {
  echo "clients: FAIL: $*" >&2
  tail -5 "$WORK/clients.log" >&2 2>/dev/null || true
  echo "--- server log" >&2
  tail -20 "$WORK/server.log" >&2
  exit 1
}
ORAS_AUTH=(--plain-http -u alice -p "$KEY")
oras() { "$ORAS" "$@" 2>>"$WORK/clients.log"; }  # its password warning is noise here

step "oras push a component and attach WIT + tools referrers"
printf '\0asm\x0d\0\x01\0' >component.wasm
printf 'package acme:greet;\ninterface greeter {\n  greet: func(name: string) -> string;\n}\n' >greeter.wit
printf '{"tools":[{"name":"greet","description":"Say hello"}]}' >tools.json
oras push "${ORAS_AUTH[@]}" --artifact-type application/vnd.wasm.config.v0+json \
  --annotation "org.opencontainers.image.description=Greets people by name" \
  "$REGISTRY/alice/greeter:1.0.0" component.wasm:application/wasm >/dev/null || fail "oras push"
oras attach "${ORAS_AUTH[@]}" --artifact-type application/vnd.asterai.wit.v1+text \
  "$REGISTRY/alice/greeter:1.0.0" greeter.wit:text/plain >/dev/null || fail "oras attach wit"
oras attach "${ORAS_AUTH[@]}" --artifact-type application/vnd.asterai.tools.v1+json \
  "$REGISTRY/alice/greeter:1.0.0" tools.json:application/json >/dev/null || fail "oras attach tools"
oras discover "${ORAS_AUTH[@]}" --format json "$REGISTRY/alice/greeter:1.0.0" >discover.json || fail "oras discover"
for t in application/vnd.asterai.wit.v1+text application/vnd.asterai.tools.v1+json; do
  grep -q "$t" discover.json || fail "referrer $t not discovered"
done
oras discover "${ORAS_AUTH[@]}" --format json --artifact-type application/vnd.asterai.wit.v1+text \
  "$REGISTRY/alice/greeter:1.0.0" >wit-only.json || fail "oras discover --artifact-type"
grep -q application/vnd.asterai.tools.v1+json wit-only.json && fail "artifactType filter ignored"
mkdir -p pulled && oras pull "${ORAS_AUTH[@]}" -o pulled "$REGISTRY/alice/greeter:1.0.0" >/dev/null || fail "oras pull"
cmp -s component.wasm pulled/component.wasm || fail "oras pulled different bytes"

step "private by default: anonymous pull is refused, then allowed once public"
if oras pull --plain-http -o anon "$REGISTRY/alice/greeter:1.0.0" >/dev/null 2>&1; then fail "anonymous pull of private repo"; fi
registry visibility set alice/greeter public >/dev/null
mkdir -p anon && oras pull --plain-http -o anon "$REGISTRY/alice/greeter:1.0.0" >/dev/null || fail "anonymous public pull"
cmp -s component.wasm anon/component.wasm || fail "anonymous pull bytes"

step "push into another user's namespace is refused"
KEY_BOB="$(new_user bob)"
if oras push --plain-http -u bob -p "$KEY_BOB" "$REGISTRY/alice/greeter:evil" component.wasm:application/wasm \
  >/dev/null 2>&1; then fail "bob pushed into alice/"; fi

step "crane: append an image layer, copy across repositories, list tags"
"$CRANE" auth login "$REGISTRY" -u alice -p "$KEY" >/dev/null 2>&1 || fail "crane auth login"
mkdir -p layer && echo "hello from a layer" >layer/hello.txt && tar -C layer -cf layer.tar hello.txt
"$CRANE" append --insecure -f layer.tar -t "$REGISTRY/alice/image:v1" >/dev/null 2>&1 || fail "crane append"
"$CRANE" copy --insecure "$REGISTRY/alice/image:v1" "$REGISTRY/alice/image-copy:v1" >/dev/null 2>&1 || fail "crane copy"
[[ "$("$CRANE" digest --insecure "$REGISTRY/alice/image:v1")" == "$("$CRANE" digest --insecure "$REGISTRY/alice/image-copy:v1")" ]] ||
  fail "crane copy changed the digest"
"$CRANE" tag --insecure "$REGISTRY/alice/image:v1" v2 >/dev/null 2>&1 || fail "crane tag"
[[ "$("$CRANE" ls --insecure "$REGISTRY/alice/image" | tr '\n' ' ')" == "v1 v2 " ]] || fail "crane ls"
"$CRANE" export --insecure "$REGISTRY/alice/image-copy:v1" - 2>/dev/null | tar -xO hello.txt | grep -q "hello from a layer" ||
  fail "crane export content"

step "skopeo: copy out to an OCI layout and back in under a new name"
CREDS="alice:$KEY"
skopeo copy --quiet --src-tls-verify=false --src-creds "$CREDS" \
  "docker://$REGISTRY/alice/image:v1" "oci:$WORK/layout:v1" || fail "skopeo copy out"
skopeo copy --quiet --dest-tls-verify=false --dest-creds "$CREDS" \
  "oci:$WORK/layout:v1" "docker://$REGISTRY/alice/skopeo:v1" || fail "skopeo copy in"
skopeo inspect --tls-verify=false --creds "$CREDS" "docker://$REGISTRY/alice/skopeo:v1" >inspect.json ||
  fail "skopeo inspect"
grep -q '"Name"' inspect.json || fail "skopeo inspect output"

step "search finds the tool by its tool name and WIT interface"
curl -sf "http://$REGISTRY/v1/search?q=greet" | grep -q '"alice/greeter"' || fail "search by tool name"
curl -sf "http://$REGISTRY/v1/search?q=greeter" | grep -q '"greeter"' || fail "search by interface"
curl -sf "http://$REGISTRY/v1/search?q=image" | grep -q 'alice/image' && fail "search shows a private repository"
step "TLS: oras and curl over HTTPS with a self-signed certificate"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=127.0.0.1 \
  -addext subjectAltName=IP:127.0.0.1 -keyout tls.key -out tls.crt >/dev/null 2>&1 || fail "openssl req"
TLS_ADDR="127.0.0.1:$(free_port)"
"$REGISTRY_BIN" registry --root "$WORK/root" serve --listen "$TLS_ADDR" --tls-cert tls.crt --tls-key tls.key \
  >"$WORK/tls.log" 2>&1 &
TLS_PID=$!
EXTRA_PIDS+=("$TLS_PID")
for _ in $(seq 1 100); do curl -s -o /dev/null --cacert tls.crt "https://$TLS_ADDR/v2/" && break; sleep 0.1; done
[[ "$(curl -s -o /dev/null -w '%{http_code}' --cacert tls.crt "https://$TLS_ADDR/v2/")" == 401 ]] || fail "HTTPS challenge"
curl -s --cacert tls.crt -D - -o /dev/null "https://$TLS_ADDR/v2/" | grep -qi "realm=\"https://" || fail "HTTPS realm"
oras push --ca-file tls.crt -u alice -p "$KEY" "$TLS_ADDR/alice/tls:v1" component.wasm:application/wasm >/dev/null ||
  fail "oras push over TLS"
mkdir -p tlspull && oras pull --ca-file tls.crt -u alice -p "$KEY" -o tlspull "$TLS_ADDR/alice/tls:v1" >/dev/null ||
  fail "oras pull over TLS"
cmp -s component.wasm tlspull/component.wasm || fail "TLS pull bytes"
if curl -s -o /dev/null "http://$TLS_ADDR/v2/"; then fail "plain HTTP accepted on the TLS port"; fi
echo "clients: pass"
