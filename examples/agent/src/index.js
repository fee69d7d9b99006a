// agent in JavaScript (componentize-js): the loop of wit/world.wit. The environment's tools
// come from asterai:host/registry and are called through it, so each runs in its own sandbox;
// the model is the llm member (asterai:llm/chat, called through the registry too) or the MCP
// client (asterai:mcp/client's create-message). jco conventions: records are objects with
// camelCase fields, an option is the value or undefined, a variant is {tag, val}, an imported
// function's `err` is thrown as an Error with `.payload`, and a thrown value is the `err` of
// the result this component returns.
import { getEnvironment } from 'wasi:cli/environment@0.2.12';
import { call, listComponents } from 'asterai:host/registry@0.1.0';
import { cancelled, createMessage, log, progress } from 'asterai:mcp/client@0.1.0';

const DEFAULT_MAX_STEPS = 8;
const MAX_STEPS = 64;
// A tool's output beyond this is cut before the model sees it (the step keeps all of it).
const MAX_OUTPUT_FOR_MODEL = 32768;
const SAMPLING_MAX_TOKENS = 1024;
// OpenAI-compatible APIs accept tool names of these characters, at most 64 of them.
const TOOL_NAME_LIMIT = 64;

function fail(tag, val) {
  throw { tag, val };
}

function config() {
  const env = new Map(getEnvironment());
  const maxText = env.get('AGENT_MAX_STEPS');
  const maxSteps = maxText === undefined ? DEFAULT_MAX_STEPS : Number(maxText);
  if (!Number.isInteger(maxSteps) || maxSteps < 1 || maxSteps > MAX_STEPS) {
    fail('config', `AGENT_MAX_STEPS must be a whole number from 1 to ${MAX_STEPS}, not ${maxText}`);
  }
  const tools = env.get('AGENT_TOOLS');
  return {
    model: env.get('AGENT_MODEL'),
    llm: env.get('AGENT_LLM') || 'llm',
    maxSteps,
    only: tools ? tools.split(',').map((t) => t.trim()).filter((t) => t !== '') : undefined,
    systemPrompt: env.get('AGENT_SYSTEM_PROMPT'),
  };
}

// The function's name without its interface: `ns:pkg/iface@1.0.0#word-count` -> `word-count`.
function shortName(qualified) {
  const hash = qualified.lastIndexOf('#');
  return hash < 0 ? qualified : qualified.slice(hash + 1);
}

function isAgentOrMcpExport(fn) {
  return fn.name.startsWith('asterai:agent/') || fn.name.startsWith('asterai:mcp/');
}

// The tools the model may call, each named COMPONENT__FUNCTION in the characters model APIs
// accept, and mapped back to the component and the function's qualified name.
function discoverTools(cfg, llmMember) {
  const components = listComponents();
  const names = new Set(components.map((c) => c.name));
  for (const wanted of cfg.only ?? []) {
    if (!names.has(wanted)) {
      fail('config', `AGENT_TOOLS names ${wanted}, which is not a component of this environment`);
    }
  }
  const tools = new Map();
  for (const c of components) {
    if (c.name === llmMember || c.functions.some((f) => f.name.startsWith('asterai:agent/'))) continue;
    if (cfg.only && !cfg.only.includes(c.name)) continue;
    for (const fn of c.functions) {
      if (isAgentOrMcpExport(fn)) continue;
      const base = `${c.name}__${shortName(fn.name)}`.replace(/[^A-Za-z0-9_-]/g, '_');
      let name = base.slice(0, TOOL_NAME_LIMIT);
      for (let n = 2; tools.has(name); n++) {
        const suffix = `_${n}`;
        name = base.slice(0, TOOL_NAME_LIMIT - suffix.length) + suffix;
      }
      const { schema, description } = parameters(fn.inputSchema);
      const where = `function ${fn.name} of component ${c.name}`;
      tools.set(name, {
        component: c.name,
        function: fn.name,
        // The WIT docs when the component carries them, else the signature.
        description: description ? `${description} (${where})` : `${fn.signature} (${where})`,
        schema,
      });
    }
  }
  return tools;
}

