// `wasi-web comp.wasm` for a WASI 0.2 component: like js/node/run-node.js,
// through jco and WASIp2.
import { MemFS } from "../memfs.js";
import { mountHostDirs, syncHostDirs } from "../node/mounts.js";
import { processStdin, writeAll } from "../node/stdio.js";
import { WASIp2 } from "./host.js";
import { transpileComponent } from "./run.js";

const TRAP_EXIT_CODE = 134;

export async function runComponentInNode(job) {
  const transpiled = await transpileComponent(job.bytes);
  const fs = new MemFS();
  const { preopens, roots } = mountHostDirs(fs, job.dirs);
  const wasi = new WASIp2({
    args: [job.argv0, ...job.args],
    env: job.env,
    preopens,
    fs,
    stdin: processStdin(),
    stdout: (chunk) => writeAll(1, chunk),
    stderr: (chunk) => writeAll(2, chunk),
  });
  let code;
  try {
    code = wasi.run(transpiled.instantiate(wasi.imports)) & 0xff;
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
    writeAll(2, new TextEncoder().encode(`wasi-web: ${job.argv0} trapped: ${error.message}\n`));
    code = TRAP_EXIT_CODE;
  }
  syncHostDirs(fs, roots);
  return code;
}
