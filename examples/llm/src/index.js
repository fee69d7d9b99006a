// llm in JavaScript (componentize-js): one chat turn against an OpenAI-compatible
// /chat/completions API, sent through the wasi:http import (so the server's host must be
// granted); the configuration comes from wasi:cli/environment (a var and a secret in an
// environment). jco conventions: records are objects with camelCase fields, an option is the
// value or undefined, a variant is {tag, val}, and a thrown value is the `err` of the result.
import { getEnvironment } from 'wasi:cli/environment@0.2.12';
import { now, subscribeInstant } from 'wasi:clocks/monotonic-clock@0.2.12';
import { handle } from 'wasi:http/outgoing-handler@0.2.12';
import { Fields, OutgoingBody, OutgoingRequest } from 'wasi:http/types@0.2.12';
import { poll } from 'wasi:io/poll@0.2.12';

// An error body is returned to the caller, but not without bound.
const MAX_ERROR_BODY = 4096;

function config() {
  const env = new Map(getEnvironment());
  const baseUrl = env.get('LLM_BASE_URL');
  const apiKey = env.get('LLM_API_KEY');
  if (!baseUrl) fail('config', 'LLM_BASE_URL is not set (e.g. https://api.openai.com/v1)');
  if (!/^https?:\/\/[^/]/.test(baseUrl)) {
    fail('config', 'LLM_BASE_URL must be an http:// or https:// URL, e.g. https://api.openai.com/v1');
  }
  if (!apiKey) fail('config', 'LLM_API_KEY is not set (grant it as a secret, or --env LLM_API_KEY)');
  let timeoutMs;
  const timeout = env.get('LLM_TIMEOUT_MS');
  if (timeout !== undefined) {
    timeoutMs = Number(timeout);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      fail('config', 'LLM_TIMEOUT_MS must be a positive whole number of milliseconds');
    }
  }
  return { url: baseUrl.replace(/\/+$/, '') + '/chat/completions', apiKey, timeoutMs };
}

function fail(tag, val) {
  throw { tag, val };
}

// The key never leaves the component: every string that goes back to the caller passes here
// (a server may echo the Authorization header in an error body, a proxy in a network error).
function redact(text, apiKey) {
  return String(text).split(apiKey).join('[REDACTED]');
}

function toOpenAiMessage(m) {
  const out = { role: m.role, content: m.content };
  if (m.toolCallId !== undefined) out.tool_call_id = m.toolCallId;
  if (m.toolCalls.length > 0) {
    out.tool_calls = m.toolCalls.map((c) => ({
      id: c.id,
      type: 'function',
      function: { name: c.name, arguments: c.argumentsJson },
    }));
    // OpenAI wants null, not "", for an assistant message that only calls tools.
    if (m.content === '') out.content = null;
  }
  return out;
}

function toOpenAiTool(t) {
  let parameters;
  try {
    parameters = JSON.parse(t.parametersJson);
  } catch (e) {
    fail('invalid-request', `tool ${t.name}: parameters-json is not valid JSON: ${e.message}`);
  }
  if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
    fail('invalid-request', `tool ${t.name}: parameters-json must be a JSON Schema object`);
  }
  return { type: 'function', function: { name: t.name, description: t.description, parameters } };
}

function requestBody(request) {
  const body = { model: request.model, messages: request.messages.map(toOpenAiMessage) };
  if (request.temperature !== undefined) body.temperature = request.temperature;
  if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
  if (request.tools.length > 0) body.tools = request.tools.map(toOpenAiTool);
  return JSON.stringify(body);
}

const ROLES = new Set(['system', 'user', 'assistant', 'tool']);

function optionalU32(value, what) {
  if (value === undefined || value === null) return undefined;
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    fail('bad-response', `${what} is not a token count: ${JSON.stringify(value)}`);
  }
  return value;
}

function string(value, what, fallback) {
  if ((value === undefined || value === null) && fallback !== undefined) return fallback;
  if (typeof value !== 'string') fail('bad-response', `${what} is not a string`);
  return value;
}

function toToolCall(c, i) {
  if (c === null || typeof c !== 'object' || c.function === null || typeof c.function !== 'object') {
    fail('bad-response', `choices[0].message.tool_calls[${i}] is not a function call`);
  }
  const args = c.function.arguments;
  return {
    id: string(c.id, `tool_calls[${i}].id`),
    name: string(c.function.name, `tool_calls[${i}].function.name`),
    // Some servers send the arguments as an object rather than as JSON text.
    argumentsJson: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
  };
}

function toChatResponse(text, request) {
  let json;
  try {
    json = JSON.parse(text);
  } catch (e) {
    fail('bad-response', `the body is not JSON (${e.message}); it starts: ${text.slice(0, 200)}`);
  }
  const choice = json?.choices?.[0];
  if (choice === undefined || choice === null || typeof choice.message !== 'object' ||
      choice.message === null) {
    fail('bad-response', 'no choices[0].message in the answer');
  }
  const m = choice.message;
  const role = m.role ?? 'assistant';
  if (!ROLES.has(role)) fail('bad-response', `choices[0].message.role is ${JSON.stringify(role)}`);
  const toolCalls = m.tool_calls ?? [];
  if (!Array.isArray(toolCalls)) fail('bad-response', 'choices[0].message.tool_calls is not a list');
  return {
    message: {
      role,
      content: string(m.content, 'choices[0].message.content', ''),
      toolCallId: undefined,
      toolCalls: toolCalls.map(toToolCall),
    },
    finishReason: string(choice.finish_reason, 'choices[0].finish_reason', ''),
    model: string(json.model, 'model', request.model),
    promptTokens: optionalU32(json.usage?.prompt_tokens, 'usage.prompt_tokens'),
    completionTokens: optionalU32(json.usage?.completion_tokens, 'usage.completion_tokens'),
  };
}