// The arguments' schema as tool parameters, and the function's docs the host put in it: without
// `$schema`, which some model APIs refuse there, and the description, which is the tool's.
function parameters(schemaJson) {
  const schema = JSON.parse(schemaJson);
  const description = schema.description;
  delete schema.$schema;
  delete schema.description;
  return { schema: JSON.stringify(schema), description };
}

// Runs one tool call the model asked for; never throws (a failure is the step's output).
function runTool(tools, name, argumentsJson) {
  const step = { tool: name, argumentsJson, output: '', failed: true };
  const tool = tools.get(name);
  if (!tool) {
    step.output = `there is no tool named ${name}; the tools are: ${[...tools.keys()].join(', ')}`;
    return step;
  }
  let args;
  try {
    args = argumentsJson.trim() === '' ? {} : JSON.parse(argumentsJson);
  } catch (e) {
    step.output = `the arguments are not valid JSON: ${e.message}`;
    return step;
  }
  if (args === null || typeof args !== 'object' || Array.isArray(args)) {
    step.output = 'the arguments must be a JSON object of named arguments';
    return step;
  }
  try {
    step.output = call(tool.component, tool.function, JSON.stringify(args));
    step.failed = false;
  } catch (e) {
    const p = e.payload;
    step.output = p ? `${p.kind}: ${p.message}` : String(e);
  }
  return step;
}

function forModel(step) {
  const text = step.failed ? `error: ${step.output}` : step.output;
  return text.length > MAX_OUTPUT_FOR_MODEL
    ? `${text.slice(0, MAX_OUTPUT_FOR_MODEL)} … (cut: ${text.length} characters in all)`
    : text;
}

// The llm member: OpenAI-style tool calling (asterai:llm/chat, as JSON through the registry).
class MemberModel {
  constructor(cfg, tools, task) {
    if (!cfg.model) fail('config', `AGENT_MODEL is not set: name the model the ${cfg.llm} member asks for`);
    this.cfg = cfg;
    this.tools = [...tools].map(([name, t]) => ({
      name,
      description: t.description,
      'parameters-json': t.schema,
    }));
    this.messages = [];
    if (cfg.systemPrompt) this.messages.push(message('system', cfg.systemPrompt));
    this.messages.push(message('user', task));
  }

  // -> {text} for an answer, or {calls: [{id, name, argumentsJson}]}.
  next() {
    const request = {
      model: this.cfg.model,
      messages: this.messages,
      temperature: null,
      'max-tokens': null,
      tools: this.tools,
    };
    let reply;
    try {
      reply = JSON.parse(call(this.cfg.llm, 'chat', JSON.stringify({ request })));
    } catch (e) {
      const p = e.payload;
      fail('model', p ? `the ${this.cfg.llm} member failed: ${p.kind}: ${p.message}` : String(e));
    }
    if (reply.err !== undefined) fail('model', JSON.stringify(reply.err));
    const said = reply.ok.message;
    if (said['tool-calls'].length === 0) return { text: said.content };
    this.messages.push(said);
    return {
      calls: said['tool-calls'].map((c) => ({ id: c.id, name: c.name, argumentsJson: c['arguments-json'] })),
    };
  }

  answered(callId, step) {
    this.messages.push({ ...message('tool', forModel(step)), 'tool-call-id': callId });
  }
}

function message(role, content) {
  return { role, content, 'tool-call-id': null, 'tool-calls': [] };
}

