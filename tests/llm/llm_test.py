#!/usr/bin/env python3
"""examples/llm end to end: the component, built by `asterai build`, called by the real
`asterai call` (and `asterai env call` with a secret) against an OpenAI-compatible server
written here, bound to 127.0.0.1 on a free port and scripted per test.

Each test proves one thing about the component or the runtime around it: the request JSON it
sends (checked by the server, Authorization header included), the mapping of the reply and its
tool calls, each typed error, the runtime's time limit and host grant, and that the API key (a
fresh random string per run) appears in no output of any run and in no file left under the
ASTERAI_HOME and cache folders the runs were given.

usage: llm_test.py [SOURCE_DIR]
  env ASTERAI_BINARY          the asterai binary (required)
  env ASTERAI_LLM_COMPONENT   a built llm.wasm; otherwise the test builds examples/llm into
  env ASTERAI_LLM_OUT_DIR     this folder (incremental), or a temp folder when unset
"""
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import unittest

from fake_openai import FakeOpenAI, completion

SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
ASTERAI = os.environ.get("ASTERAI_BINARY", "")
API_KEY = "sk-llm-test-" + secrets.token_hex(16)
TIMEOUT_EXIT_CODE = 9  # docs/cli.md: kind `timeout`

# Every run's output, for the final check that the key never appears (also checked per run).
OUTPUTS = []
# The temp root that holds ASTERAI_HOME, the caches and (when not given) the build.
ROOT = tempfile.mkdtemp(prefix="asterai-llm-test-")
HOME = os.path.join(ROOT, "home")
CACHE = os.path.join(ROOT, "cache")


def component():
    given = os.environ.get("ASTERAI_LLM_COMPONENT")
    if given:
        return given
    out = os.environ.get("ASTERAI_LLM_OUT_DIR") or os.path.join(ROOT, "build")
    # The build looks its toolchain up in the usual tool cache, so it keeps the caller's
    # environment; only the calls get the temp home and cache.
    r = subprocess.run([ASTERAI, "build", os.path.join(SOURCE, "examples", "llm"),
                        "--out-dir", out, "--json"], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"asterai build examples/llm failed ({r.returncode}):\n{r.stderr}")
    return json.loads(r.stdout)["output"]


def user(text):
    return {"role": "user", "content": text, "tool-call-id": None, "tool-calls": []}


def chat_request(messages, tools=(), temperature=None, max_tokens=None, model="fake-model"):
    return {"request": {"model": model, "messages": list(messages), "temperature": temperature,
                        "max-tokens": max_tokens, "tools": list(tools)}}


WEATHER = {"name": "get_weather", "description": "The weather in a city.",
           "parameters-json": json.dumps({"type": "object", "required": ["city"],
                                          "properties": {"city": {"type": "string"}}})}


def call_env():
    env = dict(os.environ, ASTERAI_HOME=HOME, ASTERAI_CACHE_DIR=CACHE, XDG_CACHE_HOME=CACHE)
    env.pop("LLM_API_KEY", None)
    env.pop("LLM_BASE_URL", None)
    return env


def run(test, args, stdin=None):
    """Runs asterai with the temp home and cache; checks the key is nowhere in its output."""
    started = time.monotonic()
    r = subprocess.run([ASTERAI, *args], capture_output=True, text=True, input=stdin,
                       env=call_env(), timeout=120)
    r.seconds = time.monotonic() - started
    OUTPUTS.append(r.stdout + r.stderr)
    test.assertNotIn(API_KEY, r.stdout + r.stderr, f"the API key leaked: {args}")
    return r


class LlmExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not ASTERAI or not os.access(ASTERAI, os.X_OK):
            raise AssertionError(f"ASTERAI_BINARY ({ASTERAI!r}) is not an executable asterai binary")
        cls.wasm = component()
        cls.server = FakeOpenAI()
        # The first call compiles the component into the temp cache (seconds); the timing
        # assertions below measure calls, not that.
        r = subprocess.run([ASTERAI, "call", cls.wasm, "chat", json.dumps(chat_request([user("hi")]))],
                           capture_output=True, text=True, env=call_env(), timeout=300)
        if r.returncode != 0 or "config" not in r.stdout:
            raise AssertionError(f"the warm-up call failed ({r.returncode}): {r.stdout}{r.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        self.server.requests.clear()

    def call(self, request, grant=True, base_url=None, api_key=API_KEY, extra=(), timeout="5s",
             json_envelope=False):
        args = ["call", self.wasm, "chat", json.dumps(request), "--timeout", timeout]
        if json_envelope:
            args.append("--json")
        if base_url is not False:
            args += ["--env", f"LLM_BASE_URL={base_url or self.server.base_url}"]
        if api_key is not None:
            args += ["--env", f"LLM_API_KEY={api_key}"]
        if grant:
            args += ["--allow-host", f"127.0.0.1:{self.server.port}"]
        args += list(extra)
        return run(self, args)

    def result(self, r):
        self.assertEqual(r.returncode, 0, r.stderr)
        return json.loads(r.stdout)

    def err(self, r):
        value = self.result(r)
        self.assertIn("err", value, value)
        (tag, payload), = value["err"].items()
        return tag, payload

    def only_request(self):
        self.assertEqual(len(self.server.requests), 1)
        req = self.server.requests[0]
        self.assertEqual(req["path"], "/v1/chat/completions")
        self.assertEqual(req["headers"].get("authorization"), f"Bearer {API_KEY}")
        self.assertEqual(req["headers"].get("content-type"), "application/json")
        return req["json"]

    def test_plain_reply(self):
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "Hello!"}))
        r = self.call(chat_request([{"role": "system", "content": "Be brief.", "tool-call-id": None,
                                     "tool-calls": []}, user("hi")],
                                   temperature=0.25, max_tokens=64))
        self.assertEqual(self.result(r), {"ok": {
            "message": {"role": "assistant", "content": "Hello!", "tool-call-id": None, "tool-calls": []},
            "finish-reason": "stop", "model": "fake-model-1", "prompt-tokens": 11, "completion-tokens": 7}})
        self.assertEqual(self.only_request(), {
            "model": "fake-model",
            "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "hi"}],
            "temperature": 0.25, "max_tokens": 64})

    def test_reply_without_usage_has_no_token_counts(self):
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "ok"}, usage=False))
        ok = self.result(self.call(chat_request([user("hi")])))["ok"]
        self.assertEqual((ok["prompt-tokens"], ok["completion-tokens"]), (None, None))
        # Absent options and an empty tool list are left out of the request.
        self.assertEqual(set(self.only_request()), {"model", "messages"})

    def test_large_bodies_both_ways(self):
        # Past one 4 KiB write and one 64 KiB read, with multi-byte UTF-8 on both sides.
        question = "Grüße, 世界! " * 2000  # an argument stays under 128 KiB (MAX_ARG_STRLEN)
        answer = "Ответ — " * 20000
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": answer}))
        ok = self.result(self.call(chat_request([user(question)])))["ok"]
        self.assertEqual(ok["message"]["content"], answer)
        self.assertEqual(self.only_request()["messages"][0]["content"], question)

    def test_tool_definitions_in_and_tool_calls_out(self):
        calls = [{"id": "call_1", "type": "function",
                  "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}},
                 {"id": "call_2", "type": "function",
                  "function": {"name": "get_weather", "arguments": "{\"city\":\"Bergen\"}"}}]
        self.server.reply = lambda req: (200, completion(
            {"role": "assistant", "content": None, "tool_calls": calls}, finish="tool_calls"))
        ok = self.result(self.call(chat_request([user("Weather in Oslo and Bergen?")], tools=[WEATHER])))["ok"]
        self.assertEqual(ok["finish-reason"], "tool_calls")
        self.assertEqual(ok["message"], {"role": "assistant", "content": "", "tool-call-id": None, "tool-calls": [
            {"id": "call_1", "name": "get_weather", "arguments-json": "{\"city\":\"Oslo\"}"},
            {"id": "call_2", "name": "get_weather", "arguments-json": "{\"city\":\"Bergen\"}"}]})
        self.assertEqual(self.only_request()["tools"], [{"type": "function", "function": {
            "name": "get_weather", "description": "The weather in a city.",
            "parameters": {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}}}])

        # The next turn sends the assistant's calls and the tool's answer back, OpenAI's way.
        self.server.requests.clear()
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "Sunny, 21 °C."}))
        turn = [user("Weather in Oslo?"),
                {"role": "assistant", "content": "", "tool-call-id": None,
                 "tool-calls": [{"id": "call_1", "name": "get_weather", "arguments-json": "{\"city\":\"Oslo\"}"}]},
                {"role": "tool", "content": "{\"sky\":\"sunny\",\"c\":21}", "tool-call-id": "call_1",
                 "tool-calls": []}]
        ok = self.result(self.call(chat_request(turn, tools=[WEATHER])))["ok"]
        self.assertEqual(ok["message"]["content"], "Sunny, 21 °C.")
        self.assertEqual(self.only_request()["messages"][1:], [
            {"role": "assistant", "content": None, "tool_calls": [{"id": "call_1", "type": "function",
             "function": {"name": "get_weather", "arguments": "{\"city\":\"Oslo\"}"}}]},
            {"role": "tool", "content": "{\"sky\":\"sunny\",\"c\":21}", "tool_call_id": "call_1"}])

    def test_http_errors_are_typed_with_the_status_and_the_key_redacted(self):
        # The server echoes the Authorization header in its error body, as some proxies do.
        self.server.reply = lambda req: (401, json.dumps(
            {"error": {"message": "Incorrect API key: " + req["headers"]["authorization"]}}).encode())
        tag, payload = self.err(self.call(chat_request([user("hi")])))
        self.assertEqual((tag, payload["status"]), ("http", 401))
        self.assertIn("Incorrect API key: Bearer [REDACTED]", payload["body"])
        self.server.reply = lambda req: (500, b"upstream exploded")
        self.assertEqual(self.err(self.call(chat_request([user("hi")]))),
                         ("http", {"status": 500, "body": "upstream exploded"}))

    def test_the_key_is_redacted_from_a_reply_too(self):
        self.server.reply = lambda req: (200, completion(
            {"role": "assistant", "content": "your key is " + API_KEY}))
        ok = self.result(self.call(chat_request([user("what is my key?")])))["ok"]
        self.assertEqual(ok["message"]["content"], "your key is [REDACTED]")

    def test_a_truncated_or_invalid_body_is_a_bad_response(self):
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "cut"})[:40])
        tag, payload = self.err(self.call(chat_request([user("hi")])))
        self.assertEqual(tag, "bad-response")
        self.assertIn("not JSON", payload)
        self.server.reply = lambda req: (200, b'{"object": "list", "data": []}')
        self.assertEqual(self.err(self.call(chat_request([user("hi")]))),
                         ("bad-response", "no choices[0].message in the answer"))

    def test_a_slow_server_ends_at_the_runtime_time_limit(self):
        # The component cannot outlive --timeout: the runtime's deadline ends the wait for the
        # answer, and the call fails with the error kind `timeout` (exit code 9), not a value.
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "late"}), 6)
        r = self.call(chat_request([user("hi")]), timeout="2s", json_envelope=True)
        self.assertEqual(r.returncode, TIMEOUT_EXIT_CODE, r.stdout + r.stderr)
        envelope = json.loads(r.stdout)
        self.assertEqual(envelope["error"]["kind"], "timeout")
        self.assertLess(r.seconds, 5)
        self.assertEqual(len(self.server.requests), 1)

    def test_llm_timeout_ms_gives_a_typed_timeout_before_the_time_limit(self):
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "late"}), 6)
        r = self.call(chat_request([user("hi")]), timeout="4s", extra=["--env", "LLM_TIMEOUT_MS=500"])
        self.assertEqual(self.err(r), ("timeout", "no answer from the server within 500 ms"))
        self.assertLess(r.seconds, 3.5)

    def test_missing_configuration_is_a_config_error(self):
        tag, payload = self.err(self.call(chat_request([user("hi")]), base_url=False))
        self.assertEqual(tag, "config")
        self.assertIn("LLM_BASE_URL is not set", payload)
        tag, payload = self.err(self.call(chat_request([user("hi")]), api_key=None))
        self.assertEqual(tag, "config")
        self.assertIn("LLM_API_KEY is not set", payload)
        tag, payload = self.err(self.call(chat_request([user("hi")]), base_url="127.0.0.1/v1"))
        self.assertEqual(tag, "config")
        tag, payload = self.err(self.call(chat_request([user("hi")]), extra=["--env", "LLM_TIMEOUT_MS=soon"]))
        self.assertEqual(tag, "config")
        # A key that cannot be a header value; the message does not repeat it.
        tag, payload = self.err(self.call(chat_request([user("hi")]), api_key=API_KEY + "\nX-Evil: 1"))
        self.assertEqual(tag, "config")
        self.assertIn("not a valid HTTP header value", payload)
        self.assertEqual(self.server.requests, [])

    def test_bad_tool_parameters_are_an_invalid_request(self):
        bad = dict(WEATHER, **{"parameters-json": "{not json"})
        tag, payload = self.err(self.call(chat_request([user("hi")], tools=[bad])))
        self.assertEqual(tag, "invalid-request")
        self.assertIn("get_weather", payload)
        self.assertEqual(self.server.requests, [])

    def test_without_the_host_grant_the_request_is_refused(self):
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "x"}))
        r = self.call(chat_request([user("hi")]), grant=False)
        tag, payload = self.err(r)
        self.assertEqual(tag, "network")
        self.assertEqual(payload, "HTTP-request-denied: the host is not granted (--allow-host)")
        self.assertIn(f"denied outgoing HTTP request to http://127.0.0.1:{self.server.port}", r.stderr)
        # A grant for another port is no grant either.
        r = self.call(chat_request([user("hi")]), grant=False,
                      extra=["--allow-host", f"127.0.0.1:{self.server.port + 1}", "--json"])
        self.assertEqual(len(json.loads(r.stdout)["denied_requests"]), 1)
        self.assertEqual(self.server.requests, [])

    def test_an_environment_with_a_var_a_secret_and_a_grant(self):
        self.server.reply = lambda req: (200, completion({"role": "assistant", "content": "from env"}))
        env = "me/llm-test"
        for args, stdin in [(["env", "init", env], None),
                            (["env", "add", env, "llm", self.wasm], None),
                            (["env", "set-var", env, "LLM_BASE_URL", self.server.base_url], None),
                            (["env", "secret", "set", "LLM_API_KEY"], API_KEY),
                            (["env", "grant", env, "llm", "--var", "LLM_BASE_URL", "--secret", "LLM_API_KEY",
                              "--allow-host", f"127.0.0.1:{self.server.port}"], None),
                            (["env", "limit", env, "llm", "--timeout", "5s"], None)]:
            r = run(self, args, stdin=stdin)
            self.assertEqual(r.returncode, 0, f"{args}: {r.stderr}")
        r = run(self, ["env", "call", env, "llm", "chat", json.dumps(chat_request([user("hi")]))])
        self.assertEqual(self.result(r)["ok"]["message"]["content"], "from env")
        self.only_request()

    def test_a_refused_connection_is_a_network_error(self):
        # A granted port where nothing listens: the runtime's connection error, as a value.
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        tag, payload = self.err(self.call(chat_request([user("hi")]), base_url=f"http://127.0.0.1:{port}/v1",
                                          grant=False, extra=["--allow-host", f"127.0.0.1:{port}"]))
        self.assertEqual(tag, "network")
        self.assertIn("connection", payload.lower())

    def test_zz_the_key_is_in_no_output_and_no_file_left_behind(self):
        # Named to run last in this class (unittest sorts by name): by now every run above has
        # written its caches, compiled component, environment draft and encrypted secret.
        self.assertTrue(OUTPUTS)
        for output in OUTPUTS:
            self.assertNotIn(API_KEY, output)
        needle = API_KEY.encode()
        scanned = 0
        for top in (HOME, CACHE):
            for folder, _, files in os.walk(top):
                for name in files:
                    path = os.path.join(folder, name)
                    if os.path.islink(path):
                        continue
                    with open(path, "rb") as f:
                        self.assertNotIn(needle, f.read(), path)
                    scanned += 1
        self.assertGreater(scanned, 0)


if __name__ == "__main__":
    try:
        unittest.main(argv=sys.argv[:1], verbosity=2)
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
