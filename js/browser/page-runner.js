// Runs one WASI program inside a browser page on behalf of a Node driver
// (the CLI's --browser and the Chromium conformance runner). Bytes never
// cross the page boundary as strings: the MemFS comes as a tar archive
// (MemFS.snapshot) fetched from the driver's server, and with a bridge
// (the CLI) the program runs in a worker whose stdin, stdout, stderr and
// final MemFS go over HTTP as binary bodies (js/browser/bridge-worker.js).
// A program is a core module (`wasmUrl`) or a WASI 0.2 component that the
// driver transpiled with jco (`componentUrl`: its JS, core modules next to it).
// From the modules themselves (not ../index.js, whose typings are the public
// .d.ts): the options handed to WASI and WASIp2 are checked against theirs.
import { init } from "../core.js";
import { MemFS } from "../memfs.js";
import { compileProgram, detectWasiVersion } from "../module.js";
import { WASI } from "../wasi.js";
import { post } from "./upload.js";

export const TRAP_EXIT_CODE = 134;

/**
 * @typedef {object} PageJob
 * @property {string} [wasmUrl] a core module
 * @property {string} [componentUrl] jco's JS for a component (`instantiation: "async"`)
 * @property {string[]} [componentImports] the interfaces it imports (those wasi-web lacks get trapping stand-ins)
 * @property {boolean} [componentP3] a WASI 0.3 component (transpiled for JSPI): run on WASIp3
 * @property {boolean} [componentAsync] transpiled for JSPI (0.3, or a 0.2 one that fetches): run with runAsync
 * @property {string[]} args argv, argv[0] included
 * @property {Record<string, string>} env
 * @property {Record<string, string>} preopens guest path → MemFS path
 * @property {string} [treeUrl] a tar archive (MemFS.snapshot) to start from; none: an empty MemFS
 * @property {string} [stdinUrl] all of stdin, without a bridge
 * @property {string} [bridge] the driver's bridge (a URL prefix): run in a worker, stdio and the final MemFS over it
 */

/**
 * What runJob resolves to: the exit code, or the trap, or the error that
 * prevented the run; the output without a bridge; with one, whether the
 * program was stopped, whether its MemFS was sent back, and the renames it
 * made (MemFS paths, from inode numbers before and after).
 * @typedef {{ exitCode: number | null, trap: string | null, error: string | null, stdout: string, stderr: string,
 *   stopped: boolean, treeSent: boolean, renames: [string, string][] }} PageResult
 */

/**
 * The options both hosts take here.
 * @typedef {object} PageOptions
 * @property {string[]} args
 * @property {Record<string, string>} env
 * @property {Record<string, string>} preopens
 * @property {MemFS} fs
 * @property {Uint8Array | ((max: number) => Uint8Array | null)} stdin
 * @property {"buffer" | ((chunk: Uint8Array) => void)} stdout
 * @property {"buffer" | ((chunk: Uint8Array) => void)} stderr
 */

/**
 * A loaded program: `host` (its WASI or WASIp2), `start()` → exit code, and
 * how a trap is reported (as the Node CLI reports it).
 * @typedef {{ host: { stdout: { text(): string } | null, stderr: { text(): string } | null }, start(): number | Promise<number>, trapMessage(error: Error): string }} Program
 */

/**
 * @param {string} url
 * @returns {Promise<Uint8Array>}
 */
