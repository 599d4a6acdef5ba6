// `wasi-web FILE.wasm`: runs the program in this Node process.
import { MemFS } from "../memfs.js";
import { compileProgram, detectWasiVersion, isComponent } from "../module.js";
import { WASI } from "../wasi.js";
import { mountHostDirs, syncHostDirs } from "./mounts.js";
import { processStdin, writeAll } from "./stdio.js";

export const TRAP_EXIT_CODE = 134;

/**
 * @param {{ bytes: Uint8Array, argv0: string, args: string[], env: Record<string, string>, dirs: {host: string, guest: string}[] }} job
 * @returns {Promise<number>} the process exit code
 */
export async function runInNode(job) {
  if (isComponent(job.bytes)) return (await import("../preview2/run-node.js")).runComponentInNode(job);
  const module = await compileProgram(job.bytes);
  const version = detectWasiVersion(module);
  if (version === null) throw new Error(`${job.argv0} imports neither wasi_snapshot_preview1 nor wasi_unstable`);
  const fs = new MemFS();
  const { preopens, roots } = mountHostDirs(fs, job.dirs);
  const wasi = new WASI({
    version,
    args: [job.argv0, ...job.args],
    env: job.env,
    preopens,
    fs,
    stdin: processStdin(),
    stdout: (chunk) => writeAll(1, chunk),
    stderr: (chunk) => writeAll(2, chunk),
  });
  const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
  let code;
  try {
    code = wasi.start(instance) & 0xff;
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
    writeAll(2, new TextEncoder().encode(`wasi-web: ${error.message}\n`));
    code = TRAP_EXIT_CODE;
  }
  syncHostDirs(fs, roots);
  return code;
}
