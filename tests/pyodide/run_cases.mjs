// Runs cases through the engine inside the npm Pyodide under Node, loading exactly the bundle the
// site ships (site/assets/pyodide and the calculator wheel in site/assets/simulator).
// The standard library is the small one the site boots with (manifest.stdlib), or the zip given.
//   node tests/pyodide/run_cases.mjs <site dir> <cases.json> [stdlib zip]   -> prints [result-or-errors, ...]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// An uncaught error would make Node print Pyodide's whole minified source line: print the message.
process.on("uncaughtException", (error) => {
  process.stderr.write(`${error && error.message ? error.message : error}`.slice(-4000));
  process.exit(1);
});
process.on("unhandledRejection", (error) => {
  process.stderr.write(`${error && error.message ? error.message : error}`.slice(-4000));
  process.exit(1);
});

const [site, casesFile, stdlibZip] = process.argv.slice(2);
const assets = join(site, "assets");
const { loadPyodide } = await import(pathToFileURL(join(assets, "pyodide", "pyodide.mjs")).href);
const manifest = JSON.parse(readFileSync(join(assets, "simulator", "manifest.json"), "utf8"));
const pyodide = await loadPyodide({
  indexURL: join(assets, "pyodide") + "/",
  stdLibURL: stdlibZip || join(assets, "pyodide", manifest.stdlib),
  stdout: () => {},
  stderr: () => {},
});
pyodide.unpackArchive(new Uint8Array(readFileSync(join(assets, "simulator", manifest.wheel))), "wheel");
pyodide.runPython(`
import json, calculator
def _run(text):
    out = []
    for case in json.loads(text):
        try:
            out.append({"result": calculator.simulate(case).to_dict()})
        except calculator.InputError as error:
            out.append({"errors": [e.to_dict() for e in error.errors]})
    return json.dumps(out, ensure_ascii=False)
`);
process.stdout.write(pyodide.globals.get("_run")(readFileSync(casesFile, "utf8")));
