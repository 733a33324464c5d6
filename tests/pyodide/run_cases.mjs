// Runs cases through the engine inside the npm Pyodide under Node, loading exactly the bundle the
// site ships (site/assets/pyodide and the calculator wheel in site/assets/simulator).
//   node tests/pyodide/run_cases.mjs <site dir> <cases.json>   -> prints [result-or-errors, ...] as JSON
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [site, casesFile] = process.argv.slice(2);
const assets = join(site, "assets");
const { loadPyodide } = await import(pathToFileURL(join(assets, "pyodide", "pyodide.mjs")).href);
const manifest = JSON.parse(readFileSync(join(assets, "simulator", "manifest.json"), "utf8"));
const pyodide = await loadPyodide({ indexURL: join(assets, "pyodide") + "/", stdout: () => {}, stderr: () => {} });
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
