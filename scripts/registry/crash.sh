#!/usr/bin/env bash
# Kills the server (SIGKILL) in the middle of a large upload and of a burst of manifest
# PUTs, restarts it on the same root, and checks that everything committed is served
# intact and nothing partial is visible.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HERE/lib.sh"
fail() { echo "crash: FAIL: $*" >&2; tail -20 "$WORK/server.log" >&2; exit 1; }
cd "$WORK"

start_registry --no-auth
URL="http://$REGISTRY"
sha() { sha256sum "$1" | cut -d' ' -f1; }

push_blob() {  # repo file → prints digest
  local d; d="sha256:$(sha "$2")"
  local loc; loc="$(curl -sf -D - -o /dev/null -X POST "$URL/v2/$1/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')"
  curl -sf -o /dev/null -X PUT -H "Content-Type: application/octet-stream" --data-binary "@$2" "$URL$loc?digest=$d" || return 1
  echo "$d"
}

echo '{}' >config.json
head -c 4096 /dev/urandom >small.bin
CFG="$(push_blob crash/repo config.json)"
LAYER="$(push_blob crash/repo small.bin)"
manifest() {
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"%s","size":4096}],"annotations":{"n":"%s"}}' \
    "$CFG" "$(stat -c %s config.json)" "$LAYER" "$1"
}
manifest committed >committed.json
curl -sf -o /dev/null -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
  --data-binary @committed.json "$URL/v2/crash/repo/manifests/committed" || fail "manifest push"

# A 200 MiB upload, throttled so the kill lands in the middle of it.
head -c $((200 * 1024 * 1024)) /dev/zero >big.bin
BIG="sha256:$(sha big.bin)"
LOC="$(curl -sf -D - -o /dev/null -X POST "$URL/v2/crash/repo/blobs/uploads/" | tr -d '\r' | awk -F': ' 'tolower($1)=="location"{print $2}')"
curl -s -o /dev/null --limit-rate 20M -X PUT -H "Content-Type: application/octet-stream" \
  --data-binary @big.bin "$URL$LOC?digest=$BIG" &
UPLOAD_PID=$!
sleep 1
# And a burst of manifest PUTs racing the kill.
for i in $(seq 1 40); do
  manifest "burst-$i" >"m$i.json"
  curl -s -o /dev/null -X PUT -H "Content-Type: application/vnd.oci.image.manifest.v1+json" \
    --data-binary "@m$i.json" "$URL/v2/crash/repo/manifests/burst-$i" &
done
sleep 0.05
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""
wait "$UPLOAD_PID" 2>/dev/null || true
wait 2>/dev/null || true

start_registry --no-auth
URL="http://$REGISTRY"
curl -sf "$URL/v2/crash/repo/manifests/committed" | cmp -s - committed.json || fail "committed manifest lost or changed"
curl -sf "$URL/v2/crash/repo/blobs/$LAYER" | cmp -s - small.bin || fail "committed blob lost or changed"
code="$(curl -s -o /dev/null -w '%{http_code}' -I "$URL/v2/crash/repo/blobs/$BIG")"
[[ "$code" == 404 ]] || fail "interrupted upload is visible as a blob (HTTP $code)"
# Every tag that survived must serve exactly the bytes that were pushed for it.
survivors=0
for tag in $(curl -sf "$URL/v2/crash/repo/tags/list" | python3 -c 'import json,sys; print(" ".join(json.load(sys.stdin)["tags"]))'); do
  [[ "$tag" == committed ]] && continue
  curl -sf "$URL/v2/crash/repo/manifests/$tag" | cmp -s - "m${tag#burst-}.json" || fail "tag $tag serves corrupt content"
  survivors=$((survivors + 1))
done
# Blob files on disk all match their names.
while IFS= read -r f; do
  [[ "$(sha "$f")" == "$(basename "$f")" ]] || fail "blob file $f does not match its digest"
done < <(find "$WORK/root/blobs/sha256" -type f)
"$REGISTRY_BIN" registry --root "$WORK/root" gc --dry-run >/dev/null || fail "gc after crash"
echo "crash: pass ($survivors of 40 racing manifests committed before the kill, all intact)"
