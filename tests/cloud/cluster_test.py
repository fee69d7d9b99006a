#!/usr/bin/env python3
"""Three `asterai cloud node`s on one PostgreSQL store behind haproxy (Debian's), all on
loopback: deploy through the balancer, roll forward and back under load with no failed call,
keep an MCP session on its node (the balancer's stick table), then `kill -9` one node under
load: the balancer moves on, and the usage table holds every
call a client saw answered, once. A deployment's schedules run on the node holding their
lease; `kill -9` of that node moves them to another one, and every slot has one row.

usage: cluster_test.py ASTERAI COMPONENTS_DIR SOURCE_DIR   (ASTERAI_TEST_POSTGRES: the store;
tests/support/postgres.py starts one)
"""
import concurrent.futures
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest

ASTERAI, COMPONENTS, SOURCE = sys.argv[1:4]
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from cloud_world import World, basic  # noqa: E402
from served import free_port, wait_for_port  # noqa: E402

NODES = 3


class Balancer:
    """haproxy round-robin over the nodes, checking /healthz every 200 ms."""

    def __init__(self, ports):
        self.dir = tempfile.mkdtemp(prefix="asterai-haproxy-")
        self.port = free_port()
        servers = "\n".join(
            f"  server n{i} 127.0.0.1:{p} check inter 200ms fall 1 rise 2"
            for i, p in enumerate(ports))
        config = f"""global
  maxconn 1024
defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  retries 3
  option redispatch
frontend cloud
  bind 127.0.0.1:{self.port}
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /healthz
  # An MCP session lives on the node that opened it: learn its id from the answer to
  # initialize, and send every request carrying it to that node (docs/cloud.md).
  stick-table type string len 64 size 100k expire 1h
  stick store-response res.hdr(Mcp-Session-Id)
  stick match req.hdr(Mcp-Session-Id)
{servers}
"""
        path = os.path.join(self.dir, "haproxy.cfg")
        with open(path, "w") as f:
            f.write(config)
        self.log = open(os.path.join(self.dir, "log"), "w")
        self.proc = subprocess.Popen([shutil.which("haproxy") or "/usr/sbin/haproxy", "-db",
                                      "-f", path], stdout=subprocess.DEVNULL, stderr=self.log)
        wait_for_port(self.port, self.proc, "haproxy")

    def close(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


world = None
nodes = []
balancer = None


def setUpModule():
    global world, balancer
    if not os.environ.get("ASTERAI_TEST_POSTGRES"):
        raise unittest.SkipTest("needs ASTERAI_TEST_POSTGRES (run under tests/support/postgres.py)")
    world = World(ASTERAI, COMPONENTS)
    for _ in range(NODES):
        nodes.append(world.new_node())
    balancer = Balancer([n.port for n in nodes])
    world.cloud = f"http://127.0.0.1:{balancer.port}"


def tearDownModule():
    if balancer:
        balancer.close()
    for n in nodes:
        n.close()
    if world:
        world.close()


def get_mode():
    conn = http.client.HTTPConnection("127.0.0.1", balancer.port, timeout=60)
    conn.request("POST", "/alice/tools/v1/call",
                 body=json.dumps({"tool": "probe_probe_get-env", "arguments": ["MODE"]}),
                 headers={"Authorization": basic("alice", world.keys["alice"]),
                          "Content-Type": "application/json"})
    r = conn.getresponse()
    body = json.loads(r.read())
    conn.close()
    return r.status, body


def cli(*args, ok=True):
    return world.run([*args, "--cloud", world.cloud], world.homes["alice"], ok=ok)


def spool_report(*watched):
    """What a failed metering check needs: the schedule's usage rows, the shared spool
    folder, and the last lines each watched node wrote."""
    rows = world.sql("SELECT call_id, outcome FROM usage WHERE call_id LIKE 'schedule-run-%'"
                     " ORDER BY call_id")
    spool = os.path.join(world.homes["alice"]["ASTERAI_HOME"], "cloud", "spool")
    files = sorted(os.listdir(spool)) if os.path.isdir(spool) else []
    logs = "\n".join(f"node {n.proc.pid} (exit {n.proc.poll()}):\n" + n.stderr()[-3000:]
                     for n in watched if n)
    return f"stored: {rows}\nspool: {files}\n{logs}"


class Load:
    """Four clients calling through the balancer until stopped."""

    def __init__(self):
        self.answered, self.failed = [], []
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.pool = concurrent.futures.ThreadPoolExecutor(4)
        self.futures = [self.pool.submit(self.client) for _ in range(4)]

    def client(self):
        while not self.stop.is_set():
            try:
                status, body = get_mode()
            except (OSError, http.client.HTTPException, ValueError) as e:
                with self.lock:
                    self.failed.append((time.time(), repr(e)))
                continue
            with self.lock:
                if status == 200 and body.get("ok"):
                    self.answered.append((time.time(), body["call_id"], body["result"]))
                else:
                    self.failed.append((time.time(), status, body))

    def finish(self):
        self.stop.set()
        for f in self.futures:
            f.result()
        self.pool.shutdown()


class Cluster(unittest.TestCase):
    def test_1_rolling_forward_and_back_fails_no_call(self):
        cli("deploy", "alice/tools@1.0.0")
        self.assertEqual(get_mode()[1].get("result"), "one")
        load = Load()
        time.sleep(1)
        cli("deploy", "alice/tools@1.1.0")
        time.sleep(2)  # every node rechecks the store within a second
        cli("deploy", "rollback", "alice/tools")
        time.sleep(2)
        load.finish()
        self.assertEqual(load.failed, [])
        results = [r for _, _, r in load.answered]
        self.assertIn("two", results)
        # After the rollback settled, every node answers with 1.0.0 again.
        self.assertEqual({get_mode()[1]["result"] for _ in range(9)}, {"one"})

    def test_1b_an_mcp_session_stays_on_the_node_that_opened_it(self):
        # Round robin would send the session's later requests to the other nodes, which do
        # not know it (404); the balancer's stick table keeps them on its node.
        auth = {"Authorization": basic("alice", world.keys["alice"]),
                "Content-Type": "application/json",
                "Accept": "application/json, text/event-stream"}

        def post(message, session=None):
            conn = http.client.HTTPConnection("127.0.0.1", balancer.port, timeout=60)
            headers = dict(auth, **({"Mcp-Session-Id": session} if session else {}))
            conn.request("POST", "/alice/tools/mcp", body=json.dumps(message), headers=headers)
            r = conn.getresponse()
            answer = (r.status, r.getheader("Mcp-Session-Id"), r.read())
            conn.close()
            return answer

        status, session, body = post({
            "jsonrpc": "2.0", "id": 1, "method": "initialize",
            "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                       "clientInfo": {"name": "t", "version": "1"}}})
        self.assertEqual(status, 200, body)
        self.assertTrue(session, body)
        status, _, body = post({"jsonrpc": "2.0", "method": "notifications/initialized"}, session)
        self.assertEqual(status, 202, body)
        for i in range(2, 2 + 3 * NODES):
            status, _, body = post({"jsonrpc": "2.0", "id": i, "method": "tools/list"}, session)
            self.assertEqual(status, 200, body)
            self.assertIn(b"probe_probe_get-env", body)

    def test_2_kill_9_a_node_under_load(self):
        load = Load()
        time.sleep(1)
        killed_at = time.time()
        nodes[1].proc.send_signal(signal.SIGKILL)
        nodes[1].proc.wait()
        time.sleep(3)
        load.finish()
        after = [a for a in load.answered if a[0] > killed_at + 1.5]
        self.assertGreater(len(after), 10, "the other nodes kept answering")
        # Failures only around the kill, while haproxy had not yet marked the node down.
        late = [f for f in load.failed if f[0] > killed_at + 1.5]
        self.assertEqual(late, [])
        # The killed node's last records were in its spool (the nodes share one here): a live
        # node replays orphaned spool files within seconds.
        seen = [c for _, c, _ in load.answered]
        deadline = time.time() + 30
        while True:
            stored = set(world.stored_call_ids())
            missing = [c for c in seen if c not in stored]
            if not missing or time.time() > deadline:
                break
            time.sleep(0.5)
        self.assertEqual(missing, [])
        self.assertEqual(len(seen), len(set(seen)))


    def test_3_schedules_run_once_and_move_when_their_node_dies(self):
        cli("deploy", "alice/timed@1.0.0")
        live = [n for n in nodes if n.proc.poll() is None]

        def holder_node():
            holder = world.lease_holder()
            pid = int(holder.split("/")[1]) if holder else None
            return next((n for n in live if n.proc.pid == pid), None)

        def ok_runs():
            return [r for r in world.schedule_runs() if r[2] == "ok"]

        deadline = time.time() + 60
        while (len(ok_runs()) < 3 or holder_node() is None) and time.time() < deadline:
            time.sleep(0.2)
        first = holder_node()
        self.assertIsNotNone(first, world.lease_holder())
        self.assertGreaterEqual(len(ok_runs()), 3)
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait()
        killed_at = len(world.schedule_runs())
        # Another node takes the lease once it expires (3 s) and the runs go on there.
        deadline = time.time() + 60
        while time.time() < deadline:
            second = holder_node()
            if second not in (None, first) and len(ok_runs()) >= killed_at + 3:
                break
            time.sleep(0.2)
        second = holder_node()
        self.assertNotIn(second, (None, first), world.lease_holder())
        runs = world.schedule_runs()
        self.assertGreaterEqual(len([r for r in runs[killed_at:] if r[2] == "ok"]), 3, runs)
        # Every slot a minute apart has one row (run, or missed while no node held the
        # lease), none twice; nothing stays running; every run that finished ok is metered.
        slots = [slot for _, slot, _ in runs]
        self.assertEqual(slots, list(range(slots[0], slots[-1] + 60, 60)))
        self.assertEqual([r for r in runs[:-1] if r[2] in ("running", "queued")], [])
        self.assertTrue({r[2] for r in runs} <= {"ok", "missed", "interrupted", "running"},
                        runs)
        # Usage records are stored in batches: a run that just finished is metered within
        # the next commit, so give it a few seconds. The runs are read before the usage
        # table: runs go on every second, and one that finished between the two reads would
        # look unmetered while its record waits for the next commit.
        def unmetered():
            finished = ok_runs()
            stored = set(world.stored_call_ids())
            return [r for r in finished if f"schedule-run-{r[0]}" not in stored]
        deadline = time.time() + 10
        while True:
            missing = unmetered()
            if not missing or time.time() > deadline:
                break
            time.sleep(0.2)
        self.assertEqual(missing, [], spool_report(first, second))
        cli("deploy", "rm", "alice/timed")

if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
