// The Node.js script `asterai build` runs for JavaScript and TypeScript projects: optional
// TypeScript transpilation (types are not checked; run tsc for that), then componentize-js.
// argv: COMPONENTIZE_JS TYPESCRIPT_JS|"" ENTRY WIT_DIR WORLD OUT
#pragma once

#include <string_view>

namespace asterai::project {

inline constexpr std::string_view kJsBuilder =
    R"(import { readFile, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';

const [componentizeJs, typescriptJs, entry, witPath, worldName, out] = process.argv.slice(2);
let sourcePath = entry;
if (typescriptJs) {
  const ts = (await import(pathToFileURL(typescriptJs).href)).default;
  const source = await readFile(entry, 'utf8');
  const result = ts.transpileModule(source, {
    fileName: entry,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ES2022, target: ts.ScriptTarget.ES2022 },
  });
  for (const d of result.diagnostics ?? []) {
    console.error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }
  if ((result.diagnostics ?? []).length > 0) process.exit(1);
  sourcePath = out + '.mjs';
  await writeFile(sourcePath, result.outputText);
}
const { componentize } = await import(pathToFileURL(componentizeJs).href);
const { component } = await componentize({
  sourcePath,
  witPath,
  worldName,
  // An exported tool has no use for the incoming-HTTP event; outgoing fetch stays available.
  disableFeatures: ['fetch-event'],
});
await writeFile(out, component);
)";

}  // namespace asterai::project
