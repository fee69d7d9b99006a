"""The files that run a cloud node elsewhere (deploy/): no cluster or image build runs here, so
this checks what can go wrong in them without one.

- The Kubernetes manifests parse, and name each other consistently: selectors match the pods'
  labels, the autoscaler targets the Deployment, every Secret, volume and port a pod uses exists.
- The node's arguments (the Dockerfile's entrypoint and the Deployment's args) are flags that
  `asterai cloud node` accepts.
- The pods run as the image's user, which is the owner of the secrets key the init container
  copies (the node refuses a key file others may read).
- The image holds every shared library the binary loads: each comes from a Debian package the
  Dockerfile installs, or one of their dependencies, or the base image's own packages. The
  host must run the Dockerfile's Debian release, whose package names it checks.

Usage: deploy_files_test.py ASTERAI_BINARY PROJECT_DIR   (Debian's Python, with python3-yaml)
"""

import re
import subprocess
import sys
from pathlib import Path

import yaml

failures = []
# The runtimes an ASan/UBSan (or TSan) build links.
SANITIZER_RUNTIMES = {"libasan8", "libubsan1", "liblsan0", "libtsan2"}


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def manifests(folder):
    docs = {}
    for path in sorted(folder.glob("*.yaml")):
        for doc in yaml.safe_load_all(path.read_text()):
            if doc:
                docs[(doc["kind"], doc["metadata"]["name"])] = doc
    return docs


def subset(small, big):
    return all(big.get(k) == v for k, v in small.items())


def check_manifests(docs, node_help, image_uid):
    deployment = docs[("Deployment", "asterai-node")]
    pod = deployment["spec"]["template"]
    labels = pod["metadata"]["labels"]
    check(subset(deployment["spec"]["selector"]["matchLabels"], labels),
          "the Deployment's selector matches its pods' labels")
    service = docs[("Service", "asterai-node")]
    check(subset(service["spec"]["selector"], labels), "the Service selects the node pods")
    pdb = docs[("PodDisruptionBudget", "asterai-node")]
    check(subset(pdb["spec"]["selector"]["matchLabels"], labels),
          "the PodDisruptionBudget selects the node pods")
    hpa = docs[("HorizontalPodAutoscaler", "asterai-node")]
    target = hpa["spec"]["scaleTargetRef"]
    check((target["kind"], target["name"]) == ("Deployment", "asterai-node"),
          "the autoscaler scales the node Deployment")
    check(hpa["spec"]["minReplicas"] > pdb["spec"]["minAvailable"],
          "the autoscaler keeps more nodes than the disruption budget needs, so drains proceed")

    spec = pod["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    containers = spec.get("initContainers", []) + spec["containers"]
    for c in containers:
        for m in c.get("volumeMounts", []):
            check(m["name"] in volumes, f"{c['name']}: the volume {m['name']} exists")
        for e in c.get("env", []):
            ref = e.get("valueFrom", {}).get("secretKeyRef")
            if ref:
                secret = docs.get(("Secret", ref["name"]), {})
                check(ref["key"] in secret.get("stringData", {}),
                      f"{c['name']}: the Secret {ref['name']} has the key {ref['key']}")
    for name, v in volumes.items():
        if "secret" in v:
            check(("Secret", v["secret"]["secretName"]) in docs,
                  f"the volume {name} names a Secret these files define")

    node = spec["containers"][0]
    ports = {p["name"] for p in node["ports"]}
    for probe in ("readinessProbe", "livenessProbe"):
        check(node[probe]["httpGet"]["port"] in ports, f"the node's {probe} uses a named port")
    check(service["spec"]["ports"][0]["targetPort"] in ports, "the Service targets a named port")
    for flag in (a for a in node["args"] if a.startswith("--")):
        check(re.search(r"(^|\s)" + re.escape(flag) + r"\b", node_help) is not None,
              f"`asterai cloud node` accepts the Deployment's {flag}")

    context = spec["securityContext"]
    check(context.get("runAsNonRoot") is True and context.get("runAsUser") == image_uid,
          f"the pods run as the image's user ({image_uid}), never as root")
    key_flag = node["args"].index("--secrets-key-file")
    key_file = node["args"][key_flag + 1]
    copier = next((c for c in spec.get("initContainers", []) if key_file in c["command"]), None)
    check(copier is not None, f"an init container writes the node's key file {key_file}")
    if copier:
        command = " ".join(copier["command"])
        check(f"-m 0600 -o {image_uid} " in command,
              f"the key file belongs to {image_uid} with mode 0600, as the node requires")


def packages_of_libraries(binary):
    """The Debian packages holding the shared libraries the binary links or opens."""
    linked = subprocess.run(["ldd", str(binary)], capture_output=True, text=True, check=True)
    paths = set(re.findall(r"=> (/\S+)", linked.stdout))
    # Libraries loaded with dlopen (libpq, libcurl) are named in the binary as sonames.
    known = subprocess.run(["/sbin/ldconfig", "-p"], capture_output=True, text=True,
                           check=True).stdout
    for soname in set(re.findall(rb"lib[a-z0-9_+-]+\.so\.[0-9]+", binary.read_bytes())):
        m = re.search(r"^\s*" + re.escape(soname.decode()) + r" \(libc6,x86-64\) => (\S+)$",
                      known, re.M)
        if m:
            paths.add(m.group(1))
    packages = {}
    for path in sorted(paths):
        owner = subprocess.run(["dpkg", "-S", str(Path(path).resolve())], capture_output=True,
                               text=True)
        if owner.returncode != 0:  # /lib is a link to /usr/lib on bookworm: try both spellings
            owner = subprocess.run(["dpkg", "-S", path], capture_output=True, text=True)
        check(owner.returncode == 0, f"{path} comes from a Debian package")
        if owner.returncode == 0:
            packages[path] = owner.stdout.split(":")[0]
    return packages


def installed_packages():
    """Package -> (priority, the names it depends on), for every package installed here."""
    out = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package}\t${Status}\t${Priority}\t${Depends},${Pre-Depends}\n"],
        capture_output=True, text=True, check=True).stdout
    packages = {}
    for line in out.splitlines():
        name, status, priority, depends = line.split("\t")
        if status.endswith(" installed"):
            names = [alt.split("|")[0].strip().split(" ")[0].split(":")[0]
                     for alt in depends.split(",")]
            packages[name] = (priority, [n for n in names if n])
    return packages


