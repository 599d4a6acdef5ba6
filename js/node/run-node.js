// `wasi-web FILE.wasm`: runs the program in this Node process.
import tty from "node:tty";
import vm from "node:vm";
import { MemFS } from "../memfs.js";
import { compileProgram, componentWasiVersion, detectWasiVersion, isComponent } from "../module.js";
import { WASI } from "../wasi.js";
import { WASIExit } from "../wasi-exit.js";
import { backtrace } from "./backtrace.js";
import { prepareInvoke } from "./invoke.js";
import { capMemory } from "./wasm-binary.js";
import { mountHostFolders } from "./mounts.js";
import { processStdin, writeAll, writeQuietly } from "./stdio.js";

export const TRAP_EXIT_CODE = 134;

/**
 * @typedef {{ bytes: Uint8Array, argv0: string, args: string[], env: Record<string, string>, dirs: {host: string, guest: string}[] }
 *   & import("./cli-args.js").RunFlags & { trace?: { bytes: Uint8Array, shift: number } }} Job
 *   `trace`: the module as the file holds it, for backtraces (`shift`: how far --max-memory's rewrite moved its code)
 */

/**
 * proc_exit with a code outside [0, 126): wasmtime refuses it ("exit with
 * invalid exit status outside of [0..126)") and exits 1; so does the CLI,
 * rather than let the OS keep the low 8 bits (256 would read as success).
 */
export class InvalidExitStatus extends Error {
  /** @param {number} status */
  constructor(status) {
    super(`exit with invalid exit status ${status}, outside of [0..126)`);
    this.status = status;
  }
}

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
 * @property {[boolean, boolean, boolean]} tty
 */

/**
 * @param {Job} job
 * @returns {Promise<number>} the process exit code
 */
export async function runInNode(job) {
  if (isComponent(job.bytes)) return runComponentInNode(job);
  // --max-memory: the module's own memory limits say it, so memory.grow past it fails in the guest.
  const capped = job.maxMemory === undefined ? { bytes: job.bytes, shift: 0 } : capMemory(job.bytes, job.maxMemory);
  const module = await compileProgram(capped.bytes);
  const version = detectWasiVersion(module);
  const trace = { bytes: job.bytes, shift: capped.shift };
  if (version === null) {
    // A library module with no WASI imports: only --invoke can use it.
    if (job.invoke === undefined) throw new Error(`${job.argv0} imports neither wasi_snapshot_preview1 nor wasi_unstable`);
    return invokePlain({ ...job, trace }, module);
  }
  return runWithProcessIo(
    { ...job, trace },
    (options) => new WASI({ version, ...options, maxFds: job.maxFds }),
    async (wasi) => {
      const instance = await WebAssembly.instantiate(module, checkedExits(wasi.getImportObject()));
      return entryPoint(job, wasi, instance);
    },
  );
}

/**
 * The import object with proc_exit checking its code first (InvalidExitStatus).
 * @param {WebAssembly.Imports} imports
 * @returns {WebAssembly.Imports}
 */
function checkedExits(imports) {
  /** @type {WebAssembly.Imports} */
  const out = {};
  for (const [ns, functions] of Object.entries(imports)) {
    const exit = /** @type {(code: number) => void} */ (functions.proc_exit);
    out[ns] = {
      ...functions,
      proc_exit: (/** @type {number} */ code) => {
        // The guest's u32, seen by JS as an i32.
        if (code >>> 0 >= 126) throw new InvalidExitStatus(code >>> 0);
        exit(code);
      },
    };
  }
  return out;
}

/**
 * What the CLI calls to run the program, as `wasmtime run` chooses: the
 * --invoke export (after a reactor's _initialize; a command's _start is not
 * run), else _start, else a reactor's _initialize alone.
 * @param {Job} job
 * @param {WASI} wasi
 * @param {WebAssembly.Instance} instance
 * @returns {() => number}
 */
