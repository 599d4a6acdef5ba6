// Runs one jco-transpiled command component on @bytecodealliance/preview2-shim
// (the host `jco transpile` output imports by default) in this process:
// argv[2] is JSON { out, preopens, env, args }, `out` the directory of
// `jco transpile --instantiation async` output. The shim's WASIShim gives the
// same interface objects the default mapping imports, with the case's args,
// env and preopens set per instance. The shim writes stdout and stderr to
// this process's own and ends it through process.exit, so the parent
// (helpers/preview2-corpus.js) reads its output and exit status.
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { WASIShim } from "@bytecodealliance/preview2-shim/instantiation";

const TRAP_EXIT_CODE = 134;
const job = JSON.parse(process.argv[2]);

// The shim's own options for env, args and preopens (guest path → host dir).
const shim = new WASIShim({ sandbox: { preopens: job.preopens, env: job.env, args: job.args } });
try {
  const { instantiate } = await import(pathToFileURL(path.join(job.out, "component.js")).href);
  const instance = await instantiate((file) => WebAssembly.compile(fs.readFileSync(path.join(job.out, file))), shim.getImportObject());
  instance.run.run();
  process.exit(0);
} catch (error) {
  // jco throws a ComponentError for run's `err` result (exit code 1);
  // anything else is a trap (or a shim bug), reported for the parent.
  if (error?.constructor?.name === "ComponentError") process.exit(1);
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`preview2-shim-child: trap: ${message.split("\n")[0]}\n${error?.stack ?? ""}\n`);
  process.exit(TRAP_EXIT_CODE);
}
