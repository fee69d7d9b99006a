#!/usr/bin/env python3
"""The official MCP Python SDK (pinned in requirements.txt) as the client of `asterai serve`
with examples/mcp-everything, over stdio and over Streamable HTTP: sampling and elicitation
answered by the SDK's callbacks, progress and log notifications, content results, resources
(text, binary, templates, subscribe), prompts with arguments, embedded resources and images,
and completion. Every check runs on both transports.

usage: install-mcp-python-sdk.sh VENV python3 sdk_test.py
  env ASTERAI_BINARY                 the asterai binary (required)
  env ASTERAI_MCP_EVERYTHING         examples/mcp-everything built (mcp-everything.wasm)
  env ASTERAI_TEST_CACHE_DIR         the compile cache to share with the other tests (optional)
"""
import base64
import os
import subprocess
import sys
import tempfile
import unittest
import warnings
from contextlib import asynccontextmanager

import anyio
import mcp_types as types
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPDeprecationWarning

# The SDK warns that logging and resource subscriptions change after 2025-11-25, the version
# these sessions negotiate; they are what is being tested.
warnings.filterwarnings("ignore", category=MCPDeprecationWarning)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "support"))
from served import Served  # noqa: E402

ASTERAI = os.environ.get("ASTERAI_BINARY", "")
COMPONENT = os.environ.get("ASTERAI_MCP_EVERYTHING", "")
CACHE = os.environ.get("ASTERAI_TEST_CACHE_DIR") or tempfile.mkdtemp(prefix="asterai-sdk-cache-")
SERVE = ["serve", "--tool-names", "bare", "--cache-dir", CACHE, "--timeout", "20s"]
PNG_PREFIX = b"\x89PNG\r\n\x1a\n"


class Recorder:
    """The client side: the SDK's callbacks, answering as a user and a model would."""

    def __init__(self):
        self.samples, self.elicitations, self.logs = [], [], []

    async def sampling(self, context, params):
        self.samples.append(params)
        question = params.messages[0].content.text
        return types.CreateMessageResult(role="assistant", model="test-model", stopReason="endTurn",
                                         content=types.TextContent(type="text", text=f"answer to {question}"))

    async def elicitation(self, context, params):
        self.elicitations.append(params)
        return types.ElicitResult(action="accept", content={"username": "ada", "email": "ada@example.com"})

    async def logging(self, params):
        self.logs.append(params)


