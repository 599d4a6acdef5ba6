// `wasi-web FILE.wasm`: runs the program in this Node process.
import { MemFS } from "../memfs.js";
import { compileProgram, detectWasiVersion, isComponent } from "../module.js";
import { WASI } from "../wasi.js";
import { mountHostDirs, syncHostDirs } from "./mounts.js";
import { processStdin, writeAll, writeQuietly } from "./stdio.js";

export const TRAP_EXIT_CODE = 134;

/** @typedef {{ bytes: Uint8Array, argv0: string, args: string[], env: Record<string, string>, dirs: {host: string, guest: string}[] }} Job */

/**
 * @param {Job} job
 * @returns {Promise<number>} the process exit code
 */
export async function runInNode(job) {
  if (isComponent(job.bytes)) return (await import("../preview2/run-node.js")).runComponentInNode(job);
  const module = await compileProgram(job.bytes);
  const version = detectWasiVersion(module);
  if (version === null) throw new Error(`${job.argv0} imports neither wasi_snapshot_preview1 nor wasi_unstable`);
  return runWithProcessIo(
    job,
    (options) => new WASI({ version, ...options }),
    async (wasi) => {
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
      return () => wasi.start(instance);
    },
  );
}

/**
 * The CLI's run of either kind of program: the job's host dirs mounted in a
 * MemFS (written back at the end), this process's stdin, stdout and stderr.
 * `makeHost(options)` builds the host; `prepare(host)` resolves to the call
 * that runs the program and returns its exit code. A trap in that call is
 * reported on stderr (after `trapPrefix`) and exits with TRAP_EXIT_CODE.
 * @template H
 * @param {Job} job
 * @param {(options: object) => H} makeHost
 * @param {(host: H) => (() => number) | Promise<() => number>} prepare
 * @param {string} [trapPrefix]
 * @returns {Promise<number>}
 */
export async function runWithProcessIo(job, makeHost, prepare, trapPrefix = "") {
  const fs = new MemFS();
  const { preopens, roots } = mountHostDirs(fs, job.dirs);
  const host = makeHost({
    args: [job.argv0, ...job.args],
    env: job.env,
    preopens,
    fs,
    stdin: processStdin(),
    stdout: (chunk) => writeAll(1, chunk),
    stderr: (chunk) => writeAll(2, chunk),
  });
  const run = await prepare(host);
  let code;
  try {
    code = run() & 0xff;
  } catch (error) {
    if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
    writeQuietly(2, new TextEncoder().encode(`wasi-web: ${trapPrefix}${error.message}\n`));
    code = TRAP_EXIT_CODE;
  }
  syncHostDirs(fs, roots);
  return code;
}
