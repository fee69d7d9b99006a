#!/usr/bin/env python3
"""`asterai serve --environment` running `[[schedules]]`, end to end with the real binary on a
fast clock (ASTERAI_CLOCK, one minute per real second): a member records each run by
appending to a file in its granted folder; the server is stopped and started again between
runs, once with a gap; `asterai env runs` must account for every slot exactly once, and the
file must hold one line per run that completed.

usage: serve_schedules_test.py ASTERAI COMPONENTS_DIR SOURCE_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import unittest

ASTERAI, COMPONENTS, SOURCE = sys.argv[1:4]
sys.path.insert(0, os.path.join(SOURCE, "tests", "support"))
from served import Served  # noqa: E402

PROBE = os.path.join(COMPONENTS, "sandbox-probe.wasm")
MINUTE = 60


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def recording(name, cron, extra=""):
    """A schedule whose every run appends a line to /data/runs.txt."""
    return (f'\n[[schedules]]\nname = "{name}"\nmember = "probe"\nfunction = "append-file"\n'
            f'args = ["/data/runs.txt", "run\\n"]\ncron = "{cron}"\n{extra}')


def parse_iso(text):
    return int(time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone)


class Schedules(unittest.TestCase):
    START = parse_iso("2026-03-01T00:00:30Z")

    def setUp(self):
        self.home = tempfile.TemporaryDirectory(prefix="serve-schedules-")
        self.data = os.path.join(self.home.name, "data")
        os.mkdir(self.data)
        self.env = dict(os.environ, ASTERAI_HOME=self.home.name)
        self.asterai("env", "init", "alice/bots")
        self.asterai("env", "add", "alice/bots", "probe", PROBE)
        self.asterai("env", "grant", "alice/bots", "probe", "--dir", f"{self.data}:/data:rw")

    def tearDown(self):
        self.home.cleanup()

    def asterai(self, *args, env=None, ok=True):
        r = subprocess.run([ASTERAI, *args], capture_output=True, text=True, timeout=300,
                           env=env or self.env)
        if ok:
            self.assertEqual(r.returncode, 0, f"{args}: {r.stderr}")
        return r

    def add_schedules(self, text):
        draft = os.path.join(self.home.name, "envs", "drafts", "alice", "bots.toml")
        with open(draft, "a", encoding="utf-8") as f:
            f.write(text)

    def serve(self, start, **extra):
        env = dict(self.env, ASTERAI_CLOCK=f"{iso(start)}*{MINUTE}", **extra)
        return Served([ASTERAI, "serve", "--environment", "alice/bots", "--listen",
                       "127.0.0.1:0"], env=env)

    def lines(self):
        try:
            with open(os.path.join(self.data, "runs.txt"), encoding="utf-8") as f:
                return f.read().splitlines()
        except FileNotFoundError:
            return []

    def wait_for_lines(self, n, server):
        deadline = time.time() + 60
        while time.time() < deadline and len(self.lines()) < n:
            self.assertIsNone(server.proc.poll(), server.stderr())
            time.sleep(0.05)
        self.assertGreaterEqual(len(self.lines()), n, server.stderr())

    def wait_for_finished_run(self, schedule, server):
        deadline = time.time() + 60
        while time.time() < deadline:
            self.assertIsNone(server.proc.poll(), server.stderr())
            if any(r["schedule"] == schedule and r["outcome"] not in ("queued", "running")
                   for r in self.runs()[0]):
                return
            time.sleep(0.05)
        self.fail(f"no finished run of {schedule}: {self.runs()[0]}")

    def runs(self):
        out = json.loads(self.asterai("env", "runs", "alice/bots", "--json", "--limit", "1000").stdout)
        return list(reversed(out["runs"])), out["schedules"]

    def test_restarts_neither_lose_nor_repeat_a_run(self):
        self.add_schedules(recording("record", "* * * * *"))
        inspect = self.asterai("env", "inspect", "alice/bots").stdout
        self.assertIn('schedule record: probe append-file ["/data/runs.txt","run\\n"] at "* * * * *" (UTC',
                      inspect)
        with self.serve(self.START) as s:
            self.wait_for_lines(3, s)
        rows, _ = self.runs()
        last = parse_iso(rows[-1]["slot"])
        # Back 30 s (on the schedule's clock) after the last slot: nothing was missed.
        with self.serve(last + 30) as s:
            self.wait_for_lines(len(self.lines()) + 2, s)
        rows, _ = self.runs()
        last = parse_iso(rows[-1]["slot"])
        # Back after five slots went by: recorded as missed (missed = "skip"), not run.
        with self.serve(last + 5 * MINUTE + 30) as s:
            self.wait_for_lines(len(self.lines()) + 2, s)
            self.assertIn('"event":"missed"', s.stderr())
        rows, schedules = self.runs()

        slots = [parse_iso(r["slot"]) for r in rows]
        self.assertEqual(len(slots), len(set(slots)), rows)
        # Every minute from the first slot to the last is accounted for, once: a run, or the
        # missed row that stands for the gap (at the gap's last slot).
        outcomes = {parse_iso(r["slot"]): r["outcome"] for r in rows}
        missed = [r for r in rows if r["outcome"] == "missed"]
        self.assertEqual(len(missed), 1, rows)
        self.assertIn("5 runs due", missed[0]["detail"])
        gap_end = parse_iso(missed[0]["slot"])
        expected = [t for t in range(slots[0], slots[-1] + 1, MINUTE)
                    if not (gap_end - 4 * MINUTE <= t < gap_end)]
        self.assertEqual(sorted(outcomes), expected, rows)
        # One line per completed run; a run the stop interrupted may or may not have written.
        ok = sum(1 for r in rows if r["outcome"] == "ok")
        interrupted = sum(1 for r in rows if r["outcome"] == "interrupted")
        self.assertEqual(set(outcomes.values()) - {"ok", "missed", "interrupted"}, set(), rows)
        self.assertGreaterEqual(ok + interrupted, 7)
        self.assertTrue(ok <= len(self.lines()) <= ok + interrupted, (rows, self.lines()))
        for r in rows:
            if r["outcome"] == "ok":
                self.assertGreater(r["wall_ms"], 0)
                self.assertGreater(r["peak_memory_bytes"], 0)
        self.assertEqual(schedules[0]["schedule"], "record")
        self.assertGreater(parse_iso(schedules[0]["next_slot"]), slots[-1])
        # The human listing shows the same.
        text = self.asterai("env", "runs", "alice/bots").stdout
        self.assertIn("SCHEDULE", text)
        self.assertIn("missed", text)

    def test_missed_runs_run_once_and_failures_are_recorded(self):
        self.add_schedules(recording("catch-up", "*/10 * * * *", 'missed = "run-once"\n') + '''
[[schedules]]
name = "denied"
member = "probe"
function = "append-file"
args = ["/outside/x.txt", "no"]
cron = "* * * * *"
''')
        with self.serve(self.START) as s:
            deadline = time.time() + 60
            while time.time() < deadline and not any(
                    r["schedule"] == "denied" and r["outcome"] == "failed" for r in self.runs()[0]):
                time.sleep(0.1)
        # An hour later: six runs of catch-up were due; one runs at start. The server is
        # stopped only once that run is recorded as finished: its line in the file comes
        # before its row does, and a stop in between records the run as interrupted.
        with self.serve(self.START + 3600 + 300) as s:
            self.wait_for_lines(1, s)
            self.wait_for_finished_run("catch-up", s)
        rows, _ = self.runs()
        # Slots due before the restart only: a slow machine may reach the next regular slot.
        catch_up = [r for r in rows if r["schedule"] == "catch-up"
                    and parse_iso(r["slot"]) < self.START + 3600 + 300]
        self.assertEqual(len(catch_up), 1, rows)
        self.assertEqual(catch_up[0]["outcome"], "ok")
        self.assertIn("run-once", catch_up[0]["detail"])
        denied = [r for r in rows if r["schedule"] == "denied" and r["outcome"] == "failed"]
        self.assertTrue(denied, rows)
        self.assertIn("returned an error", denied[0]["detail"])

    def test_a_run_waits_for_room_in_a_full_instance_pool(self):
        # One instance at a time (--max-instances 1), held 2.5 s by a call: the runs due
        # meanwhile (one a second on this clock) wait for it and then run, none fails busy.
        self.add_schedules(recording("rec", "* * * * *"))
        env = dict(self.env, ASTERAI_CLOCK=f"{iso(self.START)}*{MINUTE}")
        with Served([ASTERAI, "serve", "--environment", "alice/bots", "--listen",
                     "127.0.0.1:0", "--max-instances", "1"], env=env) as s:
            self.wait_for_lines(1, s)
            tools = json.loads(s.request("GET", "/v1/tools")[2])["tools"]
            sleep = [t["name"] for t in tools if t["name"].replace("-", "_").endswith("sleep_ms")]
            held = s.request("POST", "/v1/call", json.dumps(
                {"tool": sleep[0], "arguments": [2500]}).encode(),
                {"Content-Type": "application/json"})
            self.assertEqual(held[0], 200, held[2])
            self.assertTrue(json.loads(held[2])["ok"], held[2])
            before = len(self.lines())
            self.wait_for_lines(before + 1, s)
            runs = [r for r in self.runs()[0] if r["outcome"] not in ("queued", "running")]
        # None failed; a run due during the hold waited (the next slots are skipped meanwhile:
        # overlap = "skip") and ran once the call was done.
        self.assertEqual([r for r in runs if r["outcome"] not in ("ok", "skipped")], [], runs)
        waited = [r for r in runs if r["outcome"] == "ok"
                  and parse_iso(r["finished"]) - parse_iso(r["started"]) >= MINUTE]
        self.assertTrue(waited, runs)

    def test_a_stop_lets_a_run_in_flight_finish_within_the_grace(self):
        # A run that takes 1.5 s, stopped (SIGTERM) while it runs: with the default grace it
        # finishes and counts as ok; with --schedule-grace 0 it is cancelled (interrupted).
        self.add_schedules('\n[[schedules]]\nname = "slow"\nmember = "probe"\n'
                           'function = "sleep-ms"\nargs = [1500]\ncron = "0 * * * *"\n')
        for grace, outcome in ((None, "ok"), ("0s", "interrupted")):
            with self.subTest(grace=grace):
                start = self.START + (0 if grace is None else 2 * 3600)
                extra = [] if grace is None else ["--schedule-grace", grace]
                env = dict(self.env, ASTERAI_CLOCK=f"{iso(start + 3600 - 31)}*{MINUTE}")
                with Served([ASTERAI, "serve", "--environment", "alice/bots", "--listen",
                             "127.0.0.1:0", *extra], env=env) as s:
                    deadline = time.time() + 60
                    while time.time() < deadline and not any(
                            r["outcome"] == "running" for r in self.runs()[0]):
                        self.assertIsNone(s.proc.poll(), s.stderr())
                        time.sleep(0.05)
                rows = [r for r in self.runs()[0] if parse_iso(r["slot"]) == start + 3600 - 30]
                self.assertEqual([r["outcome"] for r in rows], [outcome], self.runs()[0])

    def test_a_schedule_that_cannot_run_is_refused_at_start(self):
        for bad, message in [
                ('function = "no-such-function"\n', 'schedule "bad"'),
                ('function = "append-file"\nargs = [1]\n', "args: "),
        ]:
            with self.subTest(bad=bad):
                draft = os.path.join(self.home.name, "envs", "drafts", "alice", "bots.toml")
                with open(draft, encoding="utf-8") as f:
                    base = f.read().split("\n[[schedules]]")[0]
                with open(draft, "w", encoding="utf-8") as f:
                    f.write(base + '\n[[schedules]]\nname = "bad"\nmember = "probe"\n' + bad +
                            'cron = "* * * * *"\n')
                r = self.asterai("serve", "--environment", "alice/bots", "--listen",
                                 "127.0.0.1:0", ok=False)
                self.assertNotEqual(r.returncode, 0)
                self.assertIn(message, r.stderr)
                self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)

    def test_runs_of_an_environment_never_served(self):
        r = self.asterai("env", "runs", "alice/bots")
        self.assertIn("no schedule state yet", r.stdout)
        r = self.asterai("env", "runs", "not a name", ok=False)
        self.assertEqual(r.returncode, 2, r.stderr)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