class SdkClient:
    """The checks, run once per transport (the subclasses say how to connect)."""

    @asynccontextmanager
    async def streams(self):
        raise NotImplementedError
        yield

    @asynccontextmanager
    async def session(self, recorder):
        async with self.streams() as (read, write):
            async with ClientSession(read, write, sampling_callback=recorder.sampling,
                                     elicitation_callback=recorder.elicitation,
                                     logging_callback=recorder.logging) as s:
                init = await s.initialize()
                self.assertEqual(init.protocol_version, "2025-11-25")
                yield s

    def run_async(self, check):
        recorder = Recorder()

        async def body():
            async with self.session(recorder) as s:
                await check(s, recorder)
        anyio.run(body)

    def test_sampling_and_elicitation_are_answered_by_the_callbacks(self):
        async def check(s, recorder):
            r = await s.call_tool("test_sampling", {"prompt": "2+2?"})
            self.assertFalse(r.is_error)
            self.assertEqual(r.content[0].text, "LLM response: answer to 2+2?")
            self.assertEqual(recorder.samples[0].max_tokens, 100)

            r = await s.call_tool("test_elicitation", {"message": "Who are you?"})
            self.assertFalse(r.is_error, r)
            self.assertIn("ada@example.com", r.content[0].text)
            asked = recorder.elicitations[0]
            self.assertEqual(asked.message, "Who are you?")
            self.assertEqual(set(asked.requested_schema["required"]), {"username", "email"})
        self.run_async(check)

    def test_progress_and_logs_arrive_while_the_tool_runs(self):
        async def check(s, recorder):
            progress = []

            async def on_progress(value, total, message):
                progress.append((value, total))
            r = await s.call_tool("test_tool_with_progress", {}, progress_callback=on_progress)
            self.assertEqual(r.content[0].text, "Tool with progress executed successfully")
            self.assertEqual(progress, [(0, 100), (50, 100), (100, 100)])

            r = await s.call_tool("test_tool_with_logging", {})
            self.assertFalse(r.is_error)
            self.assertEqual([log.level for log in recorder.logs], ["info"] * 3)
            self.assertIn("Tool execution started", str(recorder.logs[0].data))
            # Below the level the client set, nothing is sent.
            await s.set_logging_level("error")
            await s.call_tool("test_tool_with_logging", {})
            self.assertEqual(len(recorder.logs), 3)
        self.run_async(check)

    def test_content_results_of_every_kind(self):
        async def check(s, recorder):
            image = (await s.call_tool("test_image_content", {})).content[0]
            self.assertEqual((image.type, image.mime_type), ("image", "image/png"))
            self.assertTrue(base64.b64decode(image.data).startswith(PNG_PREFIX))
            audio = (await s.call_tool("test_audio_content", {})).content[0]
            self.assertEqual((audio.type, audio.mime_type), ("audio", "audio/wav"))
            self.assertTrue(base64.b64decode(audio.data).startswith(b"RIFF"))
            mixed = (await s.call_tool("test_multiple_content_types", {})).content
            self.assertEqual([c.type for c in mixed], ["text", "image", "resource"])
            failed = await s.call_tool("test_error_handling", {})
            self.assertTrue(failed.is_error)
        self.run_async(check)

    def test_resources_prompts_and_completion(self):
        async def check(s, recorder):
            uris = {str(r.uri) for r in (await s.list_resources()).resources}
            self.assertLessEqual({"test://static-text", "test://static-binary"}, uris)
            text = (await s.read_resource("test://static-text")).contents[0]
            self.assertEqual(text.mime_type, "text/plain")
            self.assertTrue(text.text)
            blob = (await s.read_resource("test://static-binary")).contents[0]
            self.assertTrue(base64.b64decode(blob.blob).startswith(PNG_PREFIX))
            templates = (await s.list_resource_templates()).resource_templates
            self.assertEqual([t.uri_template for t in templates], ["test://template/{id}/data"])
            data = (await s.read_resource("test://template/42/data")).contents[0]
            self.assertIn('"id":"42"', data.text.replace(" ", ""))
            await s.subscribe_resource("test://watched-resource")
            await s.unsubscribe_resource("test://watched-resource")

            names = {p.name for p in (await s.list_prompts()).prompts}
            self.assertLessEqual({"test_simple_prompt", "test_prompt_with_arguments",
                                  "test_prompt_with_embedded_resource", "test_prompt_with_image"}, names)
            got = await s.get_prompt("test_prompt_with_arguments", {"arg1": "alpha", "arg2": "beta"})
            self.assertIn("alpha", got.messages[0].content.text)
            self.assertIn("beta", got.messages[0].content.text)
            embedded = await s.get_prompt("test_prompt_with_embedded_resource", {"resourceUri": "test://x"})
            self.assertEqual(embedded.messages[0].content.type, "resource")
            image = await s.get_prompt("test_prompt_with_image", {})
            self.assertEqual(image.messages[0].content.type, "image")

            done = await s.complete(types.PromptReference(name="test_prompt_with_arguments"),
                                    {"name": "arg1", "value": "par"})
            self.assertEqual(done.completion.values, ["paris", "park", "party"])
        self.run_async(check)


class OverStdio(SdkClient, unittest.TestCase):
    @asynccontextmanager
    async def streams(self):
        params = StdioServerParameters(command=ASTERAI, args=[*SERVE, COMPONENT])
        with open(os.devnull, "w") as quiet:
            async with stdio_client(params, errlog=quiet) as (read, write):
                yield read, write


class OverStreamableHttp(SdkClient, unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.served = Served([ASTERAI, *SERVE, "--listen", "127.0.0.1:0", COMPONENT])

    @classmethod
    def tearDownClass(cls):
        cls.served.close()

    @asynccontextmanager
    async def streams(self):
        async with streamable_http_client(f"http://127.0.0.1:{self.served.port}/mcp") as (read, write, *_):
            yield read, write


if __name__ == "__main__":
    for name, value in (("ASTERAI_BINARY", ASTERAI), ("ASTERAI_MCP_EVERYTHING", COMPONENT)):
        if not value or not os.path.exists(value):
            sys.exit(f"{name} ({value!r}) must name an existing file")
    subprocess.run([ASTERAI, "--version"], check=True, capture_output=True)
    unittest.main(argv=sys.argv[:1], verbosity=2)
