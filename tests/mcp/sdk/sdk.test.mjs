// The official MCP TypeScript SDK client drives `asterai serve` over stdio and over
// Streamable HTTP: initialize, list every tool (all pages), validate every inputSchema and
// outputSchema with Ajv (JSON Schema 2020-12), call every tool of the C and JavaScript
// kitchen-sink components with arguments generated from its input schema and validate each
// structuredContent, and check isError results for a trap and a timeout. Also the /v1 API,
// logging notifications, cancellation and tools/list_changed after SIGHUP. And asterai:mcp's
// features (examples/mcp-everything) over both transports: sampling and elicitation answered
// by the SDK client's handlers, progress, logs, resources, prompts and completion.
//
// Environment (set by CTest): ASTERAI_BINARY, ASTERAI_TEST_COMPONENTS_DIR,
// ASTERAI_TEST_CACHE_DIR, ASTERAI_ADVERSARY_WRITER (writes a component that spins forever).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import Ajv2020 from 'ajv/dist/2020.js';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set (run through ctest)`);
  return v;
};
const binary = env('ASTERAI_BINARY');
const components = env('ASTERAI_TEST_COMPONENTS_DIR');
const cache = env('ASTERAI_TEST_CACHE_DIR');
const tmp = mkdtempSync(join(tmpdir(), 'asterai-mcp-sdk-'));
const adversary = join(tmp, 'adversary.wasm');
const wit = join(dirname(fileURLToPath(import.meta.url)), '../../components/kitchen-sink/wit');

const serveArgs = () => [
  'serve', '--cache-dir', cache, '--timeout', '1s', '--wit', wit,
  `c=${join(components, 'kitchen-sink-c.wasm')}`,
  `js=${join(components, 'kitchen-sink-js.wasm')}`,
  `adv=${adversary}`,
];

const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: true });

// A value valid under the schema (the subset our schemas use).
function sample(schema) {
  if ('const' in schema) return schema.const;
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf) return sample(schema.anyOf.find((s) => s.type !== 'null') ?? schema.anyOf[0]);
  if (schema.oneOf) return sample(schema.oneOf[0]);
  switch (schema.type) {
    case 'boolean': return true;
    case 'integer': return Math.max(schema.minimum ?? 0, Math.min(3, schema.maximum ?? 3));
    case 'number': return 1.5;
    case 'string': return schema.maxLength === 1 ? 'x' : 'hello';
    case 'null': return null;
    case 'array':
      if (schema.prefixItems) return schema.prefixItems.map(sample);
      return [sample(schema.items)];
    case 'object': {
      const out = {};
      for (const k of schema.required ?? []) out[k] = sample(schema.properties[k]);
      return out;
    }
    default: throw new Error(`no sample for ${JSON.stringify(schema)}`);
  }
}

async function listAllTools(client) {
  const tools = [];
  let cursor;
  for (let page = 0; page < 100; page++) {
    const r = await client.listTools(cursor ? { cursor } : {});
    tools.push(...r.tools);
    cursor = r.nextCursor;
    if (!cursor) break;
  }
  return tools;
}

function textOf(result) {
  return result.content.map((c) => c.text).join('\n');
}

