#!/usr/bin/env python3
"""examples/agent end to end: the agent, examples/llm and the C text-tools, built by `asterai
build`, in one environment made with the real CLI, against the scripted OpenAI-compatible
server of fake_openai.py; and the agent served over MCP by `asterai serve --environment`
(stdio), where a JSON-RPC client written here is the model, answering sampling/createMessage.

Each test proves one thing: the tools the agent offers (every other member's functions, not its
own or the llm member's), the loop (the model's tool calls run through the host registry, their
results go back as tool messages, the answer ends it), the step limit, bad tool calls fed back to
the model, the llm member's typed errors, the configuration errors, and sampling with logs and
progress over MCP. The API key (random per run) appears in no output.

usage: agent_test.py [SOURCE_DIR]
  env ASTERAI_BINARY          the asterai binary (required)
  env ASTERAI_AGENT_OUT_DIR   where to build the three components (incremental); a temp folder
                              when unset
"""
import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import unittest

from fake_openai import FakeOpenAI, completion

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from mcp_stdio_client import McpError, McpStdioClient  # noqa: E402

SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
ASTERAI = os.environ.get("ASTERAI_BINARY", "")
API_KEY = "sk-agent-test-" + secrets.token_hex(16)
ROOT = tempfile.mkdtemp(prefix="asterai-agent-test-")
HOME = os.path.join(ROOT, "home")
CACHE = os.path.join(ROOT, "cache")
ENV = "me/agent"
SAMPLING_ENV = "me/agent-sampling"


def build(example):
    out = os.path.join(os.environ.get("ASTERAI_AGENT_OUT_DIR") or os.path.join(ROOT, "build"),
                       example.replace("/", "-"))
    r = subprocess.run([ASTERAI, "build", os.path.join(SOURCE, "examples", example), "--out-dir", out,
                        "--json"], capture_output=True, text=True, timeout=600)
    if r.returncode != 0:
        raise AssertionError(f"asterai build examples/{example} failed ({r.returncode}):\n{r.stderr}")
    return json.loads(r.stdout)["output"]


def call_env():
    env = dict(os.environ, ASTERAI_HOME=HOME, ASTERAI_CACHE_DIR=CACHE, XDG_CACHE_HOME=CACHE)
    for name in ("LLM_API_KEY", "LLM_BASE_URL", "AGENT_MODEL", "AGENT_MAX_STEPS"):
        env.pop(name, None)
    return env


def run(test, *args, stdin=None):
    r = subprocess.run([ASTERAI, *args], capture_output=True, text=True, input=stdin, env=call_env(),
                       timeout=180)
    test.assertNotIn(API_KEY, r.stdout + r.stderr, f"the API key leaked: {args}")
    return r


def ok(test, *args, stdin=None):
    r = run(test, *args, stdin=stdin)
    test.assertEqual(r.returncode, 0, f"{args}: {r.stdout}{r.stderr}")
    return r


def tool_call(call_id, name, arguments):
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}


def calls_tools(*calls):
    return 200, completion({"role": "assistant", "content": None, "tool_calls": list(calls)},
                           finish="tool_calls")


def answers(text):
    return 200, completion({"role": "assistant", "content": text})


def script(*replies):
    """A server reply function giving `replies` in order, one per request."""
    queue = list(replies)
    return lambda req: queue.pop(0) if queue else (500, b"the script ran out")


