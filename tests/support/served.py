"""Server processes for the Python end-to-end tests: a free loopback port, waiting for a
listener, and a server process that is stopped (SIGTERM, then waited for) on exit."""
import http.client
import os
import socket
import subprocess
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, proc, what):
    deadline = time.time() + 120  # a loaded machine compiles the component first
    while time.time() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"{what} exited with {proc.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise AssertionError(f"{what} did not listen on {port}")


class Served:
    """A server process on loopback; stopped (SIGTERM, then waited for) on exit."""

    def __init__(self, argv, port=None, env=None):
        self.log = tempfile.NamedTemporaryFile(prefix="serve-http-", suffix=".log", delete=False)
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=self.log, env=env,
                                     text=True)
        try:
            if port is None:
                # asterai prints "listening on http://127.0.0.1:PORT (...)" once bound.
                line = self.proc.stdout.readline()
                if "http://" not in line:
                    raise AssertionError(f"no listening line: {line!r}: {self.stderr()}")
                port = int(line.split("http://", 1)[1].split(" ", 1)[0].rsplit(":", 1)[1])
            self.port = port
            wait_for_port(port, self.proc, argv[0])
        except BaseException:
            self.close()
            raise

    def stderr(self):
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            return f.read()

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        conn.request(method, path, body=body, headers=headers or {})
        r = conn.getresponse()
        data = r.read()
        conn.close()
        return r.status, r.getheader("content-type"), data

    def close(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc.stdout.close()
        self.log.close()
        os.unlink(self.log.name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def registry_with_users(asterai, folder, users):
    """`asterai registry serve` on a free loopback port over a root in `folder`, with `users`
    created and one API key issued to each. Returns (served, "127.0.0.1:PORT", {user: key})."""
    root = os.path.join(folder, "registry")
    served = Served([asterai, "registry", "--root", root, "serve", "--listen", "127.0.0.1:0"])
    admin = dict(os.environ, ASTERAI_HOME=os.path.join(folder, "admin"))
    keys = {}
    try:
        for user in users:
            for args in (["user", "create", user], ["key", "issue", user, "--label", "t"]):
                r = subprocess.run([asterai, "registry", "--root", root, *args], env=admin,
                                   capture_output=True, text=True, timeout=120)
                if r.returncode != 0:
                    raise AssertionError(f"registry {' '.join(args)}: {r.stderr}")
            keys[user] = r.stdout.split("\n", 1)[0]
    except BaseException:
        served.close()
        raise
    return served, f"127.0.0.1:{served.port}", keys
