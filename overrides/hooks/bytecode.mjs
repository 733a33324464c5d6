// Compiles Python sources to bytecode in the pinned Pyodide under Node, so that a browser does not
// compile them at every first start: compiling the standard library from source was most of a cold
// boot (bench/results.md). Only this Pyodide can write its bytecode (CPython 3.14's format).
//   node bytecode.mjs <pyodide dir> <jobs.json>
// jobs.json: [{"source": zip, "target": zip, "kind": "stdlib" | "package"}, ...]
//   stdlib:  each x.py becomes a sourceless x.pyc at the same place in the zip (zipimport reads it);
//            docstrings become "" (__doc__ stays a string; nothing the engine runs reads them).
//   package: each pkg/x.py gets pkg/__pycache__/x.<cache tag>.pyc, a hash-checked pyc: Python uses it
//            only while its source is unchanged, and the source stays for tracebacks.
// Code objects are named after where the files sit at run time (the stdlib zip; the working directory,
// where the worker unpacks the wheel), as compiling them there would name them.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

process.on("uncaughtException", (error) => {
  process.stderr.write(`${error && error.message ? error.message : error}`.slice(-4000));
  process.exit(1);
});

const [pyodideDir, jobsFile] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({ indexURL: pyodideDir + "/", stdout: () => {}, stderr: () => {} });
pyodide.runPython(`
import ast
import importlib._bootstrap_external as external
import importlib.util
import os
import sys
import zipfile

PREFIXES = {
    "stdlib": sys.prefix.rstrip("/") + "/lib/python%d%d.zip/" % sys.version_info[:2],
    "package": os.getcwd().rstrip("/") + "/",  # where unpackArchive puts a wheel by default
}

def _blank_docstrings(tree):
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                first.value.value = ""
    return tree

def compile_zip(source, target, kind):
    prefix = PREFIXES[kind]
    count = 0
    with zipfile.ZipFile(source) as given, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for info in given.infolist():
            data = given.read(info)
            if not info.filename.endswith(".py"):
                if kind == "stdlib":
                    out.writestr(info, data)
                continue
            path = prefix + info.filename
            if kind == "stdlib":
                code = compile(_blank_docstrings(ast.parse(data, path)), path, "exec", dont_inherit=True)
                pyc = external._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
                name = info.filename + "c"
            else:
                code = compile(data, path, "exec", dont_inherit=True)
                pyc = external._code_to_hash_pyc(code, importlib.util.source_hash(data), checked=True)
                folder, _, module = info.filename.rpartition("/")
                name = f"{folder}/__pycache__/{module[:-3]}.{sys.implementation.cache_tag}.pyc"
            out.writestr(zipfile.ZipInfo(name, info.date_time), bytes(pyc), zipfile.ZIP_DEFLATED, 9)
            count += 1
    return count
`);
const compileZip = pyodide.globals.get("compile_zip");
const counts = [];
for (const job of JSON.parse(readFileSync(jobsFile, "utf8"))) {
  pyodide.FS.writeFile("/tmp/source.zip", readFileSync(job.source));
  counts.push(compileZip("/tmp/source.zip", "/tmp/target.zip", job.kind));
  writeFileSync(job.target, pyodide.FS.readFile("/tmp/target.zip"));
}
process.stdout.write(JSON.stringify({ compiled: counts, cache_tag: pyodide.runPython("sys.implementation.cache_tag") }));