// The checks both transports share.
async function exerciseTools(client) {
  const info = client.getServerVersion();
  assert.equal(info.name, 'asterai');
  assert.ok(client.getServerCapabilities().tools);

  const tools = await listAllTools(client);
  const names = new Set(tools.map((t) => t.name));
  assert.equal(names.size, tools.length, 'tool names are unique');
  for (const lang of ['c', 'js']) {
    assert.ok(names.has(`${lang}_add`), `${lang}_add listed`);
    assert.ok(names.has(`${lang}_values_greet`));
  }
  let calls = 0;
  for (const tool of tools) {
    assert.match(tool.name, /^[A-Za-z0-9_-]{1,64}$/);
    assert.ok(tool.description && tool.description.length > 0, `${tool.name} has a description`);
    const validateInput = ajv.compile(tool.inputSchema);
    assert.equal(tool.inputSchema.type, 'object');
    const validateOutput = tool.outputSchema ? ajv.compile(tool.outputSchema) : null;
    if (tool.outputSchema) assert.equal(tool.outputSchema.type, 'object');
    if (tool.name.startsWith('adv_')) continue;

    const args = sample(tool.inputSchema);
    assert.ok(validateInput(args), `${tool.name}: sample arguments fit the input schema`);
    const result = await client.callTool({ name: tool.name, arguments: args });
    calls++;
    if (tool.name.endsWith('_values_fail')) {
      assert.equal(result.isError, true);
      assert.match(textOf(result), /^trap:/);
      continue;
    }
    if (validateOutput) {
      assert.ok(result.structuredContent, `${tool.name} returns structuredContent`);
      assert.ok(validateOutput(result.structuredContent),
        `${tool.name}: ${JSON.stringify(result.structuredContent)} fits its output schema: ` +
        ajv.errorsText(validateOutput.errors));
      assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent);
    }
    assert.equal(result.isError, false, `${tool.name}: ${textOf(result)}`);
  }
  assert.ok(calls >= 60, `called ${calls} tools`);

  const byName = Object.fromEntries(tools.map((t) => [t.name, t]));
  assert.equal(byName.c_add.description, 'Adds two signed 32-bit integers (wrapping on overflow).');
  assert.match(byName['js_values_echo-u8'].description, /func\(v: u8\) -> u8/,
    'undocumented functions fall back to the signature');
  // WIT docs of records and variant cases reach the schemas.
  const who = byName.js_values_greet.inputSchema.properties.who;
  assert.equal(who.description, 'Somebody to greet.');
  assert.equal(who.properties.age.description, 'Age in years.');
  assert.equal(byName.c_values_area.inputSchema.properties.s.oneOf[2].description,
    'A point has no area.');

  const add = await client.callTool({ name: 'js_add', arguments: { a: 40, b: 2 } });
  assert.deepEqual(add.structuredContent, { result: 42 });
  const greet = await client.callTool({
    name: 'c_values_greet', arguments: { who: { name: 'Ada', age: 36 } },
  });
  assert.equal(greet.structuredContent.result, 'Hello, Ada! You are 36.');

  for (const lang of ['c', 'js']) {
    const divide = await client.callTool({ name: `${lang}_values_divide`, arguments: { a: 1, b: 0 } });
    assert.equal(divide.isError, true, 'divide by zero is a component error');
    assert.ok('err' in divide.structuredContent.result);
    assert.match(textOf(divide), /returned an error/);
  }

  const bad = await client.callTool({ name: 'c_add', arguments: { a: 'x', b: 1 } });
  assert.equal(bad.isError, true);
  assert.match(textOf(bad), /bad-arguments.*args\.a/);

  const started = Date.now();
  const spin = await client.callTool({ name: 'adv_spin', arguments: {} });
  assert.equal(spin.isError, true);
  assert.match(textOf(spin), /^timeout:/);
  assert.ok(Date.now() - started < 30_000, "the 1 s timeout stopped the spin");

  await assert.rejects(client.callTool({ name: 'no_such_tool', arguments: {} }), /unknown tool/);
}

function waitFor(predicate, what, ms = 60_000) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const tick = () => {
      if (predicate()) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 20);
    };
    tick();
  });
}

