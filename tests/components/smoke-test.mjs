// Smoke test for a kitchen-sink component on a second host (jco + node), independent of the
// asterai runtime: catches ABI and behaviour mistakes in a component before the runtime's tests
// meet them. Usage: node tests/components/smoke-test.mjs COMPONENT.wasm
// Prints one line per failing case and exits 1 if any; cases broken by a known bug of the
// component's producer (see KNOWN_BUGS) are reported as KNOWN and do not fail the run.
import { mkdtemp, mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isDeepStrictEqual } from 'node:util';
import { setFlagsFromString } from 'node:v8';

// componentize-py's CPython uses extended constant expressions, which Node 20 has behind a flag
// (on by default from Node 22); it must be set before any module is compiled.
setFlagsFromString('--experimental-wasm-extended-const');

// Upstream bugs that the kitchen-sink README documents, by producer (a "processed-by" name).
const KNOWN_BUGS = {
  ComponentizeJS: {
    u32: 'componentize-js 0.23.0: a u32 >= 2^31 returned directly comes back wrong',
    s64: 'componentize-js 0.23.0: a negative s64 returned directly traps (ComponentizeJS#343)',
  },
};

const guestModules = fileURLToPath(new URL('../../tools/guest/node_modules', import.meta.url));
const jco = await import(pathToFileURL(join(guestModules, '@bytecodealliance/jco/dist/api.js')));
const shim = await import(
  pathToFileURL(join(guestModules, '@bytecodealliance/preview2-shim/dist/nodejs/index.js'))
);

const componentPath = process.argv[2];
if (!componentPath) {
  console.error('usage: node smoke-test.mjs COMPONENT.wasm');
  process.exit(2);
}
const bytes = await readFile(componentPath);
const [root] = await jco.metadataShow(bytes);
const producers = new Set(
  (root.producers.find(([field]) => field === 'processed-by')?.[1] ?? []).map(([name]) => name),
);
const knownBugs = Object.assign(
  {},
  ...Object.entries(KNOWN_BUGS).filter(([p]) => producers.has(p)).map(([, bugs]) => bugs),
);

// Transpile into a temporary folder that resolves the WASI shims from tools/guest.
const dir = await mkdtemp(join(tmpdir(), 'asterai-smoke-'));
let failures;
try {
  const { files } = await jco.transpile(bytes, { name: 'component', instantiation: 'async' });
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  await symlink(guestModules, join(dir, 'node_modules'));
  const { instantiate } = await import(pathToFileURL(join(dir, 'component.js')));

  // Core modules are compiled once; every case gets a fresh instance, as in the asterai
  // runtime, because a trap leaves an instance unusable.
  const modules = new Map();
  const getCoreModule = (name) => {
    if (!modules.has(name)) {
      modules.set(name, readFile(join(dir, name)).then((b) => WebAssembly.compile(b)));
    }
    return modules.get(name);
  };
  // 'wasi:cli/terminal-stdin@0.2.x' -> shim.cli.terminalStdin
  const imports = new Proxy({}, {
    get: (_, key) => {
      const [, pkg, iface] = /^wasi:([^/]+)\/([^@]+)/.exec(key);
      return shim[pkg][iface.replace(/-(.)/g, (_, c) => c.toUpperCase())];
    },
  });
  failures = await runCases(() => instantiate(getCoreModule, imports));
} finally {
  await rm(dir, { recursive: true, force: true });
}
process.exit(failures ? 1 : 0);

// { value } for a return, { err } for an err result (jco throws it as a ComponentError with
// a payload), { trap } for anything else thrown.
function outcome(call) {
  try {
    return { value: call() };
  } catch (e) {
    if (e && typeof e === 'object' && 'payload' in e) return { err: e.payload };
    return { trap: String(e) };
  }
}

