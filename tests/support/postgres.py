"""A throwaway PostgreSQL server for tests: Debian's server binaries, a data directory in a
temporary folder, loopback only, trust authentication, one database. PostgreSQL refuses to
run as root, so as root it runs as the `postgres` user (runuser).

As a program: postgres.py COMMAND... runs COMMAND with ASTERAI_TEST_POSTGRES set to the
server's URL and stops the server afterwards (exit code: COMMAND's)."""
import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile


def _bin(name):
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(f"PostgreSQL's {name} is not installed (scripts/setup.sh installs it)")
    return found[-1]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TempPostgres:
    def __init__(self, database="asterai"):
        self.dir = tempfile.mkdtemp(prefix="asterai-pg-")
        self.data = os.path.join(self.dir, "data")
        self.port = _free_port()
        as_root = os.geteuid() == 0
        self.prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        if as_root:
            shutil.chown(self.dir, "postgres")
            os.chmod(self.dir, 0o700)
        self._run([_bin("initdb"), "-D", self.data, "-U", "postgres", "--auth=trust",
                   "--no-sync", "-E", "UTF8"])
        self._run([_bin("pg_ctl"), "-D", self.data, "-l", os.path.join(self.dir, "log"), "-w",
                   "-t", "60", "-o",
                   f"-h 127.0.0.1 -p {self.port} -k {self.dir} -c max_connections=200", "start"])
        self._run([_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                   database])
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, argv):
        r = subprocess.run(self.prefix + argv, capture_output=True, text=True, cwd=self.dir)
        if r.returncode != 0:
            raise RuntimeError(f"{' '.join(argv)} failed: {r.stderr or r.stdout}")

    def stop(self):
        subprocess.run(self.prefix + [_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w",
                                      "stop"], capture_output=True, cwd=self.dir)
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":
    pg = TempPostgres()
    try:
        rc = subprocess.call(sys.argv[1:], env=dict(os.environ, ASTERAI_TEST_POSTGRES=pg.url))
    finally:
        pg.stop()
    sys.exit(rc)
