// llm in JavaScript (componentize-js): one chat turn against an OpenAI-compatible
// /chat/completions API. fetch() runs over the wasi:http import, so the server's host must be
// granted; the configuration comes from wasi:cli/environment (a var and a secret in an
// environment). jco conventions: records are objects with camelCase fields, an option is the
// value or undefined, a variant is {tag, val}, and a thrown value is the `err` of the result.
import { getEnvironment } from 'wasi:cli/environment@0.2.12';

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

// Resolves to undefined after `ms`; the caller races it against the request.
function expiry(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function send(cfg, body) {
  const exchange = (async () => {
    let response;
    try {
      response = await globalThis.fetch(cfg.url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${cfg.apiKey}`,
          'content-type': 'application/json',
          accept: 'application/json',
        },
        body,
        // A redirect is reported, not followed: the key goes to the granted URL only.
        redirect: 'manual',
      });
    } catch (e) {
      // A refused host is a NetworkError here too: fetch() hides the wasi:http error code.
      fail('network', String(e));
    }
    let text;
    try {
      text = await response.text();
    } catch (e) {
      fail('network', `reading the response: ${e}`);
    }
    return { status: response.status, text };
  })();
  if (cfg.timeoutMs === undefined) return exchange;
  const answer = await Promise.race([exchange, expiry(cfg.timeoutMs)]);
  if (answer === undefined) fail('timeout', `no answer from the server within ${cfg.timeoutMs} ms`);
  return answer;
}

async function chatTurn(request) {
  const cfg = config();
  const body = requestBody(request);
  try {
    const { status, text } = await send(cfg, body);
    if (status < 200 || status > 299) {
      fail('http', { status, body: text.slice(0, MAX_ERROR_BODY) });
    }
    return toChatResponse(text, request);
  } catch (e) {
    throw redactError(e, cfg.apiKey);
  }
}

function redactError(e, apiKey) {
  if (e === null || typeof e !== 'object' || typeof e.tag !== 'string') {
    return { tag: 'bad-response', val: redact(String(e), apiKey) };
  }
  if (e.tag === 'http') return { tag: 'http', val: { status: e.val.status, body: redact(e.val.body, apiKey) } };
  return { tag: e.tag, val: redact(e.val, apiKey) };
}

export const chat = {
  async chat(request) {
    const response = await chatTurn(request);
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