function entryPoint(job, wasi, instance) {
  const exports = instance.exports;
  if (job.invoke !== undefined) {
    const { call, print } = prepareInvoke(job.bytes, exports, job.invoke, job.args);
    return () => {
      let result;
      try {
        // A plain object: initialize() sees no _start (a command's is not run).
        wasi.initialize({ exports: { memory: exports.memory, _initialize: exports._initialize } });
        result = call();
      } catch (error) {
        if (error instanceof WASIExit) return error.exitCode;
        throw error;
      } finally {
        flushQuietly(wasi);
      }
      writeAll(1, new TextEncoder().encode(print(result)));
      return 0;
    };
  }
  if (exports._start !== undefined) return () => wasi.start(instance);
  return () => {
    try {
      wasi.initialize(instance);
    } catch (error) {
      // proc_exit in _initialize: initialize() does not turn it into a code, as start() does.
      if (error instanceof WASIExit) return error.exitCode;
      throw error;
    }
    return 0;
  };
}

/** Prints what the host still holds; after a trap the core may not be able to. @param {WASI} wasi */
function flushQuietly(wasi) {
  try {
    wasi.flush();
  } catch {
    // The trap is what gets reported.
  }
}

/**
 * --invoke on a module that imports nothing from WASI (imports nothing at all).
 * @param {Job} job
 * @param {WebAssembly.Module} module
 * @returns {Promise<number>}
 */
async function invokePlain(job, module) {
  const instance = await WebAssembly.instantiate(module, {});
  const { call, print } = prepareInvoke(job.bytes, instance.exports, /** @type {string} */ (job.invoke), job.args);
  const code = runGuarded(job, call, () => {});
  return typeof code === "number" ? code : (writeAll(1, new TextEncoder().encode(print(code.result))), 0);
}

/**
 * `wasi-web comp.wasm` for a WASI 0.2 component: through jco and WASIp2
 * (loaded only for components).
 * @param {Job} job
 * @returns {Promise<number>}
 */
