#!/usr/bin/env python3
"""`asterai serve --listen` with proxy components, end to end against the real binaries:
the same requests answered the same by asterai and by `wasmtime serve` (of the Wasmtime
version asterai embeds), the access log line, the command's errors, and the webhook examples
with signed and forged deliveries.

usage: serve_http_test.py ASTERAI WASMTIME COMPONENTS_DIR SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

ASTERAI, WASMTIME, COMPONENTS, SOURCE = sys.argv[1:5]
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from served import Served, free_port  # noqa: E402
PROBE = os.path.join(COMPONENTS, "http-probe.wasm")


def asterai_serve(*args, env=None):
    return Served([ASTERAI, "serve", "--listen", "127.0.0.1:0", *args], env=env)


class SameAnswersAsWasmtimeServe(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.access(WASMTIME, os.X_OK):
            raise AssertionError(f"{WASMTIME} is missing: run scripts/install-wasmtime-cli.sh")
        cls.asterai = asterai_serve(PROBE)
        port = free_port()
        cls.wasmtime = Served([WASMTIME, "serve", "-Scli", f"--addr=127.0.0.1:{port}", PROBE],
                              port=port)

    @classmethod
    def tearDownClass(cls):
        cls.asterai.close()
        cls.wasmtime.close()

    def same(self, method, path, body=None, headers=None):
        ours = self.asterai.request(method, path, body, headers)
        theirs = self.wasmtime.request(method, path, body, headers)
        self.assertEqual(ours, theirs, f"{method} {path}")
        return ours

    def test_hello(self):
        status, ctype, body = self.same("GET", "/hello")
        self.assertEqual((status, ctype, body), (200, "text/plain", b"hello, world\n"))

    def test_status_query_and_not_found(self):
        self.assertEqual(self.same("GET", "/status?code=418")[0], 418)
        self.assertEqual(self.same("DELETE", "/status?code=202")[0], 202)
        self.assertEqual(self.same("GET", "/nowhere")[0], 404)

    def test_echo_of_a_body(self):
        data = bytes(range(256)) * 4096  # 1 MiB
        status, ctype, body = self.same("POST", "/echo", data,
                                        {"content-type": "application/x-test"})
        self.assertEqual((status, ctype, body), (200, "application/x-test", data))

    def test_the_request_seen_by_the_guest(self):
        ours = json.loads(self.asterai.request("PUT", "/info?a=1", b"x", {"x-k": "v"})[2])
        theirs = json.loads(self.wasmtime.request("PUT", "/info?a=1", b"x", {"x-k": "v"})[2])
        for key in ("method", "path", "query"):
            self.assertEqual(ours[key], theirs[key], key)
        self.assertEqual(ours["headers"]["x-k"], "v")
        self.assertEqual(theirs["headers"]["x-k"], "v")

    def test_a_trap_and_no_answer_are_server_errors_for_both(self):
        for path in ("/trap", "/drop"):
            self.assertEqual(self.asterai.request("GET", path)[0], 500, path)
            self.assertEqual(self.wasmtime.request("GET", path)[0], 500, path)
        self.assertEqual(self.asterai.request("GET", "/hello")[0], 200)

    def test_each_request_is_logged_as_one_json_line(self):
        self.asterai.request("GET", "/status?code=207")
        deadline = time.time() + 30
        while time.time() < deadline:
            lines = [json.loads(l) for l in self.asterai.stderr().splitlines()
                     if l.startswith("{")]
            hits = [l for l in lines if l.get("target") == "/status?code=207"]
            if hits:
                line = hits[-1]
                self.assertEqual(line["event"], "http")
                self.assertEqual(line["status"], 207)
                self.assertEqual(line["member"], "http-probe")
                self.assertIn("ms", line)
                self.assertIn("peak_memory", line)
                return
            time.sleep(0.05)
        self.fail("no access log line: " + self.asterai.stderr())


class CommandErrors(unittest.TestCase):
    def run_asterai(self, *args):
        return subprocess.run([ASTERAI, *args], capture_output=True, text=True, timeout=120)

    def test_a_bad_body_limit_is_a_usage_error(self):
        r = self.run_asterai("serve", "--listen", "127.0.0.1:0", "--http-max-body", "lots", PROBE)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("--http-max-body", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_a_handler_named_like_a_reserved_path_is_refused(self):
        r = self.run_asterai("serve", "--listen", "127.0.0.1:0", f"mcp={PROBE}", f"b={PROBE}")
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("/mcp is the server's own", r.stderr)


class Webhooks(unittest.TestCase):
    SEND = os.path.join(SOURCE, "examples", "webhook", "send.py")

    def deliver(self, server, secret, *extra):
        r = subprocess.run([sys.executable, self.SEND, f"http://127.0.0.1:{server.port}/", secret,
                            *extra], capture_output=True, text=True, timeout=120)
        return r.stdout

    def check(self, component):
        env = dict(os.environ, WEBHOOK_SECRET="It's a Secret to Everybody")
        with asterai_serve("--env", "WEBHOOK_SECRET", component, env=env) as s:
            self.assertIn("200", self.deliver(s, "It's a Secret to Everybody"))
            self.assertIn("401", self.deliver(s, "It's a Secret to Everybody", "--forge"))
            self.assertIn("401", self.deliver(s, "another secret"))
        # Not granted: the handler does not see the host's variable.
        with asterai_serve(component, env=env) as s:
            self.assertIn("500", self.deliver(s, "It's a Secret to Everybody"))

    def test_c(self):
        self.check(os.path.join(COMPONENTS, "webhook-c.wasm"))

    def test_python(self):
        self.check(os.path.join(COMPONENTS, "webhook-py.wasm"))


class EnvironmentRoutes(unittest.TestCase):
    """Members of an environment that handle HTTP, mounted by the document, next to tools."""

    def setUp(self):
        self.home = tempfile.TemporaryDirectory(prefix="serve-http-env-")
        self.env = dict(os.environ, ASTERAI_HOME=self.home.name)
        self.env.pop("ASTERAI_SECRET_KEY", None)

    def tearDown(self):
        self.home.cleanup()

    def asterai(self, *args, stdin=None):
        r = subprocess.run([ASTERAI, *args], input=stdin, capture_output=True, text=True,
                           timeout=300, env=self.env)
        self.assertEqual(r.returncode, 0, f"{args}: {r.stderr}")
        return r

    def draft(self):
        return os.path.join(self.home.name, "envs", "drafts", "alice", "hooks.toml")

    def make_env(self, extra_for_github=""):
        self.asterai("env", "init", "alice/hooks")
        self.asterai("env", "add", "alice/hooks", "github", os.path.join(COMPONENTS, "webhook-c.wasm"))
        self.asterai("env", "add", "alice/hooks", "probe", PROBE)
        self.asterai("env", "add", "alice/hooks", "ks", os.path.join(COMPONENTS, "kitchen-sink-c.wasm"))
        self.asterai("env", "secret", "set", "WEBHOOK_SECRET", stdin="hush")
        self.asterai("env", "grant", "alice/hooks", "github", "--secret", "WEBHOOK_SECRET")
        if extra_for_github:
            with open(self.draft(), encoding="utf-8") as f:
                text = f.read()
            text = text.replace("[components.github]\n", "[components.github]\n" + extra_for_github, 1)
            with open(self.draft(), "w", encoding="utf-8") as f:
                f.write(text)

    def test_members_answer_at_their_routes_with_their_secrets(self):
        self.make_env('http = "/hooks/github"\nhttp-max-body = "2KiB"\n')
        with Served([ASTERAI, "serve", "--environment", "alice/hooks", "--listen", "127.0.0.1:0"],
                    env=self.env) as s:
            url = f"http://127.0.0.1:{s.port}/hooks/github"
            good = subprocess.run([sys.executable, Webhooks.SEND, url, "hush"],
                                  capture_output=True, text=True, timeout=120).stdout
            self.assertIn("200", good)
            forged = subprocess.run([sys.executable, Webhooks.SEND, url, "hush", "--forge"],
                                    capture_output=True, text=True, timeout=120).stdout
            self.assertIn("401", forged)
            # The member's own body limit, from the document.
            status, _, body = s.request("POST", "/hooks/github", b"x" * 4096)
            self.assertEqual(status, 413, body)
            # The probe at its default route, /probe; the tool member is still a tool.
            self.assertEqual(s.request("GET", "/probe/hello")[2], b"hello, world\n")
            self.assertEqual(s.request("GET", "/probe/env?name=WEBHOOK_SECRET")[0], 404)
            status, _, body = s.request(
                "POST", "/v1/call", json.dumps({"tool": "ks_add", "arguments": {"a": 1, "b": 2}}),
                {"content-type": "application/json"})
            self.assertEqual(status, 200, body)
            self.assertEqual(json.loads(body)["result"], 3)

    def test_a_reserved_or_taken_route_is_a_document_error_with_its_line(self):
        self.make_env('http = "/metrics/x"\n')
        r = subprocess.run([ASTERAI, "env", "inspect", "alice/hooks"], capture_output=True, text=True,
                           timeout=120, env=self.env)
        self.assertNotEqual(r.returncode, 0)
        self.assertRegex(r.stderr, r"hooks\.toml:\d+: .*/metrics is the server's own")
        with open(self.draft(), encoding="utf-8") as f:
            text = f.read().replace('http = "/metrics/x"', 'http = "/probe"')
        with open(self.draft(), "w", encoding="utf-8") as f:
            f.write(text)
        r = subprocess.run([ASTERAI, "serve", "--environment", "alice/hooks", "--listen",
                            "127.0.0.1:0"], capture_output=True, text=True, timeout=120,
                           env=self.env)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn("both handle HTTP at /probe", r.stderr)


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
