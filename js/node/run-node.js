// `wasi-web FILE.wasm`: runs the program in this Node process.
import { MemFS } from "../memfs.js";
import { compileProgram, detectWasiVersion, isComponent } from "../module.js";
import { WASI } from "../wasi.js";
import { mountHostDirs, syncHostDirs } from "./mounts.js";
import { processStdin, writeAll, writeQuietly } from "./stdio.js";

export const TRAP_EXIT_CODE = 134;

/** @typedef {{ bytes: Uint8Array, argv0: string, args: string[], env: Record<string, string>, dirs: {host: string, guest: string}[] }} Job */

/**
 * The options runWithProcessIo gives `makeHost`: those WASI and WASIp2 share.
 * @typedef {object} ProcessIoOptions
 * @property {string[]} args
 * @property {Record<string, string>} env
 * @property {Record<string, string>} preopens
 * @property {MemFS} fs
 * @property {(max: number) => Uint8Array | null} stdin
 * @property {(chunk: Uint8Array) => void} stdout
 * @property {(chunk: Uint8Array) => void} stderr
 */

/**
 * @param {Job} job
 * @returns {Promise<number>} the process exit code
 */
export async function runInNode(job) {
  if (isComponent(job.bytes)) return runComponentInNode(job);
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
 * `wasi-web comp.wasm` for a WASI 0.2 component: through jco and WASIp2
 * (loaded only for components).
 * @param {Job} job
 * @returns {Promise<number>}
 */
async function runComponentInNode(job) {
  const [{ WASIp2 }, { transpileComponent }] = await Promise.all([import("../preview2/wasip2.js"), import("../preview2/run.js")]);
  const transpiled = await transpileComponent(job.bytes);
  return runWithProcessIo(
    job,
    (options) => new WASIp2(options),
    // jco's instantiate runs inside the trap handling: a trap while it
    // instantiates is reported like one in run.
    (wasi) => () => wasi.run(transpiled.instantiate(wasi.imports)),
  );
}

/**
 * The CLI's run of either kind of program: the job's host dirs mounted in a
 * MemFS (written back at the end), this process's stdin, stdout and stderr.
 * `makeHost(options)` builds the host; `prepare(host)` resolves to the call
 * that runs the program and returns its exit code. A trap in that call is
 * reported on stderr (the host's error names the program) and exits with
 * TRAP_EXIT_CODE.
 * @template H
 * @param {Job} job
 * @param {(options: ProcessIoOptions) => H} makeHost
 * @param {(host: H) => (() => number) | Promise<() => number>} prepare
 * @returns {Promise<number>}
 */
export async function runWithProcessIo(job, makeHost, prepare) {
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
    writeQuietly(2, new TextEncoder().encode(`wasi-web: ${error.message}\n`));
    code = TRAP_EXIT_CODE;
  }
  syncHostDirs(fs, roots);
  return code;
}
