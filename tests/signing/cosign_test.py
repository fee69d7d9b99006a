#!/usr/bin/env python3
"""Signing end to end with the real binaries: `asterai key generate`, `push --sign`, `sign`,
`verify` and `trust`, against an `asterai registry serve` on loopback, and cosign itself in
both directions (cosign verifies what asterai signed with asterai's key; asterai verifies
what cosign signed with cosign's key, and signs with a cosign key file). The trust policy
then decides what `pull` and `call REF` accept.

usage: cosign_test.py ASTERAI COSIGN COMPONENTS_DIR SOURCE_DIR
"""
import base64
import json
import os
import stat
import subprocess
import sys
import tempfile
import unittest

ASTERAI, COSIGN, COMPONENTS, SOURCE = sys.argv[1:5]
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from served import registry_with_users  # noqa: E402

SIGNATURE_EXIT = 24
world = None


class World:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="signing-")
        d = self.dir.name
        self.registry, self.host, keys = registry_with_users(ASTERAI, d, ["alice"])
        key = keys["alice"]
        # cosign reads Docker's config; asterai reads its own login first, then Docker's.
        docker = os.path.join(d, "docker")
        os.makedirs(docker)
        with open(os.path.join(docker, "config.json"), "w") as f:
            auth = base64.b64encode(f"alice:{key}".encode()).decode()
            json.dump({"auths": {self.host: {"auth": auth}}}, f)
        self.keys = os.path.join(d, "keys")
        os.makedirs(self.keys)
        self.env = {}
        for who in ("publisher", "consumer"):
            home = os.path.join(d, who)
            os.makedirs(home)
            self.env[who] = dict(os.environ, ASTERAI_HOME=home, DOCKER_CONFIG=docker,
                                 ASTERAI_KEY_PASSWORD="asterai pw", COSIGN_PASSWORD="cosign pw",
                                 ASTERAI_CACHE_DIR=os.environ.get("ASTERAI_CACHE_DIR", ""))
        self.env["consumer"].pop("ASTERAI_KEY_PASSWORD")
        self.env["consumer"].pop("COSIGN_PASSWORD")

    def ref(self, version):
        return f"{self.host}/alice/tool:{version}"

    def close(self):
        self.registry.close()
        self.dir.cleanup()


