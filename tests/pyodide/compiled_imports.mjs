// Which Python modules get compiled from source while the engine imports and computes a case, in the
// npm Pyodide under Node with the bundle the site ships (or the wheel given): none should, as the
// site ships them as bytecode.
//   node tests/pyodide/compiled_imports.mjs <site dir> [wheel]   -> prints a JSON list of file names
import { readFileSync } from "node:fs";
import { loadShipped } from "./shipped.mjs";

const [site, givenWheel] = process.argv.slice(2);
const { pyodide, wheel } = await loadShipped(site);
pyodide.runPython(`
import importlib._bootstrap_external as external
import zipimport

compiled = []
_source_to_code = external.SourceLoader.source_to_code
def _recording(self, data, path, *args, **kwargs):
    compiled.append(str(path))
    return _source_to_code(self, data, path, *args, **kwargs)
external.SourceLoader.source_to_code = _recording
_compile_source = zipimport._compile_source
def _recording_zip(pathname, source, *args, **kwargs):
    compiled.append(pathname)
    return _compile_source(pathname, source, *args, **kwargs)
zipimport._compile_source = _recording_zip
`);
pyodide.unpackArchive(new Uint8Array(readFileSync(givenWheel || wheel)), "wheel");
const compiled = pyodide.runPython(`
import json, tomllib, calculator
calculator.simulate({"scheme": "yamaguchi-2022", "items": [{"category": "devices", "amount_yen": 100000}]})
tomllib.loads('scheme = "x"')
json.dumps(compiled)
`);
process.stdout.write(compiled);