class Agent(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not ASTERAI or not os.access(ASTERAI, os.X_OK):
            raise AssertionError(f"ASTERAI_BINARY ({ASTERAI!r}) is not an executable asterai binary")
        agent, llm, text = build("agent"), build("llm"), build("text-tools/c")
        cls.server = FakeOpenAI()
        grant_llm = ["--var", "LLM_BASE_URL", "--secret", "LLM_API_KEY",
                     "--allow-host", f"127.0.0.1:{cls.server.port}"]
        steps = [["env", "init", ENV], ["env", "add", ENV, "agent", agent], ["env", "add", ENV, "llm", llm],
                 ["env", "add", ENV, "text", text],
                 ["env", "set-var", ENV, "LLM_BASE_URL", cls.server.base_url],
                 ["env", "set-var", ENV, "AGENT_MODEL", "fake-model"],
                 ["env", "grant", ENV, "llm", *grant_llm],
                 ["env", "grant", ENV, "agent", "--var", "AGENT_MODEL"],
                 ["env", "limit", ENV, "agent", "--timeout", "20s"],
                 # The sampling environment has no llm member: the MCP client is the model.
                 ["env", "init", SAMPLING_ENV], ["env", "add", SAMPLING_ENV, "agent", agent],
                 ["env", "add", SAMPLING_ENV, "text", text]]
        for args in steps:
            r = subprocess.run([ASTERAI, *args], capture_output=True, text=True, env=call_env(), timeout=120)
            if r.returncode != 0:
                raise AssertionError(f"{args} failed: {r.stderr}")
        r = subprocess.run([ASTERAI, "env", "secret", "set", "LLM_API_KEY"], input=API_KEY,
                           capture_output=True, text=True, env=call_env(), timeout=60)
        if r.returncode != 0:
            raise AssertionError(f"env secret set failed: {r.stderr}")

    @classmethod
    def tearDownClass(cls):
        cls.server.close()

    def setUp(self):
        self.server.requests.clear()

    def agent(self, task, env=ENV):
        r = ok(self, "env", "call", env, "agent", "run", json.dumps({"task": task}))
        return json.loads(r.stdout)

    def with_var(self, name, value):
        """Sets the agent's var NAME for one test (granted, then revoked and unset after it)."""
        ok(self, "env", "set-var", ENV, name, value)
        ok(self, "env", "grant", ENV, "agent", "--var", name)

        def undo():
            ok(self, "env", "grant", ENV, "agent", "--var", name, "--revoke")
            ok(self, "env", "unset-var", ENV, name)
        self.addCleanup(undo)

    def test_the_model_calls_a_tool_then_answers(self):
        self.server.reply = script(calls_tools(tool_call("c1", "text__stats", '{"text": "a b c"}')),
                                   answers("Three words."))
        self.assertEqual(self.agent("How many words are in 'a b c'?"), {"ok": {
            "text": "Three words.", "turns": 2,
            "steps": [{"tool": "text__stats", "arguments-json": '{"text": "a b c"}',
                       "output": '{"chars":5,"lines":1,"words":3}', "failed": False}]}})
        first, second = (r["json"] for r in self.server.requests)
        self.assertEqual(self.server.requests[0]["headers"]["authorization"], f"Bearer {API_KEY}")
        self.assertEqual(first["model"], "fake-model")
        self.assertEqual(first["messages"], [{"role": "user", "content": "How many words are in 'a b c'?"}])
        # Every function of the other members, and none of the agent's or the llm member's.
        offered = {t["function"]["name"]: t["function"] for t in first["tools"]}
        self.assertEqual(set(offered), {"text__stats", "text__slugify", "text__top-words"})
        self.assertEqual(offered["text__top-words"]["parameters"]["required"], ["text", "n"])
        self.assertNotIn("$schema", offered["text__stats"]["parameters"])
        # The component's WIT docs describe each tool (the host's input schema carries them).
        self.assertEqual(offered["text__stats"]["description"],
                         "Counts the characters, words and lines of a text. (function "
                         "asterai-examples:text-tools/text@0.1.0#stats of component text)")
        self.assertNotIn("description", offered["text__stats"]["parameters"])
        # The tool's result goes back as the answer to the model's call.
        self.assertEqual(second["messages"][1:], [
            {"role": "assistant", "content": None, "tool_calls": [tool_call("c1", "text__stats", '{"text": "a b c"}')]},
            {"role": "tool", "content": '{"chars":5,"lines":1,"words":3}', "tool_call_id": "c1"}])

    def test_several_calls_in_one_turn_run_in_order(self):
        self.server.reply = script(calls_tools(tool_call("a", "text__slugify", '{"text": "Hello World"}'),
                                               tool_call("b", "text__top-words", '{"text": "x y x", "n": 1}')),
                                   answers("done"))
        steps = self.agent("go")["ok"]["steps"]
        self.assertEqual([(s["tool"], s["output"]) for s in steps],
                         [("text__slugify", '"hello-world"'), ("text__top-words", '[["x",2]]')])
        tool_messages = self.server.requests[1]["json"]["messages"][2:]
        self.assertEqual([(m["tool_call_id"], m["content"]) for m in tool_messages],
                         [("a", '"hello-world"'), ("b", '[["x",2]]')])

    def test_bad_tool_calls_go_back_to_the_model(self):
        self.server.reply = script(
            calls_tools(tool_call("1", "text__nope", "{}"),
                        tool_call("2", "text__stats", "{not json"),
                        tool_call("3", "text__stats", "[1]"),
                        tool_call("4", "text__top-words", '{"text": "x", "n": "many"}')),
            answers("I could not."))
        result = self.agent("try")["ok"]
        self.assertEqual(result["text"], "I could not.")
        self.assertTrue(all(s["failed"] for s in result["steps"]), result["steps"])
        outputs = [s["output"] for s in result["steps"]]
        self.assertIn("there is no tool named text__nope; the tools are: text__stats", outputs[0])
        self.assertIn("the arguments are not valid JSON", outputs[1])
        self.assertEqual(outputs[2], "the arguments must be a JSON object of named arguments")
        self.assertTrue(outputs[3].startswith("bad-arguments: "), outputs[3])
        contents = [m["content"] for m in self.server.requests[1]["json"]["messages"][2:]]
        self.assertEqual(contents, [f"error: {o}" for o in outputs])

    def test_the_step_limit_ends_a_model_that_never_answers(self):
        self.with_var("AGENT_MAX_STEPS", "3")
        loop = calls_tools(tool_call("c", "text__stats", '{"text": "again"}'))
        self.server.reply = lambda req: loop
        err = self.agent("loop forever")["err"]
        self.assertEqual(list(err), ["step-limit"])
        self.assertEqual(len(err["step-limit"]), 3)
        self.assertEqual(len(self.server.requests), 3)

    def test_the_llm_members_error_is_a_model_error(self):
        # The server echoes the key; the llm member redacts it before the agent sees it.
        self.server.reply = lambda req: (401, json.dumps(
            {"error": "bad key " + req["headers"]["authorization"]}).encode())
        err = self.agent("hi")["err"]
        self.assertEqual(list(err), ["model"])
        detail = json.loads(err["model"])
        self.assertEqual(detail["http"]["status"], 401)
        self.assertIn("Bearer [REDACTED]", detail["http"]["body"])

    def test_configuration_mistakes_are_config_errors(self):
        self.with_var("AGENT_MAX_STEPS", "0")
        err = self.agent("hi")["err"]
        self.assertIn("AGENT_MAX_STEPS must be a whole number from 1 to 64, not 0", err["config"])
        self.assertEqual(self.server.requests, [])

    def test_without_a_model_name_or_a_model_the_agent_says_what_to_set(self):
        ok(self, "env", "grant", ENV, "agent", "--var", "AGENT_MODEL", "--revoke")
        self.addCleanup(ok, self, "env", "grant", ENV, "agent", "--var", "AGENT_MODEL")
        self.assertIn("AGENT_MODEL is not set", self.agent("hi")["err"]["config"])
        # No llm member and not served over MCP: nothing to ask.
        err = self.agent("hi", env=SAMPLING_ENV)["err"]
        self.assertIn("there is no llm member in this environment", err["config"])
        self.assertEqual(self.server.requests, [])

    def mcp_client(self):
        """`asterai serve --environment` of the sampling environment, with a client declaring sampling."""
        return McpStdioClient([ASTERAI, "serve", "--environment", SAMPLING_ENV], call_env(),
                              capabilities={"sampling": {}}, check=lambda text: self.assertNotIn(API_KEY, text))

    def test_over_mcp_the_clients_model_answers_through_sampling(self):
        client = self.mcp_client()
        try:
            tools = client.request("tools/list", {})["tools"]
            run_tool = next(t["name"] for t in tools if t["name"].endswith("run"))
            samples = []

            def sample(params):
                samples.append(params)
                if len(samples) == 1:
                    text = 'Let me count.\n```json\n{"tool": "text__stats", "arguments": {"text": "one two"}}\n```'
                else:
                    text = '{"answer": "Two words."}'
                return {"role": "assistant", "content": {"type": "text", "text": text}, "model": "client-model"}

            result = client.request("tools/call", {"name": run_tool, "arguments": {"task": "Count: one two"},
                                                   "_meta": {"progressToken": "p1"}},
                                    handlers={"sampling/createMessage": sample})
        finally:
            client.close()
        self.assertFalse(result["isError"])
        value = result["structuredContent"]["result"]
        self.assertEqual(value["ok"]["text"], "Two words.")
        self.assertEqual(value["ok"]["steps"], [{"tool": "text__stats", "arguments-json": '{"text":"one two"}',
                                                 "output": '{"chars":7,"lines":1,"words":2}', "failed": False}])
        first, second = samples
        self.assertIn("text__stats", first["systemPrompt"])
        self.assertEqual(first["messages"], [{"role": "user", "content": {"type": "text", "text": "Count: one two"}}])
        self.assertEqual(second["messages"][2], {"role": "user", "content": {
            "type": "text", "text": 'Result of text__stats: {"chars":7,"lines":1,"words":2}'}})
        self.assertIn("turn 1: text__stats", " ".join(n["data"] for n in client.notified("notifications/message")))
        self.assertEqual([n["progress"] for n in client.notified("notifications/progress")], [0, 1])

    def test_sampling_refused_by_the_client_is_a_model_error(self):
        client = self.mcp_client()
        try:
            tools = client.request("tools/list", {})["tools"]
            run_tool = next(t["name"] for t in tools if t["name"].endswith("run"))
            refuse = {"sampling/createMessage": lambda params: McpError(-1, "User rejected sampling request")}
            result = client.request("tools/call", {"name": run_tool, "arguments": {"task": "x"}}, handlers=refuse)
        finally:
            client.close()
        self.assertTrue(result["isError"])
        err = result["structuredContent"]["result"]["err"]
        self.assertIn("sampling failed", err["model"])
        self.assertIn("User rejected sampling request", err["model"])


if __name__ == "__main__":
    try:
        unittest.main(argv=sys.argv[:1], verbosity=2)
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
