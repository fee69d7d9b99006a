#!/usr/bin/env python3
"""examples/mcp-python end to end: asterai:mcp from a Python component. The component is built
by the real `asterai build` (which supplies asterai:mcp from the binary) and served by `asterai
serve` on stdio to a JSON-RPC MCP client written here: a content result (text and an embedded
CSV resource), logs honouring logging/setLevel, progress only with a progress token, and
elicitation accepted, declined, and impossible when the client did not declare it.

usage: python_example_test.py [SOURCE_DIR]
  env ASTERAI_BINARY            the asterai binary (required)
  env ASTERAI_EXAMPLE_OUT_DIR   where to build the component (incremental); a temp folder when unset
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from mcp_stdio_client import McpStdioClient  # noqa: E402

SOURCE = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
ASTERAI = os.environ.get("ASTERAI_BINARY", "")
ROOT = tempfile.mkdtemp(prefix="asterai-mcp-python-test-")
ENV = dict(os.environ, ASTERAI_HOME=os.path.join(ROOT, "home"), ASTERAI_CACHE_DIR=os.path.join(ROOT, "cache"))


class PythonExample(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not ASTERAI or not os.access(ASTERAI, os.X_OK):
            raise AssertionError(f"ASTERAI_BINARY ({ASTERAI!r}) is not an executable asterai binary")
        out = os.environ.get("ASTERAI_EXAMPLE_OUT_DIR") or os.path.join(ROOT, "build")
        r = subprocess.run([ASTERAI, "build", os.path.join(SOURCE, "examples", "mcp-python"), "--out-dir", out,
                            "--json"], capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise AssertionError(f"asterai build examples/mcp-python failed ({r.returncode}):\n{r.stderr}")
        cls.wasm = json.loads(r.stdout)["output"]

    def serve(self, capabilities=None):
        client = McpStdioClient([ASTERAI, "serve", "--tool-names", "bare", self.wasm], ENV, capabilities)
        self.addCleanup(client.close)
        return client

    def test_a_content_result_with_logs_and_progress(self):
        client = self.serve()
        tools = {t["name"]: t for t in client.request("tools/list", {})["tools"]}
        self.assertEqual(set(tools), {"word_report", "greet_user"})
        self.assertNotIn("outputSchema", tools["word_report"])  # content results have none
        text = "the cat sat\n" * 2000 + "on the mat\n" * 500
        result = client.request("tools/call", {"name": "word_report", "arguments": {"text": text},
                                               "_meta": {"progressToken": 7}})
        self.assertNotIn("structuredContent", result)
        self.assertFalse(result["isError"])
        summary, resource = result["content"]
        self.assertEqual(summary, {"type": "text", "text": "7500 words, 5 different; the most frequent is "
                                                           "“the” (2500 times)."})
        self.assertEqual(resource, {"type": "resource", "resource": {
            "uri": "report://top-words.csv", "mimeType": "text/csv",
            "text": "word,count\nthe,2500\ncat,2000\nsat,2000\nmat,500\non,500\n"}})
        self.assertEqual([(p["progress"], p["total"], p["progressToken"])
                          for p in client.notified("notifications/progress")],
                         [(1000, 2500, 7), (2000, 2500, 7), (2500, 2500, 7)])
        self.assertEqual(client.notified("notifications/message"), [
            {"level": "info", "logger": "word-report", "data": "7500 words, 5 different, 2500 lines"}])

    def test_no_token_no_progress_and_the_log_level_is_honoured(self):
        client = self.serve()
        client.request("logging/setLevel", {"level": "warning"})
        result = client.request("tools/call", {"name": "word_report", "arguments": {"text": ""}})
        self.assertEqual(result["content"][0]["text"], "0 words, 0 different.")
        self.assertEqual(client.notifications, [])

    def test_elicitation_accepted_and_declined(self):
        client = self.serve({"elicitation": {}})
        asked = []

        def accept(params):
            asked.append(params)
            return {"action": "accept", "content": {"name": "Ada", "style": "formal"}}
        result = client.request("tools/call", {"name": "greet_user", "arguments": {}},
                                handlers={"elicitation/create": accept})
        self.assertEqual(result["structuredContent"], {"result": {"ok": "Good day, Ada."}})
        self.assertEqual(asked[0]["message"], "Who should I greet?")
        schema = asked[0]["requestedSchema"]
        self.assertEqual(schema["properties"]["style"], {"type": "string", "enum": ["formal", "casual"],
                                                         "default": "casual"})
        self.assertEqual(schema["required"], ["name"])

        result = client.request("tools/call", {"name": "greet_user", "arguments": {}},
                                handlers={"elicitation/create": lambda params: {"action": "decline"}})
        self.assertTrue(result["isError"])
        self.assertEqual(result["structuredContent"], {"result": {"err": "the user chose decline"}})

    def test_a_client_without_elicitation_gets_an_error_at_once(self):
        client = self.serve()
        result = client.request("tools/call", {"name": "greet_user", "arguments": {}})
        self.assertEqual(result["structuredContent"], {"result": {
            "err": "cannot ask the user: the client did not declare elicitation"}})


if __name__ == "__main__":
    try:
        unittest.main(argv=sys.argv[:1], verbosity=2)
    finally:
        shutil.rmtree(ROOT, ignore_errors=True)