def execute(binary, args, env, ok, cwd):
    # A session of its own: no terminal to prompt on, as in CI.
    r = subprocess.run([binary, *args], capture_output=True, text=True, timeout=300, env=env,
                       cwd=cwd, start_new_session=True)
    if ok and r.returncode != 0:
        name = os.path.basename(binary)
        raise AssertionError(f"{name} {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r


def run(args, env, ok=True, cwd=None):
    return execute(ASTERAI, args, env, ok, cwd)


def cosign(args, env, ok=True, cwd=None):
    return execute(COSIGN, args, env, ok, cwd)


def push(version, component, env, *extra):
    out = run(["push", os.path.join(COMPONENTS, component), world.ref(version), "--json",
               *extra], env).stdout
    return json.loads(out)


def setUpModule():
    global world
    world = World()


def tearDownModule():
    world.close()


class Signing(unittest.TestCase):
    def test_1_keys_are_generated_encrypted_and_never_overwritten(self):
        p = world.env["publisher"]
        out = json.loads(run(["key", "generate", "--out", "asterai", "--json"], p,
                             cwd=world.keys).stdout)
        private = os.path.join(world.keys, "asterai.key")
        self.assertEqual(stat.S_IMODE(os.stat(private).st_mode), 0o600)
        with open(private) as f:
            self.assertIn("ENCRYPTED SIGSTORE PRIVATE KEY", f.read())
        self.assertEqual(len(out["id"]), 16)
        again = run(["key", "generate", "--out", "asterai"], p, ok=False, cwd=world.keys)
        self.assertEqual(again.returncode, 16, again.stderr)
        self.assertIn("exists", again.stderr)
        no_password = dict(p)
        no_password.pop("ASTERAI_KEY_PASSWORD")
        no_password.pop("COSIGN_PASSWORD")
        r = run(["key", "generate", "--out", "other"], no_password, ok=False, cwd=world.keys)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("ASTERAI_KEY_PASSWORD", r.stderr)
        self.assertFalse(os.path.exists(os.path.join(world.keys, "other.key")))
        cosign(["generate-key-pair"], p, cwd=world.keys)

    def test_2_asterai_signs_and_cosign_verifies(self):
        p = world.env["publisher"]
        key = os.path.join(world.keys, "asterai.key")
        wrong = dict(p, ASTERAI_KEY_PASSWORD="not it")
        r = run(["push", os.path.join(COMPONENTS, "kitchen-sink-c.wasm"), world.ref("1.0.0"),
                 "--sign", key], wrong, ok=False)
        self.assertEqual(r.returncode, 17, r.stderr)
        self.assertIn("wrong password", r.stderr)
        tags = run(["tags", f"{world.host}/alice/tool"], p, ok=False)
        self.assertNotIn("1.0.0", tags.stdout, "a wrong password pushes nothing")

        pushed = push("1.0.0", "kitchen-sink-c.wasm", p, "--sign", key)
        self.assertEqual(len(pushed["signed_by"]), 16)
        v = json.loads(run(["verify", world.ref("1.0.0"), "--key",
                            os.path.join(world.keys, "asterai.pub"), "--json"], p).stdout)
        self.assertEqual(v["signers"], [pushed["signed_by"]])
        self.assertEqual(v["digest"], pushed["digest"])
        ok = cosign(["verify", "--key", os.path.join(world.keys, "asterai.pub"),
                     "--insecure-ignore-tlog=true", "--allow-http-registry",
                     world.ref("1.0.0")], p)
        self.assertIn(pushed["digest"], ok.stdout)
        bad = cosign(["verify", "--key", os.path.join(world.keys, "cosign.pub"),
                      "--insecure-ignore-tlog=true", "--allow-http-registry",
                      world.ref("1.0.0")], p, ok=False)
        self.assertNotEqual(bad.returncode, 0)

    def test_3_cosign_signs_and_asterai_verifies(self):
        p = world.env["publisher"]
        pushed = push("2.0.0", "sandbox-probe.wasm", p)
        cosign(["sign", "--key", os.path.join(world.keys, "cosign.key"), "--tlog-upload=false",
                "--allow-http-registry", "-y",
                f"{world.host}/alice/tool@{pushed['digest']}"], p)
        v = json.loads(run(["verify", world.ref("2.0.0"), "--key",
                            os.path.join(world.keys, "cosign.pub"), "--json"], p).stdout)
        self.assertEqual(len(v["signers"]), 1)
        wrong = run(["verify", world.ref("2.0.0"), "--key",
                     os.path.join(world.keys, "asterai.pub")], p, ok=False)
        self.assertEqual(wrong.returncode, SIGNATURE_EXIT, wrong.stderr)
        self.assertIn("none valid", wrong.stderr)
        # asterai signs with cosign's key file too (its password from COSIGN_PASSWORD, as
        # cosign takes it); both signatures then stand side by side.
        cosign_env = dict(p)
        cosign_env.pop("ASTERAI_KEY_PASSWORD")
        r = run(["sign", world.ref("1.0.0"), "--key", os.path.join(world.keys, "cosign.key")],
                cosign_env)
        self.assertIn("signed", r.stdout)
        both = json.loads(run(["verify", world.ref("1.0.0"), "--key",
                               os.path.join(world.keys, "asterai.pub"), "--key",
                               os.path.join(world.keys, "cosign.pub"), "--json"], p).stdout)
        self.assertEqual(len(both["signers"]), 2)
        cosign(["verify", "--key", os.path.join(world.keys, "cosign.pub"),
                "--insecure-ignore-tlog=true", "--allow-http-registry", world.ref("1.0.0")], p)

    def test_4_the_trust_policy_decides_what_pull_and_call_accept(self):
        c = world.env["consumer"]
        push("3.0.0", "http-probe.wasm", world.env["publisher"])  # never signed
        run(["trust", "add", f"{world.host}/alice", os.path.join(world.keys, "asterai.pub"),
             "--policy", "require"], c)
        shown = json.loads(run(["show", world.ref("1.0.0"), "--json"], c).stdout)
        self.assertEqual(shown["signatures"]["count"], 2)  # asterai's key and cosign's
        self.assertEqual(len(shown["signatures"]["trusted_signers"]), 1)
        self.assertIn("signed    2 signature(s), by trusted key",
                      run(["show", world.ref("1.0.0"), "--no-wit"], c).stdout)
        pulled = json.loads(run(["pull", world.ref("1.0.0"), "--json"], c).stdout)
        self.assertEqual(len(pulled["signed_by"]), 1)
        self.assertEqual(run(["call", world.ref("1.0.0"), "add", "1", "2"], c).stdout.strip(),
                         "3")

        refused = run(["pull", world.ref("2.0.0")], c, ok=False)
        self.assertEqual(refused.returncode, SIGNATURE_EXIT, refused.stderr)
        self.assertIn("none valid by a key trusted", refused.stderr)
        refused = run(["call", world.ref("3.0.0"), "anything"], c, ok=False)
        self.assertEqual(refused.returncode, SIGNATURE_EXIT, refused.stderr)
        self.assertIn("is not signed", refused.stderr)
        stored = run(["ls", "--json"], c).stdout
        self.assertNotIn("2.0.0", stored, "nothing refused is stored")
        self.assertNotIn("3.0.0", stored)

        run(["trust", "add", f"{world.host}/alice", os.path.join(world.keys, "cosign.pub")], c)
        run(["pull", world.ref("2.0.0")], c)
        run(["trust", "policy", f"{world.host}/alice", "warn"], c)
        warned = run(["pull", world.ref("3.0.0")], c)
        self.assertIn("warning:", warned.stderr)
        self.assertIn("is not signed", warned.stderr)
        listed = json.loads(run(["trust", "ls", "--json"], c).stdout)
        self.assertEqual(listed[0]["policy"], "warn")
        self.assertEqual(len(listed[0]["keys"]), 2)
        # Back to require: the stored, unsigned 3.0.0 no longer runs.
        run(["trust", "policy", f"{world.host}/alice", "require"], c)
        refused = run(["call", world.ref("3.0.0"), "anything"], c, ok=False)
        self.assertEqual(refused.returncode, SIGNATURE_EXIT, refused.stderr)

    def test_5_bad_input(self):
        c = world.env["consumer"]
        r = run(["trust", "add", f"{world.host}/alice:1.0", os.path.join(world.keys,
                                                                          "asterai.pub")],
                c, ok=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        r = run(["trust", "add", "x", os.path.join(world.keys, "asterai.key")], c, ok=False)
        self.assertEqual(r.returncode, 15, r.stderr)
        r = run(["trust", "policy", "x", "sometimes"], c, ok=False)
        self.assertEqual(r.returncode, 2, r.stderr)
        r = run(["verify", world.ref("9.9.9"), "--key", os.path.join(world.keys, "asterai.pub")],
                c, ok=False)
        self.assertEqual(r.returncode, 14, r.stderr)
        r = run(["sign", world.ref("1.0.0"), "--key", os.path.join(world.keys, "asterai.pub")],
                world.env["publisher"], ok=False)
        self.assertEqual(r.returncode, 15, r.stderr)
        self.assertIn("not an encrypted private key", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