export async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`fetching ${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/**
 * @param {PageJob} job @param {PageOptions} options
 * @param {(imports: WebAssembly.Imports) => WebAssembly.Imports} [wrap] changes the import object (a stop check)
 * @returns {Promise<Program>}
 */
async function loadModule(job, options, wrap = (imports) => imports) {
  if (job.wasmUrl === undefined) throw new Error("the job names no program (wasmUrl or componentUrl)");
  const module = await compileProgram(await fetchBytes(job.wasmUrl));
  const version = detectWasiVersion(module);
  if (version === null) throw new Error("the module imports neither wasi_snapshot_preview1 nor wasi_unstable");
  const wasi = new WASI({ ...options, version });
  const instance = await WebAssembly.instantiate(module, wrap(wasi.getImportObject()));
  return { host: wasi, start: () => wasi.start(instance), trapMessage: (error) => error.message };
}

/** @param {PageJob} job @param {PageOptions} options @returns {Promise<Program>} */
async function loadComponent(job, options) {
  // loadProgram calls it for a job with a componentUrl.
  const url = /** @type {string} */ (job.componentUrl);
  const [{ WASIp2 }, { WASIp3 }, { withMissingInterfaces }, generated] = await Promise.all([
    import("../preview2/wasip2.js"),
    import("../preview3/wasip3.js"),
    import("../preview2/missing.js"),
    import(url),
  ]);
  const wasi = job.componentP3 ? new WASIp3(options) : new WASIp2({ ...options, async: job.componentAsync === true });
  // Async instantiation (as the driver transpiled it): a page's main thread
  // may not compile or instantiate large modules synchronously.
  /** @param {string} file */
  const fetchModule = (file) => WebAssembly.compileStreaming(fetch(new URL(file, url)));
  const { imports } = withMissingInterfaces(wasi.imports, job.componentImports ?? []);
  const instance = await generated.instantiate(fetchModule, imports);
  // WASIp2's trap errors name the component (`${args[0]} trapped: ...`).
  // A 0.3 component's run is a Promise (JSPI): start() is awaited.
  const start = job.componentP3 || job.componentAsync ? () => wasi.runAsync(instance) : () => wasi.run(instance);
  return { host: wasi, start, trapMessage: (/** @type {Error} */ error) => error.message };
}

/**
 * The job's program, loaded with these options.
 * @param {PageJob} job @param {PageOptions} options
 * @param {(imports: WebAssembly.Imports) => WebAssembly.Imports} [wrap] for a core module's import object
 */
export function loadProgram(job, options, wrap) {
  return job.componentUrl ? loadComponent(job, options) : loadModule(job, options, wrap);
}

/** @returns {PageResult} */
export function emptyResult() {
  return { exitCode: null, trap: null, error: null, stdout: "", stderr: "", stopped: false, treeSent: false, renames: [] };
}

/** The running bridge worker's stop flag (a SharedArrayBuffer cell), if any. @type {Int32Array | null} */
let stopFlag = null;

/**
 * Asks the program running in the bridge worker to stop: it stops at its
 * next WASI call (a Preview 1 import, a read of stdin, a write of output)
 * and sends back its MemFS.
 */
export function stop() {
  if (stopFlag) Atomics.store(stopFlag, 0, 1);
}

/**
 * @param {PageJob} job
 * @returns {Promise<PageResult>}
 */
export async function runJob(job) {
  if (job.bridge) return runInBridgeWorker(job);
  // The core loads on first use in a page (js/core.js).
  await init();
  const fs = job.treeUrl ? MemFS.fromSnapshot(await fetchBytes(job.treeUrl)) : new MemFS();
  /** @type {PageOptions} */
  const options = {
    args: job.args,
    env: job.env,
    preopens: job.preopens,
    fs,
    stdin: job.stdinUrl ? await fetchBytes(job.stdinUrl) : new Uint8Array(0),
    stdout: "buffer",
    stderr: "buffer",
  };
  const result = emptyResult();
  /** @type {Program | null} */
  let program = null;
  try {
    program = await loadProgram(job, options);
    try {
      result.exitCode = await program.start();
    } catch (error) {
      if (!(error instanceof WebAssembly.RuntimeError || error instanceof RangeError)) throw error;
      result.trap = program.trapMessage(error);
      result.exitCode = TRAP_EXIT_CODE;
    }
  } catch (error) {
    result.error = String(/** @type {Error | undefined} */ (error)?.stack ?? error);
  }
  if (program) {
    // Both sinks are "buffer": the host has their buffers.
    const { stdout, stderr } = program.host;
    result.stdout = /** @type {{ text(): string }} */ (stdout).text();
    result.stderr = /** @type {{ text(): string }} */ (stderr).text();
  }
  fs.close();
  return result;
}

/**
 * Makes the bridge worker's POSTs from a SharedWorker (js/browser/upload-worker.js
 * says why), or from here where there is none.
 */
function openSender() {
  if (typeof SharedWorker === "undefined") return { post, close() {} };
  // A name of its own: a shared worker of an earlier run is not reused.
  const shared = new SharedWorker(new URL("./upload-worker.js", import.meta.url), { type: "module", name: `post ${Math.random()}` });
  /** @type {Map<number, (answer: { status: number, error?: string }) => void>} */
  const pending = new Map();
  let next = 0;
  shared.port.onmessage = ({ data }) => {
    pending.get(data.id)?.(data);
    pending.delete(data.id);
  };
  shared.onerror = () => {
    for (const resolve of pending.values()) resolve({ status: 0, error: "the upload worker failed" });
    pending.clear();
  };
  return {
    /** @type {typeof post} */
    post(kind, url, bytes) {
      return new Promise((resolve) => {
        const id = next++;
        pending.set(id, resolve);
        shared.port.postMessage({ id, kind, url, bytes }, [bytes.buffer]);
      });
    },
    close() {
      shared.port.close();
    },
  };
}

/**
 * Runs the job in a worker (js/browser/bridge-worker.js), where the
 * program's stdio can block on synchronous requests to the bridge.
 * @param {PageJob} job
 * @returns {Promise<PageResult>}
 */
async function runInBridgeWorker(job) {
  const flag = new Int32Array(new SharedArrayBuffer(4));
  stopFlag = flag;
  // [answered, HTTP status] of the worker's pending output write.
  const ack = new Int32Array(new SharedArrayBuffer(8));
  const sender = openSender();
  const bridge = /** @type {string} */ (job.bridge);
  const worker = new Worker(new URL("./bridge-worker.js", import.meta.url), { type: "module" });
  try {
    return await new Promise((resolve) => {
      worker.onmessage = ({ data }) => {
        // The worker says when it listens: a message sent while its modules load could be lost.
        if (data.type === "ready") {
          worker.postMessage({ type: "job", job, stop: flag.buffer, ack: ack.buffer });
        } else if (data.type === "out") {
          // The worker waits on `ack` until the CLI has written it.
          sender.post("post", `${bridge}/out/${data.fd}`, data.bytes).then(({ status }) => {
            Atomics.store(ack, 1, status);
            Atomics.store(ack, 0, 1);
            Atomics.notify(ack, 0);
          });
        } else if (data.type === "upload") {
          sender.post("upload", data.url, data.bytes).then((answer) => worker.postMessage({ type: "uploaded", ...answer }));
        } else {
          resolve(data.result);
        }
      };
      worker.onerror = (event) => {
        event.preventDefault();
        resolve({ ...emptyResult(), error: `the worker failed: ${event.message}` });
      };
    });
  } finally {
    worker.terminate();
    sender.close();
    if (stopFlag === flag) stopFlag = null;
  }
}