before(() => {
  execFileSync(env('ASTERAI_ADVERSARY_WRITER'), [adversary]);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

test('stdio: initialize, list, call, validate', { timeout: 300_000 }, async () => {
  const transport = new StdioClientTransport({ command: binary, args: serveArgs(), stderr: 'pipe' });
  const client = new Client({ name: 'asterai-sdk-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    await exerciseTools(client);

    const logs = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));
    await client.setLoggingLevel('info');
    await client.callTool({ name: 'c_values_fail', arguments: { msg: 'to the log' } });
    await waitFor(() => logs.some((l) => String(l.data).includes('to the log')), 'a log message');

    // Cancelling a call: the SDK sends notifications/cancelled; the server keeps serving.
    const controller = new AbortController();
    const pending = client.callTool({ name: 'adv_spin', arguments: {} }, undefined,
      { signal: controller.signal });
    setTimeout(() => controller.abort('changed my mind'), 100);
    await assert.rejects(pending);
    assert.deepEqual((await client.callTool({ name: 'c_add', arguments: { a: 1, b: 1 } }))
      .structuredContent, { result: 2 });

    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
    process.kill(transport.pid, 'SIGHUP');
    // A reload reads and checks every component again: generous, for a loaded CI machine.
    await waitFor(() => changed > 0, 'tools/list_changed', 120_000);
  } finally {
    await client.close();
  }
});

test('stdio: an aborted call stops the running tool', { timeout: 120_000 }, async () => {
  // One worker and a timeout far beyond the test's: c_add can only be answered once the
  // cancellation has stopped the spinning call that holds the worker.
  const args = serveArgs().map((a) => (a === '1s' ? '600s' : a));
  const transport = new StdioClientTransport({
    command: binary, args: [...args, '--workers', '1'], stderr: 'pipe',
  });
  const client = new Client({ name: 'asterai-sdk-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    const controller = new AbortController();
    const pending = client.callTool({ name: 'adv_spin', arguments: {} }, undefined,
      { signal: controller.signal });
    setTimeout(() => controller.abort('changed my mind'), 200);
    await assert.rejects(pending, /changed my mind/);
    const add = await client.callTool({ name: 'c_add', arguments: { a: 2, b: 2 } }, undefined,
      { timeout: 60_000 });
    assert.deepEqual(add.structuredContent, { result: 4 });
  } finally {
    await client.close();
  }
});

test('stdio: --watch reloads a rebuilt component and sends tools/list_changed',
  { timeout: 300_000 }, async () => {
    const served = join(tmp, 'watched.wasm');
    copyFileSync(adversary, served);
    const transport = new StdioClientTransport({
      command: binary, args: ['serve', '--cache-dir', cache, '--watch', `w=${served}`],
      stderr: 'pipe',
    });
    const client = new Client({ name: 'asterai-sdk-test', version: '1.0.0' });
    await client.connect(transport);
    try {
      const names = async () => (await client.listTools()).tools.map((t) => t.name);
      assert.ok((await names()).includes('w_spin'));
      let changed = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
      // Replaced as a build replaces its output: written aside, then renamed over it.
      copyFileSync(join(components, 'kitchen-sink-c.wasm'), `${served}.new`);
      renameSync(`${served}.new`, served);
      await waitFor(() => changed > 0, 'tools/list_changed', 120_000);
      const now = await names();
      assert.ok(now.includes('w_add') && !now.includes('w_spin'), now.join(' '));
      assert.deepEqual((await client.callTool({ name: 'w_add', arguments: { a: 2, b: 5 } }))
        .structuredContent, { result: 7 });
    } finally {
      await client.close();
    }
  });

// Starts `asterai serve --listen 127.0.0.1:0` and resolves with its base URL.
function startHttpServer(extra = [], args = serveArgs()) {
  const child = spawn(binary, [...args, '--listen', '127.0.0.1:0', ...extra],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${stderr}`)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[^ ]+) /);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
}

test('Streamable HTTP: initialize, list, call, validate; HTTP API', { timeout: 300_000 }, async () => {
  const { child, url } = await startHttpServer();
  const client = new Client({ name: 'asterai-sdk-test', version: '1.0.0' });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
  try {
    await client.connect(transport);
    assert.ok(transport.sessionId, 'the server assigned a session id');
    await exerciseTools(client);

    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => { changed++; });
    // The GET stream opens after initialize; SIGHUP until it has carried one notification.
    // Each reload reads every component again, so on a loaded machine one can take seconds.
    const started = Date.now();
    while (changed === 0 && Date.now() - started < 120_000) {
      child.kill('SIGHUP');
      for (let t = 0; t < 20 && changed === 0; t++) await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(changed > 0, 'tools/list_changed over the GET stream');

    const openai = await (await fetch(`${url}/v1/tools?format=openai`)).json();
    const fn = openai.tools.find((t) => t.function.name === 'c_add');
    assert.equal(fn.type, 'function');
    assert.deepEqual(fn.function.parameters.required, ['a', 'b']);
    const call = await fetch(`${url}/v1/call`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ tool: 'js_values_sum', arguments: { values: [1, 2, 3] } }),
    });
    assert.equal(call.status, 200);
    const body = await call.json();
    assert.equal(body.result, 6);
    assert.ok(body.metering.wall_ms >= 0);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    assert.match(metrics, /asterai_tool_calls_total\{tool="js_values_sum"\} 2/);  // + the MCP call
    assert.match(metrics, /asterai_tool_call_errors_total\{kind="trap"\} 2/);
    assert.match(metrics, /asterai_tool_call_errors_total\{kind="timeout"\} 1/);

    // An aborted call over HTTP: the SDK sends notifications/cancelled, the spin stops as
    // cancelled (not at its 1 s timeout), and the session serves on.
    const controller = new AbortController();
    const pending = client.callTool({ name: 'adv_spin', arguments: {} }, undefined,
      { signal: controller.signal });
    setTimeout(() => controller.abort('changed my mind'), 200);
    await assert.rejects(pending, /changed my mind/);
    let cancelled = '';
    for (let i = 0; i < 1200; i++) {  // until the spin has ended, one way or the other
      cancelled = await (await fetch(`${url}/metrics`)).text();
      if (/kind="cancelled"\} 1|kind="timeout"\} 2/.test(cancelled)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.match(cancelled, /asterai_tool_call_errors_total\{kind="cancelled"\} 1/);
    assert.match(cancelled, /asterai_tool_call_errors_total\{kind="timeout"\} 1/);
    assert.deepEqual((await client.callTool({ name: 'c_add', arguments: { a: 1, b: 1 } }))
      .structuredContent, { result: 2 });

    await transport.terminateSession();
  } finally {
    await client.close();
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

// examples/mcp-everything through the SDK client: what a component asks of the client while
// its call runs, and what it offers besides tools.
async function exerciseFeatures(client) {
  const asked = [];
  client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
    asked.push(req.params);
    return { role: 'assistant', content: { type: 'text', text: 'four' }, model: 'test-model' };
  });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params);
    return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
  });
  const logs = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));

  const sampled = await client.callTool({ name: 'test_sampling', arguments: { prompt: '2+2?' } });
  assert.equal(sampled.isError, false);
  assert.equal(sampled.content[0].text, 'LLM response: four');
  assert.equal(asked[0].messages[0].content.text, '2+2?');
  const elicited = await client.callTool({ name: 'test_elicitation', arguments: { message: 'who?' } });
  assert.match(elicited.content[0].text, /accept.*ada@example\.com/);
  assert.equal(asked[1].message, 'who?');

  const progress = [];
  const r = await client.request(
    { method: 'tools/call', params: { name: 'test_tool_with_progress', arguments: {} } },
    CallToolResultSchema, { onprogress: (p) => progress.push(p) });
  assert.equal(r.isError, false);
  // All three go out before the result (mcp_features_test reads them so), but the SDK hands a
  // notification to its handler a tick later than a response: when the last one and the
  // result arrive in one read, the result has already removed the progress handler.
  await waitFor(() => progress.length >= 2, 'progress notifications');
  assert.deepEqual(progress.map((p) => p.progress), [0, 50, 100].slice(0, progress.length));
  await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
  await waitFor(() => logs.length >= 3, 'three log messages');

  const image = await client.callTool({ name: 'test_image_content', arguments: {} });
  assert.equal(image.content[0].type, 'image');
  assert.equal(Buffer.from(image.content[0].data, 'base64').subarray(1, 4).toString(), 'PNG');

  const { resources } = await client.listResources();
  assert.ok(resources.some((x) => x.uri === 'test://static-text'));
  const { resourceTemplates } = await client.listResourceTemplates();
  assert.equal(resourceTemplates[0].uriTemplate, 'test://template/{id}/data');
  const read = await client.readResource({ uri: 'test://template/7/data' });
  assert.equal(JSON.parse(read.contents[0].text).id, '7');
  await assert.rejects(client.readResource({ uri: 'test://none' }), /-32002|not found/);
  await client.subscribeResource({ uri: 'test://watched-resource' });

  const { prompts } = await client.listPrompts();
  assert.ok(prompts.some((p) => p.name === 'test_prompt_with_image'));
  const prompt = await client.getPrompt({ name: 'test_prompt_with_arguments',
    arguments: { arg1: 'a', arg2: 'b' } });
  assert.equal(prompt.messages[0].content.text, "Prompt with arguments: arg1='a', arg2='b'");
  const done = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
    argument: { name: 'arg1', value: 'pa' } });
  assert.deepEqual(done.completion.values, ['paris', 'park', 'party']);
}

const everythingArgs = () => ['serve', '--cache-dir', cache, '--tool-names', 'bare',
  join(components, 'mcp-everything.wasm')];
const featureClient = () => new Client({ name: 'asterai-sdk-test', version: '1.0.0' },
  { capabilities: { sampling: {}, elicitation: {} } });

test('asterai:mcp over stdio: sampling, elicitation, progress, resources, prompts',
  { timeout: 120_000 }, async () => {
    const transport = new StdioClientTransport({ command: binary, args: everythingArgs(),
      stderr: 'pipe' });
    const client = featureClient();
    await client.connect(transport);
    try {
      await exerciseFeatures(client);
    } finally {
      await client.close();
    }
  });

test('asterai:mcp over Streamable HTTP: sampling, elicitation, progress, resources, prompts',
  { timeout: 120_000 }, async () => {
    const { child, url } = await startHttpServer([], everythingArgs());
    const client = featureClient();
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
      await exerciseFeatures(client);
    } finally {
      await client.close();
      child.kill('SIGTERM');
    }
  });
