// The npm Pyodide under Node, booted on exactly the bundle the site ships: site/assets/pyodide, with
// the small standard library the simulator boots with (manifest.stdlib) or the zip given. The Node
// runners of tests/pyodide share it.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// An uncaught error would make Node print Pyodide's whole minified source line: print the message.
function reportAndExit(error) {
  process.stderr.write(`${error && error.message ? error.message : error}`.slice(-4000));
  process.exit(1);
}
process.on("uncaughtException", reportAndExit);
process.on("unhandledRejection", reportAndExit);

export async function loadShipped(site, stdlibZip) {
  const assets = join(site, "assets");
  const { loadPyodide } = await import(pathToFileURL(join(assets, "pyodide", "pyodide.mjs")).href);
  const manifest = JSON.parse(readFileSync(join(assets, "simulator", "manifest.json"), "utf8"));
  const pyodide = await loadPyodide({
    indexURL: join(assets, "pyodide") + "/",
    stdLibURL: stdlibZip || join(assets, "pyodide", manifest.stdlib),
    stdout: () => {},
    stderr: () => {},
  });
  return { pyodide, wheel: join(assets, "simulator", manifest.wheel) };
}