// The MCP client's model (sampling/createMessage). Sampling has no tool calling of its own
// here, so the tools are described in the system prompt and the model answers in JSON.
class SamplingModel {
  constructor(cfg, tools, task) {
    this.hints = cfg.model ? [cfg.model] : [];
    const list = [...tools]
      .map(([name, t]) => `- ${name}: ${t.description}\n  arguments (JSON Schema): ${t.schema}`)
      .join('\n');
    this.system =
      (cfg.systemPrompt ? `${cfg.systemPrompt}\n\n` : '') +
      'You solve the task with the tools below. Reply with exactly one JSON object and nothing ' +
      'else: {"tool": "NAME", "arguments": {...}} to call a tool (its result comes back in the ' +
      'next message), or {"answer": "TEXT"} when you are done.\n\nTools:\n' +
      (list || '(none)');
    this.messages = [samplingText('user', task)];
  }

  next() {
    let reply;
    try {
      reply = createMessage({
        messages: this.messages,
        systemPrompt: this.system,
        maxTokens: SAMPLING_MAX_TOKENS,
        temperature: undefined,
        modelHints: this.hints,
      });
    } catch (e) {
      fail('model', `sampling failed: ${e.payload ?? e}`);
    }
    if (reply.content.tag !== 'text') fail('model', `sampling answered with ${reply.content.tag}, not text`);
    const text = reply.content.val;
    this.messages.push(samplingText('assistant', text));
    const decision = parseDecision(text);
    if (decision.tool === undefined) return { text: decision.answer };
    return { calls: [{ id: '', name: decision.tool, argumentsJson: JSON.stringify(decision.arguments ?? {}) }] };
  }

  answered(_callId, step) {
    this.messages.push(samplingText('user', `${step.failed ? 'Error from' : 'Result of'} ${step.tool}: ${forModel(step)}`));
  }
}

function samplingText(role, text) {
  return { role, content: { tag: 'text', val: text } };
}

// {"tool", "arguments"} or {"answer"}, also inside a fenced block or prose; any other reply is
// the answer itself (a model that just answers has answered).
function parseDecision(text) {
  const from = text.indexOf('{');
  const to = text.lastIndexOf('}');
  if (from >= 0 && to > from) {
    try {
      const value = JSON.parse(text.slice(from, to + 1));
      if (typeof value?.tool === 'string') return { tool: value.tool, arguments: value.arguments };
      if (value && 'answer' in value) return { answer: String(value.answer) };
    } catch {
      // not JSON: the text is the answer
    }
  }
  return { answer: text };
}

function hasMember(name) {
  return listComponents().some((c) => c.name === name);
}

function run(task) {
  const cfg = config();
  const sampling = cfg.llm === 'sampling' || !hasMember(cfg.llm);
  if (sampling && cfg.llm !== 'sampling' && cfg.llm !== 'llm') {
    fail('config', `AGENT_LLM names ${cfg.llm}, which is not a component of this environment`);
  }
  const tools = discoverTools(cfg, sampling ? undefined : cfg.llm);
  const model = sampling ? new SamplingModel(cfg, tools, task) : new MemberModel(cfg, tools, task);
  const steps = [];
  for (let turn = 1; turn <= cfg.maxSteps; turn++) {
    if (cancelled()) fail('cancelled', steps);
    progress(turn - 1, cfg.maxSteps, `turn ${turn}`);
    let next;
    try {
      next = model.next();
    } catch (e) {
      // No llm member and no MCP client to sample: say what to set up instead.
      if (sampling && e.tag === 'model' && /only a call served over MCP/.test(e.val)) {
        fail('config', `there is no ${cfg.llm} member in this environment to ask, and sampling needs ` +
          'a call served over MCP (asterai serve): add an llm member or serve the environment');
      }
      throw e;
    }
    if (next.text !== undefined) return { text: next.text, steps, turns: turn };
    for (const c of next.calls) {
      if (cancelled()) fail('cancelled', steps);
      log('info', 'agent', `turn ${turn}: ${c.name} ${c.argumentsJson}`);
      const step = runTool(tools, c.name, c.argumentsJson);
      steps.push(step);
      model.answered(c.id, step);
    }
  }
  fail('step-limit', steps);
}

export const agent = { run };