function cases() {
  const ada = { name: 'Ada', age: 36 };
  const people = [ada, { name: 'Linus', age: 54 }];
  const noFlags = { read: false, write: false, exec: false };
  // [name, call, expected, known-bug key]; an echo expects its argument back.
  const echo = (fn, arg, bug) => [
    `${fn}(${show(arg)})`, (i) => i.values[fn](arg), { value: arg }, bug,
  ];
  return [
    echo('echoBool', false), echo('echoBool', true),
    echo('echoS8', -128), echo('echoU8', 255), echo('echoS16', -32768), echo('echoU16', 65535),
    echo('echoS32', -2147483648), echo('echoU32', 7), echo('echoU32', 4294967295, 'u32'),
    echo('echoS64', 2n ** 63n - 1n), echo('echoS64', -(2n ** 63n), 's64'),
    echo('echoU64', 2n ** 64n - 1n),
    echo('echoF32', -1.5), echo('echoF32', Infinity),
    echo('echoF64', 0.1), echo('echoF64', -0), echo('echoF64', -Infinity),
    echo('echoChar', '\u{1F980}'), echo('echoString', 'héllo, wörld'), echo('echoString', ''),
    echo('echoBytes', new Uint8Array([0, 1, 254, 255])),
    echo('echoList', new Int32Array([1, -2, 3])), echo('echoList', new Int32Array([])),
    echo('echoStrings', ['a', '', 'ç']), echo('echoPerson', ada),
    echo('echoTuple', [7, 'x', true]),
    echo('echoShape', { tag: 'circle', val: 2.5 }),
    echo('echoShape', { tag: 'rectangle', val: [2, 3] }), echo('echoShape', { tag: 'point' }),
    echo('echoColor', 'blue'), echo('echoPermissions', { read: true, write: false, exec: true }),
    echo('echoOption', 'x'), echo('echoOption', undefined),
    echo('echoNestedOption', { tag: 'none' }),
    echo('echoNestedOption', { tag: 'some', val: undefined }),
    echo('echoNestedOption', { tag: 'some', val: 42 }),
    echo('echoPeople', people), echo('echoPeople', []),
    ['echoResult(ok)', (i) => i.values.echoResult({ tag: 'ok', val: 7 }), { value: 7 }],
    ['echoResult(err)', (i) => i.values.echoResult({ tag: 'err', val: 'bad' }), { err: 'bad' }],
    ['add', (i) => i.add(2, 3), { value: 5 }],
    ['add wraps', (i) => i.add(2147483647, 1), { value: -2147483648 }],
    ['greet', (i) => i.values.greet(ada), { value: 'Hello, Ada! You are 36.' }],
    ['greet max age', (i) => i.values.greet({ name: '', age: 4294967295 }),
      { value: 'Hello, ! You are 4294967295.' }],
    ['sum', (i) => i.values.sum(new BigInt64Array([1n, 2n, 3n])), { value: 6n }],
    ['sum empty', (i) => i.values.sum(new BigInt64Array([])), { value: 0n }],
    ['sum negative', (i) => i.values.sum(new BigInt64Array([1n, -3n])), { value: -2n }, 's64'],
    ['sum wraps', (i) => i.values.sum(new BigInt64Array([2n ** 63n - 1n, 1n])),
      { value: -(2n ** 63n) }, 's64'],
    ['area circle', (i) => i.values.area({ tag: 'circle', val: 1 }), { value: 3.141592653589793 }],
    ['area circle 0.1', (i) => i.values.area({ tag: 'circle', val: 0.1 }),
      { value: (3.141592653589793 * 0.1) * 0.1 }],
    ['area rectangle', (i) => i.values.area({ tag: 'rectangle', val: [2.5, 4] }), { value: 10 }],
    ['area point', (i) => i.values.area({ tag: 'point' }), { value: 0 }],
    ['divide', (i) => i.values.divide(7, 2), { value: 3 }],
    ['divide negative', (i) => i.values.divide(-7, 2), { value: -3 }],
    ['divide by zero', (i) => i.values.divide(1, 0), { err: 'division by zero' }],
    ['divide overflow', (i) => i.values.divide(-2147483648, -1), { err: 'overflow' }],
    ['describe', (i) => i.values.describe(people, 'blue', { read: true, write: false, exec: true }),
      { value: [2, 'Ada, Linus', ['read', 'exec']] }],
    ['describe empty', (i) => i.values.describe([], 'red', noFlags), { value: [0, '', []] }],
    ['noop', (i) => i.values.noop(), { value: undefined }],
  ];
}

async function runCases(instantiate) {
  let failed = 0;
  const check = (name, got, ok, expected, bug) => {
    if (ok) return;
    if (bug && knownBugs[bug]) {
      console.error(`KNOWN ${name}: got ${show(got)} (${knownBugs[bug]})`);
      return;
    }
    failed++;
    console.error(`FAIL ${name}: got ${show(got)}, expected ${expected}`);
  };
  for (const [name, call, expected, bug] of cases()) {
    const instance = await instantiate();
    const got = outcome(() => call(instance));
    check(name, got, isDeepStrictEqual(got, expected), show(expected), bug);
  }
  // fail writes its message to stderr (it shows up in this program's output) and traps.
  const instance = await instantiate();
  const got = outcome(() => instance.values.fail('smoke-test: fail() wrote this line'));
  check('fail', got, 'trap' in got, 'a trap');
  return failed;
}

function show(x) {
  return JSON.stringify(x, (_, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? 'undefined';
}