async function runComponentInNode(job) {
  for (const [flag, set] of [
    ["--invoke", job.invoke],
    ["--max-memory", job.maxMemory],
    ["--max-fds", job.maxFds],
  ]) {
    if (set !== undefined) throw new Error(`${flag} is for core modules; ${job.argv0} is a component`);
  }
  if (componentWasiVersion(job.bytes) === "0.3") {
    // WASI 0.3: jco's JSPI output on the 0.3 host (which says so where there is no JSPI).
    const [{ WASIp3 }, { transpileP3 }] = await Promise.all([import("../preview3/wasip3.js"), import("../preview3/run.js")]);
    const made = (/** @type {ProcessIoOptions} */ options) => new WASIp3({ ...options, network: job.network });
    const transpiled = await transpileP3(job.bytes);
    return runWithProcessIo(job, made, (wasi) => () => wasi.runAsync(transpiled.instantiate(wasi.imports)));
  }
  const [{ WASIp2 }, { transpileComponent }] = await Promise.all([import("../preview2/wasip2.js"), import("../preview2/run.js")]);
  const transpiled = await transpileComponent(job.bytes);
  if (transpiled.imports.includes("wasi:http/outgoing-handler") && typeof WebAssembly.Suspending === "function") {
    // Waiting for fetch() needs async mode (JSPI): such a component runs on an async host.
    const jspi = await transpileComponent(job.bytes, { async: true });
    return runWithProcessIo(
      job,
      (options) => new WASIp2({ ...options, async: true }),
      (wasi) => () => wasi.runAsync(jspi.instantiate(wasi.imports)),
    );
  }
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
 * @param {(host: H) => (() => number | Promise<number>) | Promise<() => number | Promise<number>>} prepare
 * @returns {Promise<number>}
 */
export async function runWithProcessIo(job, makeHost, prepare) {
  const fs = new MemFS(job.maxBytes === undefined ? {} : { limits: { maxBytes: job.maxBytes } });
  // Live mounts: the guest changes the host files as it runs (nothing is
  // written back later, so an interrupt loses nothing it wrote).
  const preopens = mountHostFolders(fs, job.dirs);
  // --mem-dir: empty directories of the MemFS itself (what --max-bytes limits).
  for (const [n, guest] of (job.memDirs ?? []).entries()) {
    fs.mkdir(`/mem/${n}`, { recursive: true });
    preopens[guest] = `/mem/${n}`;
  }
  const host = makeHost({
    args: [job.argv0, ...job.args],
    env: job.env,
    preopens,
    fs,
    stdin: processStdin(),
    stdout: (chunk) => writeAll(1, chunk),
    stderr: (chunk) => writeAll(2, chunk),
    // The guest sees a terminal where the CLI has one (isatty; line-buffered stdout).
    tty: [tty.isatty(0), tty.isatty(1), tty.isatty(2)],
  });
  const run = await prepare(host);
  const outcome = runGuarded(job, run, () => {
    // After --timeout: print what the host holds, if the core can still say.
    try {
      /** @type {{ flush?: () => void }} */ (host).flush?.();
    } catch {
      // The timeout is what gets reported.
    }
  });
  const result = typeof outcome === "number" ? outcome : outcome.result;
  // A WASI 0.3 component's run is a Promise (JSPI): its trap is reported alike.
  const code = result instanceof Promise ? await result.catch((error) => reportFailure(job, error)) : result;
  // Only 0..255 reach the OS intact; anything else (never a proc_exit code, checked above) is a failure.
  return Number.isInteger(code) && code >= 0 && code <= 255 ? code : 1;
}

/**
 * Runs `run` under the job's --timeout, reporting a trap (with the guest's
 * backtrace), a timeout or an invalid exit status on stderr. Resolves to
 * the exit code for those, else to `{ result }`.
 *
 * The timeout is node:vm's: V8 terminates the script, wasm included, at its
 * next interrupt check (loops and calls check), so a guest that computes
 * without calling WASI is stopped too, like wasmtime's epoch interruption.
 * A guest blocked in a read of stdin is stopped when the read returns.
 * @template T
 * @param {Job} job
 * @param {() => T} run
 * @param {() => void} afterTimeout
 * @returns {number | { result: T }}
 */
function runGuarded(job, run, afterTimeout) {
  const say = (/** @type {string} */ text) => writeQuietly(2, new TextEncoder().encode(text));
  try {
    if (job.timeout === undefined) return { result: run() };
    const script = new vm.Script("run()", { filename: "wasi-web --timeout" });
    return { result: script.runInNewContext({ run }, { timeout: job.timeout }) };
  } catch (error) {
    const e = /** @type {NodeJS.ErrnoException} */ (error);
    if (e?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT") {
      afterTimeout();
      say(`wasi-web: ${job.argv0} timed out after ${formatMs(/** @type {number} */ (job.timeout))} (--timeout): interrupted\n`);
      return TRAP_EXIT_CODE;
    }
    return reportFailure(job, error);
  }
}

/**
 * Reports an invalid exit status or a trap on stderr and gives the exit
 * code for it; anything else is rethrown.
 * @param {Job} job
 * @param {unknown} error
 * @returns {number}
 */
function reportFailure(job, error) {
  const say = (/** @type {string} */ text) => writeQuietly(2, new TextEncoder().encode(text));
  if (error instanceof InvalidExitStatus) {
    say(`wasi-web: ${job.argv0}: ${error.message}\n`);
    return 1;
  }
  if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
  const lines = job.trace ? backtrace(error.cause ?? error, job.trace.bytes, job.trace.shift) : [];
  // The host names the program in the traps it describes (they have a cause); a raw engine error does not.
  const message = error.cause === undefined ? `${job.argv0} trapped: ${error.message}` : error.message;
  say(`wasi-web: ${message}\n${lines.length > 0 ? `wasm backtrace:\n${lines.join("\n")}\n` : ""}`);
  return TRAP_EXIT_CODE;
}

/** @param {number} ms */
function formatMs(ms) {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
