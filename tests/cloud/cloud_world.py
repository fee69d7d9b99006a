"""What the cloud tests share: a registry with two users (alice, bob) logged in from homes of
their own, the environment versions alice pushed (alice/tools 1.0.0 and 1.1.0, whose probe
sees MODE "one" and "two", with a webhook member; alice/greedy with a timeout and no memory
limit; alice/timed with a schedule every minute), and cloud nodes on a store (SQLite, or the
PostgreSQL server ASTERAI_TEST_POSTGRES names) whose schedules run on a fast clock."""
import base64
import os
import sqlite3
import subprocess
import tempfile
import time

from served import Served

MINUTE = 60


def run(asterai, args, env, ok=True, stdin=None):
    r = subprocess.run([asterai, *args], capture_output=True, text=True, timeout=300, env=env,
                       input=stdin)
    if ok and r.returncode != 0:
        raise AssertionError(f"asterai {' '.join(args)} exited {r.returncode}: {r.stderr}")
    return r


def basic(user, key):
    return "Basic " + base64.b64encode(f"{user}:{key}".encode()).decode()


class World:
    """The registry, its users, the pushed versions and a node; shared by the tests."""

    def __init__(self, asterai, components):
        probe = os.path.join(components, "sandbox-probe.wasm")
        http_probe = os.path.join(components, "http-probe.wasm")
        self.asterai = asterai
        self.dir = tempfile.TemporaryDirectory(prefix="cloud-")
        root = os.path.join(self.dir.name, "registry")
        self.registry = Served([asterai, "registry", "--root", root, "serve", "--listen",
                                "127.0.0.1:0"])
        self.host = f"127.0.0.1:{self.registry.port}"
        self.keys = {}
        self.homes = {}
        for user in ("alice", "bob"):
            admin_env = dict(os.environ, ASTERAI_HOME=os.path.join(self.dir.name, "admin"))
            self.run(["registry", "--root", root, "user", "create", user], admin_env)
            key = self.run(["registry", "--root", root, "key", "issue", user, "--label", "t"],
                      admin_env).stdout.split("\n", 1)[0]
            self.keys[user] = key
            home = os.path.join(self.dir.name, "home-" + user)
            os.makedirs(home)
            self.homes[user] = dict(os.environ, ASTERAI_HOME=home, ASTERAI_REGISTRY=self.host)
            self.run(["login", self.host, "-u", user, "--password-stdin"], self.homes[user],
                stdin=key + "\n")
        a = self.homes["alice"]
        # alice/tools: the probe (MODE "one", then "two") and a webhook handler.
        self.run(["env", "init", "alice/tools"], a)
        self.run(["env", "add", "alice/tools", "probe", probe], a)
        self.run(["env", "add", "alice/tools", "web", http_probe], a)
        self.run(["env", "set-var", "alice/tools", "MODE", "one"], a)
        self.run(["env", "grant", "alice/tools", "probe", "--var", "MODE"], a)
        for member in ("probe", "web"):
            self.run(["env", "limit", "alice/tools", member, "--timeout", "5s", "--max-memory",
                 "64MiB"], a)
        self.run(["env", "push", "alice/tools", "--version", "1.0.0"], a)
        self.run(["env", "set-var", "alice/tools", "MODE", "two"], a)
        self.run(["env", "push", "alice/tools", "--version", "1.1.0"], a)
        # alice/greedy: no memory limit, over the node's plan.
        self.run(["env", "init", "alice/greedy"], a)
        self.run(["env", "add", "alice/greedy", "probe", probe], a)
        self.run(["env", "limit", "alice/greedy", "probe", "--timeout", "5s"], a)
        self.run(["env", "push", "alice/greedy", "--version", "1.0.0"], a)
        # alice/timed: a schedule calling the probe's ping every minute.
        self.run(["env", "init", "alice/timed"], a)
        self.run(["env", "add", "alice/timed", "probe", probe], a)
        self.run(["env", "limit", "alice/timed", "probe", "--timeout", "5s", "--max-memory",
                  "64MiB"], a)
        self.run(["env", "schedule", "add", "alice/timed", "tick", "--member", "probe",
                  "--function", "ping", "--cron", "* * * * *"], a)
        self.run(["env", "push", "alice/timed", "--version", "1.0.0"], a)
        # Nodes run schedules on one fast clock (a minute per real second), agreeing on it
        # however far apart they start.
        self.real_start = time.time()
        self.clock_start = int(self.real_start) // 60 * 60 + 30
        self.store = os.environ.get("ASTERAI_TEST_POSTGRES") or "sqlite:" + os.path.join(
            self.dir.name, "store.db")
        # The cloud's secrets key: one file every node is given (docs/cloud.md).
        self.secrets_key = os.path.join(self.dir.name, "secrets.key")
        with open(os.open(self.secrets_key, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "w") as f:
            f.write(os.urandom(32).hex() + "\n")
        self.node = None

    def run(self, args, env, ok=True, stdin=None):
        return run(self.asterai, args, env, ok, stdin)

    def new_node(self, *flags, secrets=True):
        """A node on the shared store (its own compile cache is the test's), keeping tenants'
        secrets with the cloud's key unless `secrets` is false."""
        now = self.clock_start + int((time.time() - self.real_start) * MINUTE)
        env = dict(self.homes["alice"], ASTERAI_CLOCK=f"{now}*{MINUTE}")
        keep = ["--secrets-key-file", self.secrets_key] if secrets else []
        return Served([self.asterai, "cloud", "node", "--listen", "127.0.0.1:0", "--registry",
                       self.host, "--store", self.store, "--max-memory", "128MiB",
                       "--max-timeout", "10s", "--no-access-log", "--schedule-lease", "3s",
                       *keep, *flags], env=env)

    def sql(self, query):
        """Rows of a query on the store, as tuples of text."""
        if self.store.startswith("sqlite:"):
            db = sqlite3.connect(self.store[len("sqlite:"):])
            rows = [tuple(str(v) for v in row) for row in db.execute(query)]
            db.close()
            return rows
        out = subprocess.run(["psql", "-At", "-F", "\t", self.store, "-c", query],
                             capture_output=True, text=True, check=True).stdout
        return [tuple(line.split("\t")) for line in out.splitlines() if line]

    def start_node(self):
        self.node = self.new_node()
        self.cloud = f"http://127.0.0.1:{self.node.port}"

    def stored_call_ids(self):
        return [row[0] for row in self.sql("SELECT call_id FROM usage")]

    def schedule_runs(self, env="alice/timed"):
        """(id, slot, outcome) of the environment's schedule runs, by slot."""
        return [(int(i), int(slot), outcome) for i, slot, outcome in self.sql(
            f"SELECT id, slot, outcome FROM schedule_runs WHERE env = '{env}' ORDER BY slot")]

    def lease_holder(self, env="alice/timed"):
        rows = self.sql(f"SELECT holder FROM leases WHERE name = 'schedules/{env}'")
        return rows[0][0] if rows else None

    def close(self):
        if self.node:
            self.node.close()
        self.registry.close()
        self.dir.cleanup()
