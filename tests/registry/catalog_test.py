#!/usr/bin/env python3
"""The web catalog of `asterai registry serve`, end to end over real HTTP: search, namespace and
component pages (tools, schemas, WIT, versions, signatures, commands), private components only
for their owner after signing in with user + API key, the session cookie's flags, CSRF and
cross-site form refusals, sign-out, and escaping of what publishers wrote; then the same in
Debian's chromium driven by playwright-core (catalog_browser.cjs).

usage: catalog_test.py ASTERAI COMPONENTS_DIR SOURCE_DIR
"""
import http.client
import json
import os
import subprocess
import sys
import tempfile
import unittest
import urllib.parse

ASTERAI, COMPONENTS, SOURCE = sys.argv[1:4]
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from served import registry_with_users  # noqa: E402

world = None


def run(args, env, ok=True, stdin=None):
    r = subprocess.run([ASTERAI, *args], capture_output=True, text=True, timeout=300, env=env,
                       input=stdin, start_new_session=True)
    if ok and r.returncode != 0:
        raise AssertionError(f"asterai {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r


class World:
    def __init__(self):
        self.dir = tempfile.TemporaryDirectory(prefix="catalog-")
        d = self.dir.name
        self.registry, self.host, self.keys = registry_with_users(ASTERAI, d, ["alice", "bob"])
        self.env = {}
        for user in ("alice", "bob"):
            home = os.path.join(d, "home-" + user)
            os.makedirs(home)
            self.env[user] = dict(os.environ, ASTERAI_HOME=home, ASTERAI_KEY_PASSWORD="pw")
            run(["login", self.host, "-u", user, "--password-stdin"], self.env[user],
                stdin=self.keys[user] + "\n")
        a, b = self.env["alice"], self.env["bob"]
        sink = os.path.join(COMPONENTS, "kitchen-sink-c.wasm")
        run(["key", "generate", "--out", os.path.join(d, "alice")], a)
        run(["push", sink, f"{self.host}/alice/tool:1.0.0", "--public", "--description",
             "Adds & greets", "--license", "Apache-2.0", "--source",
             "https://example.com/tool", "--sign", os.path.join(d, "alice.key")], a)
        run(["push", os.path.join(COMPONENTS, "sandbox-probe.wasm"), f"{self.host}/alice/tool:1.10.0"], a)
        run(["push", os.path.join(COMPONENTS, "http-probe.wasm"), f"{self.host}/alice/secret:0.1.0",
             "--private", "--description", "alice's private tool"], a)
        run(["push", sink, f"{self.host}/bob/sneaky:1.0.0", "--public", "--description",
             "<script>alert(1)</script> \"quoted\""], b)

    def close(self):
        self.registry.close()
        self.dir.cleanup()


def request(method, path, body=None, cookie=None, origin=None):
    conn = http.client.HTTPConnection("127.0.0.1", world.registry.port, timeout=30)
    headers = {}
    if cookie:
        headers["Cookie"] = f"asterai_session={cookie}"
    if origin:
        headers["Origin"] = origin
    if body is not None:
        body = urllib.parse.urlencode(body)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    text = r.read().decode()
    conn.close()
    return r.status, dict((k.lower(), v) for k, v in r.getheaders()), text


def sign_in(user):
    status, headers, _ = request("POST", "/login", {"user": user, "key": world.keys[user]},
                                 origin=f"http://{world.host}")
    assert status == 303, status
    cookie = headers["set-cookie"]
    return cookie.split(";", 1)[0].split("=", 1)[1], cookie


def csrf_of(page):
    marker = 'name="csrf" value="'
    start = page.index(marker) + len(marker)
    return page[start:page.index('"', start)]


def setUpModule():
    global world
    world = World()


def tearDownModule():
    world.close()


class Catalog(unittest.TestCase):
    def test_1_search_lists_public_components(self):
        status, headers, page = request("GET", "/")
        self.assertEqual(status, 200)
        self.assertTrue(headers["content-type"].startswith("text/html"))
        self.assertIn("default-src 'none'", headers["content-security-policy"])
        self.assertIn('href="/c/alice/tool"', page)
        self.assertIn('href="/c/bob/sneaky"', page)
        self.assertNotIn("alice/secret", page)
        _, _, found = request("GET", "/?q=greet")
        self.assertIn("alice/tool", found)
        self.assertIn('value="greet"', found)
        _, _, none = request("GET", "/?q=no-such-word-anywhere")
        self.assertIn("0 components", none)
        _, _, ns = request("GET", "/ns/alice")
        self.assertIn("alice/tool", ns)
        self.assertNotIn("bob/sneaky", ns)

    def test_2_a_component_page_has_everything(self):
        status, _, page = request("GET", "/c/alice/tool")
        self.assertEqual(status, 200)
        # Versions newest first by number: 1.10.0 before 1.0.0; `latest` is the page shown.
        self.assertLess(page.index(">1.10.0<"), page.index(">1.0.0<"))
        self.assertIn("<dd>latest</dd>", page)
        _, _, v1 = request("GET", "/c/alice/tool?v=1.0.0")
        self.assertIn("Adds &amp; greets", v1)
        self.assertIn("Apache-2.0", v1)
        self.assertIn('href="https://example.com/tool"', v1)
        self.assertIn("signed: 1 signature", v1)
        self.assertIn("<code>add</code>", v1)
        self.assertIn("Input schema", v1)
        self.assertIn("&quot;type&quot;", v1)  # the JSON Schema, escaped
        self.assertIn('<span class="k">func</span>', v1)  # highlighted WIT
        self.assertIn(f"asterai call {world.host}/alice/tool:1.0.0", v1)
        self.assertIn(f"asterai verify {world.host}/alice/tool:1.0.0", v1)
        _, _, v110 = request("GET", "/c/alice/tool?v=1.10.0")
        self.assertIn("not signed", v110)
        status, _, _ = request("GET", "/c/alice/tool?v=9.9.9")
        self.assertEqual(status, 404)
        status, _, _ = request("GET", "/c/nobody/nothing")
        self.assertEqual(status, 404)

    def test_3_what_publishers_write_is_escaped(self):
        _, _, page = request("GET", "/c/bob/sneaky")
        self.assertNotIn("<script>", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; &quot;quoted&quot;", page)
        _, _, search = request("GET", "/?q=%3Cscript%3E")
        self.assertNotIn("<script>", search)

    def test_4_private_components_only_for_their_owner(self):
        status, _, _ = request("GET", "/c/alice/secret")
        self.assertEqual(status, 404)
        status, _, page = request("POST", "/login", {"user": "alice", "key": "astk_wrong"},
                                  origin=f"http://{world.host}")
        self.assertEqual(status, 401)
        self.assertIn("Wrong user name or API key", page)
        status, _, _ = request("POST", "/login", {"user": "alice", "key": world.keys["alice"]},
                               origin="http://evil.example")
        self.assertEqual(status, 403)

        cookie, header = sign_in("alice")
        self.assertIn("HttpOnly", header)
        self.assertIn("SameSite=Strict", header)
        self.assertNotIn("Secure", header)  # plain HTTP on loopback
        status, _, page = request("GET", "/c/alice/secret", cookie=cookie)
        self.assertEqual(status, 200)
        self.assertIn("private", page)
        self.assertIn("signed in as", page)
        _, _, listed = request("GET", "/", cookie=cookie)
        self.assertIn("alice/secret", listed)

        bob, _ = sign_in("bob")
        status, _, _ = request("GET", "/c/alice/secret", cookie=bob)
        self.assertEqual(status, 404)
        status, _, _ = request("GET", "/c/alice/secret", cookie="0" * 64)
        self.assertEqual(status, 404)

    def test_5_sign_out_needs_the_sessions_csrf_token(self):
        cookie, _ = sign_in("alice")
        _, _, page = request("GET", "/", cookie=cookie)
        token = csrf_of(page)
        status, _, _ = request("POST", "/logout", {"csrf": "forged"}, cookie=cookie)
        self.assertEqual(status, 403)
        status, _, _ = request("POST", "/logout", {"csrf": token}, cookie=cookie,
                               origin="http://evil.example")
        self.assertEqual(status, 403)
        status, _, _ = request("GET", "/c/alice/secret", cookie=cookie)
        self.assertEqual(status, 200, "still signed in")
        status, headers, _ = request("POST", "/logout", {"csrf": token}, cookie=cookie)
        self.assertEqual(status, 303)
        self.assertIn("Max-Age=0", headers["set-cookie"])
        status, _, _ = request("GET", "/c/alice/secret", cookie=cookie)
        self.assertEqual(status, 404)

    def test_7_in_a_real_browser(self):
        # chromium and playwright-core come from scripts/registry/tools.sh (run_catalog_test.sh);
        # ASTERAI_CATALOG_SHOTS names a folder for the screenshots docs/registry.md shows.
        argv = ["node", os.path.join(SOURCE, "tests", "registry", "catalog_browser.cjs"),
                f"http://{world.host}", "alice", world.keys["alice"]]
        if os.environ.get("ASTERAI_CATALOG_SHOTS"):
            argv.append(os.environ["ASTERAI_CATALOG_SHOTS"])
        r = subprocess.run(argv, capture_output=True, text=True, timeout=240)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("every step passed", r.stdout)

    def test_6_the_oci_api_is_unchanged_beside_it(self):
        status, headers, _ = request("GET", "/v2/")
        self.assertEqual(status, 401)
        self.assertIn("Bearer", headers["www-authenticate"])
        status, _, body = request("GET", "/v1/search?q=greet")
        self.assertEqual(status, 200)
        self.assertEqual(json.loads(body)["results"][0]["name"], "alice/tool")
        status, _, _ = request("DELETE", "/")
        self.assertEqual(status, 405)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