const encoder = new TextEncoder();
// The most blockingWriteAndFlush takes at once (wasi:io/streams).
const WRITE_CHUNK = 4096;
const NS_PER_MS = 1000000n;

// Waits for `pollable` until the monotonic `deadline` (ns; undefined: no deadline of our own,
// the runtime's time limit still applies). Returns false when the deadline came first.
function ready(pollable, deadline) {
  if (deadline === undefined) {
    pollable.block();
    return true;
  }
  const timer = subscribeInstant(deadline);
  return poll([pollable, timer]).includes(0);
}

function errorCodeText(code) {
  if (code?.tag === 'HTTP-request-denied') {
    return 'HTTP-request-denied: the host is not granted (--allow-host)';
  }
  if (code?.val === undefined) return `${code?.tag ?? String(code)}`;
  const detail = JSON.stringify(code.val, (k, v) => (typeof v === 'bigint' ? String(v) : v));
  return `${code.tag}: ${detail}`;
}

function writeBody(body, bytes) {
  const out = body.write();
  for (let at = 0; at < bytes.length; at += WRITE_CHUNK) {
    out.blockingWriteAndFlush(bytes.subarray(at, at + WRITE_CHUNK));
  }
  // The stream is a child of the body: it must be gone before the body is finished.
  out[Symbol.dispose]();
  OutgoingBody.finish(body, undefined);
}

function readBody(response, deadline, timeoutMs) {
  const stream = response.consume().stream();
  const chunks = [];
  let length = 0;
  for (;;) {
    if (!ready(stream.subscribe(), deadline)) {
      fail('timeout', `the answer did not arrive within ${timeoutMs} ms`);
    }
    let chunk;
    try {
      chunk = stream.read(65536n);
    } catch (e) {
      if (e.payload?.tag === 'closed') break;
      fail('network', `reading the answer: ${errorCodeText(e.payload?.val ?? e)}`);
    }
    chunks.push(chunk);
    length += chunk.length;
  }
  const all = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  return new TextDecoder().decode(all);
}

// One POST over wasi:http, called directly rather than through fetch(): componentize-js's
// fetch() traps ("event loop error") when a request with a body is refused by the host, so a
// missing grant could not come back as a typed error. Redirects are not followed: the key goes
// to the configured URL only.
function send(cfg, bodyText) {
  const url = new URL(cfg.url);
  const bytes = encoder.encode(bodyText);
  let headers;
  try {
    headers = Fields.fromList([
      ['authorization', encoder.encode(`Bearer ${cfg.apiKey}`)],
      ['content-type', encoder.encode('application/json')],
      ['accept', encoder.encode('application/json')],
      ['content-length', encoder.encode(String(bytes.length))],
    ]);
  } catch {
    fail('config', 'LLM_API_KEY is not a valid HTTP header value (a line break or a control character?)');
  }
  const request = new OutgoingRequest(headers);
  request.setMethod({ tag: 'post' });
  request.setScheme({ tag: url.protocol === 'https:' ? 'HTTPS' : 'HTTP' });
  request.setAuthority(url.host);
  request.setPathWithQuery(url.pathname + url.search);
  const deadline = cfg.timeoutMs === undefined ? undefined : now() + BigInt(cfg.timeoutMs) * NS_PER_MS;
  // The body is taken before handle(), which consumes the request, and written after it.
  const body = request.body();
  let future;
  try {
    future = handle(request, undefined);
  } catch (e) {
    fail('network', errorCodeText(e.payload));
  }
  try {
    writeBody(body, bytes);
  } catch {
    // A refused or failed request closes the body; the response future says why (below).
  }
  if (!ready(future.subscribe(), deadline)) {
    fail('timeout', `no answer from the server within ${cfg.timeoutMs} ms`);
  }
  const got = future.get();
  if (got === undefined || got.tag === 'err') fail('network', 'the response was not available');
  if (got.val.tag === 'err') fail('network', errorCodeText(got.val.val));
  const response = got.val.val;
  return { status: response.status(), text: readBody(response, deadline, cfg.timeoutMs) };
}

function chatTurn(request) {
  const cfg = config();
  const body = requestBody(request);
  try {
    const { status, text } = send(cfg, body);
    if (status < 200 || status > 299) {
      fail('http', { status, body: text.slice(0, MAX_ERROR_BODY) });
    }
    return toChatResponse(text, request);
  } catch (e) {
    throw redactError(e, cfg.apiKey);
  }
}

function redactError(e, apiKey) {
  if (e !== null && typeof e === 'object' && e.payload !== undefined) {
    // An unexpected error of a wasi:http or wasi:io call (a ComponentError).
    return { tag: 'network', val: redact(errorCodeText(e.payload), apiKey) };
  }
  if (e === null || typeof e !== 'object' || typeof e.tag !== 'string') {
    return { tag: 'bad-response', val: redact(String(e), apiKey) };
  }
  if (e.tag === 'http') {
    return { tag: 'http', val: { status: e.val.status, body: redact(e.val.body, apiKey) } };
  }
  return { tag: e.tag, val: redact(e.val, apiKey) };
}

export const chat = {
  chat(request) {
    const response = chatTurn(request);
    // The key is redacted from the reply as well: a model has no business repeating it.
    const apiKey = config().apiKey;
    const m = response.message;
    m.content = redact(m.content, apiKey);
    m.toolCalls = m.toolCalls.map((c) => ({
      id: c.id,
      name: c.name,
      argumentsJson: redact(c.argumentsJson, apiKey),
    }));
    return response;
  },
};
