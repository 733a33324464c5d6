// Which files of Pyodide's python_stdlib.zip the simulator reads: a boot, the engine's import, the
// worker's own Python (calculator/_web.py and its self-check), a computed case and a refused one for
// every scheme, and a Python exception crossing into JavaScript (its traceback). simulator_bundle.py
// zips only these.
//   node stdlib_files.mjs <pyodide dir> <calculator wheel>   -> prints a JSON list of zip members
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, wheel] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {}, stderr: () => {} });
pyodide.unpackArchive(new Uint8Array(readFileSync(wheel)), "wheel");
pyodide.runPython(`
import json, tomllib
import calculator
import calculator._web
calculator._web.self_check()
for scheme in calculator.all_schemes():
    case = {"scheme": scheme.id, "ict_staff_fte": "12", "ikkan_achieved": True,
            "items": [{"category": "care_software", "amount_yen": "１２０万円", "payment": "lease"}]}
    json.dumps(calculator.simulate(case).to_dict(), ensure_ascii=False)
    try:
        calculator.simulate({"scheme": scheme.id, "items": [{"category": "?", "amount_yen": "x"}]})
    except calculator.InputError as error:
        json.dumps([e.to_dict() for e in error.errors], ensure_ascii=False)
tomllib.loads('scheme = "x"\\nitems = []')
try:
    tomllib.loads("=")
except tomllib.TOMLDecodeError as error:
    str(error)
`);
try {
  pyodide.runPython("raise ValueError('a Python error reaching JavaScript')");
} catch {
  // expected: formatting it imported what an error needs
}
const files = pyodide.runPython(`
import sys
prefix = sys.prefix.rstrip("/") + "/lib/python%d%d.zip/" % sys.version_info[:2]
sorted({m.__file__[len(prefix):] for m in list(sys.modules.values())
        if (getattr(m, "__file__", None) or "").startswith(prefix)})
`).toJs();
process.stdout.write(JSON.stringify(files));
