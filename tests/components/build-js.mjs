// Builds a JavaScript component with componentize-js (from tools/guest/node_modules).
// Usage: node build-js.mjs SOURCE.js WIT_DIR WORLD OUT.wasm
// Only the stdio feature is kept (console.error for `fail`); clocks, randomness and HTTP are
// disabled so the component imports as little of WASI as componentize-js allows.
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';

const [source, witDir, world, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node build-js.mjs SOURCE.js WIT_DIR WORLD OUT.wasm');
  process.exit(2);
}

const componentizeJs = new URL(
  '../../tools/guest/node_modules/@bytecodealliance/componentize-js/src/componentize.js',
  import.meta.url,
);
const { componentize } = await import(componentizeJs);

const { component } = await componentize({
  sourcePath: resolve(source),
  witPath: resolve(witDir),
  worldName: world,
  disableFeatures: ['random', 'clocks', 'http', 'fetch-event'],
});
await writeFile(out, component);