def with_dependencies(names, packages):
    """The packages and everything they depend on, as installed here."""
    seen, todo = set(), list(names)
    while todo:
        name = todo.pop()
        if name in seen or name not in packages:
            continue
        seen.add(name)
        todo.extend(packages[name][1])
    return seen


def check_image(dockerfile, binary):
    text = dockerfile.read_text()
    release = re.search(r"^FROM debian:([a-z]+)", text, re.M).group(1)
    host = Path("/etc/os-release").read_text()
    check(f"VERSION_CODENAME={release}" in host,
          f"the host runs Debian {release}, the image's base (its package names are checked)")
    listed = re.search(r"apt-get install -y --no-install-recommends ([^&]*)&&", text, re.S)
    listed = [p for p in listed.group(1).replace("\\", " ").split() if p]
    packages = installed_packages()
    for p in listed:
        check(p in packages, f"{p} is a {release} package")
    # debian:*-slim holds the Priority: required packages and apt.
    base = [p for p, (priority, _) in packages.items() if priority == "required"] + ["apt"]
    present = with_dependencies(listed + base, packages)
    for path, package in packages_of_libraries(binary).items():
        if package in SANITIZER_RUNTIMES:
            continue  # a sanitizer build (CI's second stage) is never put in the image
        check(package in present, f"{Path(path).name} ({package}) is in the image")


def main():
    binary, project = Path(sys.argv[1]), Path(sys.argv[2])
    node_help = subprocess.run([str(binary), "cloud", "node", "--help"], capture_output=True,
                               text=True, check=True).stdout
    dockerfile = project / "deploy/Dockerfile"
    entry = re.search(r"^ENTRYPOINT (\[.*\])$", dockerfile.read_text(), re.M).group(1)
    for flag in re.findall(r'"(--[a-z-]+)"', entry):
        check(flag in node_help, f"`asterai cloud node` accepts the Dockerfile's {flag}")
    uid = int(re.search(r"^USER (\d+)", dockerfile.read_text(), re.M).group(1))
    check_manifests(manifests(project / "deploy/kubernetes"), node_help, uid)
    check_image(dockerfile, binary)
    if failures:
        print(f"{len(failures)} check(s) failed", file=sys.stderr)
        sys.exit(1)
    print("all deploy file checks passed")


if __name__ == "__main__":
    main()
