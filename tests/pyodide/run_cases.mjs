// Runs cases through the engine inside the npm Pyodide under Node, loading exactly the bundle the
// site ships (site/assets/pyodide and the calculator wheel in site/assets/simulator).
// The standard library is the small one the site boots with (manifest.stdlib), or the zip given.
//   node tests/pyodide/run_cases.mjs <site dir> <cases.json> [stdlib zip]   -> prints [result-or-errors, ...]
import { readFileSync } from "node:fs";
import { loadShipped } from "./shipped.mjs";

const [site, casesFile, stdlibZip] = process.argv.slice(2);
const { pyodide, wheel } = await loadShipped(site, stdlibZip);
pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
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
