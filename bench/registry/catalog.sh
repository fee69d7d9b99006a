#!/usr/bin/env bash
# Page times of the registry's web catalog with 1,000 components in the registry:
#   bench/registry/catalog.sh BUILD_DIR [--write-docs]
# One real component (the C kitchen sink: 33 tools with schemas, its WIT) is pushed and signed
# by `asterai push`, then copied into 999 more repositories over the OCI API (blob mounts and
# manifest PUTs, referrers included). Each page is fetched 300 times over one keep-alive
# connection after 20 warm-up requests; times are client-side (request sent to last byte).
# With --write-docs the table replaces the "## Web catalog" section of docs/benchmarks.md.
set -euo pipefail
source "$(dirname "$0")/../lib.sh"
bench_args "bench/registry/catalog.sh BUILD_DIR [--write-docs]" "$@"
asterai="$build/src/asterai"
component="$build/components/kitchen-sink-c.wasm"
require_built "$asterai" "$component"
work=$(mktemp -d "${TMPDIR:-/tmp}/asterai-catalog-bench.XXXXXX")
pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"' EXIT

port=$(free_port)
"$asterai" registry --root "$work/registry" serve --listen "127.0.0.1:$port" --no-auth \
  --public-by-default >"$work/registry.log" 2>&1 &
pid=$!
wait_up "http://127.0.0.1:$port/v2/"
export ASTERAI_HOME="$work/home" ASTERAI_KEY_PASSWORD=bench
"$asterai" key generate --out "$work/bench" >/dev/null
"$asterai" push "$component" "127.0.0.1:$port/acme/tool0:1.0.0" --description "Tool number 0" \
  --sign "$work/bench.key" >/dev/null

python3 - "$port" "$work/section.md" <<'PY'
import datetime, hashlib, http.client, json, os, statistics, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

def req(method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    r = conn.getresponse()
    data = r.read()
    if r.status >= 400:
        raise SystemExit(f"{method} {path}: {r.status} {data[:200]!r}")
    return r, data

src = "acme/tool0"
_, manifest = req("GET", f"/v2/{src}/manifests/1.0.0",
                  headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
digest = json.loads(req("GET", f"/v2/{src}/referrers/sha256:" + hashlib.sha256(manifest).hexdigest())[1])
referrers = []
for d in digest["manifests"]:
    _, m = req("GET", f"/v2/{src}/manifests/{d['digest']}",
               headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
    referrers.append((d["digest"], m))
sig_tag = "sha256-" + hashlib.sha256(manifest).hexdigest() + ".sig"
_, signatures = req("GET", f"/v2/{src}/manifests/{sig_tag}",
                    headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})

def blobs_of(m):
    j = json.loads(m)
    return [j["config"]["digest"]] + [l["digest"] for l in j["layers"]]

all_blobs = set(blobs_of(manifest))
for _, m in referrers:
    all_blobs.update(blobs_of(m))
mt = {"Content-Type": "application/vnd.oci.image.manifest.v1+json"}
start = time.time()
for i in range(1, 1000):
    repo = f"ns{i % 20}/tool{i}"
    for b in sorted(all_blobs):
        req("POST", f"/v2/{repo}/blobs/uploads/?mount={b}&from={src}")
    req("PUT", f"/v2/{repo}/manifests/1.0.0", manifest, mt)
    for d, m in referrers:
        req("PUT", f"/v2/{repo}/manifests/{d}", m, mt)
    req("PUT", f"/v2/{repo}/manifests/{sig_tag}", signatures, mt)
seeded = time.time() - start

def timed(path, n=300, warm=20):
    for _ in range(warm):
        req("GET", path)
    times = []
    size = 0
    for _ in range(n):
        t = time.perf_counter()
        _, body = req("GET", path)
        times.append((time.perf_counter() - t) * 1000)
        size = len(body)
    times.sort()
    return {"median": statistics.median(times), "p90": times[int(n * 0.9)],
            "p99": times[int(n * 0.99)], "size": size}

rows = [("component page `/c/ns7/tool507`", timed("/c/ns7/tool507")),
        ("component page, an older version `?v=1.0.0`", timed("/c/ns7/tool507?v=1.0.0")),
        ("search `/?q=greet` (all 1,000 match)", timed("/?q=greet")),
        ("search `/?q=tool507` (one matches)", timed("/?q=tool507")),
        ("namespace `/ns/ns7` (50 components)", timed("/ns/ns7")),
        ("first page `/`", timed("/"))]
load = os.getloadavg()[0]
with open(out, "w") as f:
    f.write("## Web catalog\n\n")
    f.write(f"`bench/registry/catalog.sh BUILD_DIR --write-docs` on {datetime.date.today()}: "
            f"`asterai registry serve` on loopback holding 1,000 components (the C kitchen sink, "
            f"33 tools with JSON Schemas, its WIT and one signature, copied into 1,000 "
            f"repositories in {seeded:.0f} s over the OCI API). Each page fetched 300 times over one "
            f"keep-alive connection after 20 warm-up requests, timed by the client from request "
            f"to last byte. {os.cpu_count()} cores; load average {load:.2f} at the end.\n\n")
    f.write("| page | median | p90 | p99 | size |\n| --- | ---: | ---: | ---: | ---: |\n")
    for name, r in rows:
        f.write(f"| {name} | {r['median']:.2f} ms | {r['p90']:.2f} ms | {r['p99']:.2f} ms | "
                f"{r['size'] / 1024:.0f} KiB |\n")
    f.write("\nGoal: a component page under 50 ms with 1,000 components in the registry.\n")
print(open(out).read())
PY
if [ "$write_docs" = "--write-docs" ]; then
  python3 "$here/bench/write_section.py" "$here/docs/benchmarks.md" "Web catalog" "$work/section.md"
fi
