// The worker side of worker mode: runs one guest synchronously; blocking
// calls wait with Atomics.wait on the channel from the page. When the
// program ends (exit, trap, or a stop the page asked for), it sends back
// what the program changed in its copy of the preopened trees, path by path,
// with each path's state before the run, for the page to merge
// (js/tree.js applyChanges).
import { ChannelReader } from "./channel.js";
import { initSync } from "../core.js";
import { BLOCK } from "../internal.js";
import { MemFS } from "../memfs.js";
import { WASI } from "../wasi.js";
import { diffTree, exportTree, importTree } from "../tree.js";
import { providerFor } from "../providers/worker-mounts.js";

/**
 * What the page posts to start a run (js/worker/run-in-worker.js).
 * @typedef {object} WorkerJob
 * @property {WebAssembly.Module} module
 * @property {WebAssembly.Module} core the page's compiled wasi-web core, loaded here with initSync()
 * @property {"preview1" | "unstable"} version
 * @property {string[]} args
 * @property {Record<string, string>} env
 * @property {Record<string, string>} preopens
 * @property {[string, import("../tree.js").TreeEntry[]][]} trees each preopened tree's root and entries
 * @property {import("../index.js").MemFSLimits} limits
 * @property {[string, import("../providers/worker-mounts.js").WorkerMount][]} mounts made here, after the trees
 * @property {SharedArrayBuffer} channel
 * @property {number | undefined} seed deterministic mode's seed, or undefined for real clocks and randomness
 * @property {number | undefined} maxIoBytes undefined: the core's default
 * @property {number | undefined} maxFds undefined: the core's default
 * @property {[boolean, boolean, boolean]} tty whether stdin, stdout, stderr are terminals
 */

/**
 * An error as plain data (see errorData).
 * @typedef {{ name: string, message: string, stack?: string, cause?: ErrorData }} ErrorData
 */

/**
 * The worker's last message: how the program ended, and its file changes.
 * @typedef {object} EndMessage
 * @property {"end"} type
 * @property {boolean} stopped the page asked it to stop
 * @property {number} [exitCode]
 * @property {ErrorData} [error] what the run threw
 * @property {import("../tree.js").TreeChange[]} changes what the program changed in the trees
 * @property {ErrorData} [syncError] why the changes could not be listed
 */

/**
 * What the worker posts to the page.
 * @typedef {{ type: "ready" } | { type: "stdout" | "stderr", chunk: Uint8Array } | EndMessage} WorkerMessage
 */

/**
 * The worker's global scope, as far as used here (the project's types are
 * the DOM's, where `self` is a Window).
 * @typedef {{ postMessage(message: WorkerMessage, transfer?: Transferable[]): void, onmessage: ((event: MessageEvent<WorkerJob>) => void) | null }} WorkerScope
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

/**
 * An error as plain data for postMessage; the page rebuilds its class (RuntimeError...).
 * @param {unknown} error
 * @returns {ErrorData}
 */
function errorData(error) {
  if (error === null || typeof error !== "object") return { name: "Error", message: String(error) };
  const { cause, name, message, stack } = /** @type {{ cause?: unknown, name?: unknown, message?: unknown, stack?: unknown }} */ (error);
  return {
    name: String(name ?? "Error"),
    message: String(message ?? error),
    stack: typeof stack === "string" ? stack : undefined,
    cause: cause !== undefined && cause !== error ? errorData(cause) : undefined,
  };
}

/**
 * Every import first checks whether the page asked the program to stop.
 * @param {Record<string, Record<string, unknown>>} importObject a sync WASI's: functions only
 * @param {ChannelReader} reader
 * @returns {WebAssembly.Imports}
 */
function stoppable(importObject, reader) {
  /** @type {WebAssembly.Imports} */
  const out = {};
  for (const [ns, functions] of Object.entries(importObject)) {
    /** @type {WebAssembly.ModuleImports} */
    const wrapped = (out[ns] = {});
    for (const [name, f] of Object.entries(functions)) {
      const call = /** @type {(...args: unknown[]) => unknown} */ (f);
      wrapped[name] = (/** @type {unknown[]} */ ...args) => {
        reader.checkStop();
        return call(...args);
      };
    }
  }
  return out;
}

/**
 * The changes in every tree, and the data buffers to transfer with them.
 * @param {MemFS} fs
 * @param {WorkerJob["trees"]} trees
 */
function collectChanges(fs, trees) {
  /** @type {import("../tree.js").TreeChange[]} */
  const changes = [];
  for (const [root, before] of trees) changes.push(...diffTree(root, before, exportTree(fs, root)));
  /** @type {Set<ArrayBufferLike>} */
  const transfer = new Set();
  for (const { before, after } of changes) {
    for (const state of [before, after]) if (state?.type === "file") transfer.add(state.data.buffer);
  }
  return { changes, transfer: [...transfer] };
}

scope.onmessage = async ({ data: job }) => {
  const reader = new ChannelReader(job.channel);
  // No fetch of its own: the page sends the core it compiled.
  initSync(job.core);
  const fs = new MemFS({ limits: job.limits });
  for (const [path, entries] of job.trees) importTree(fs, path, entries);
  /** @param {"stdout" | "stderr"} type */
  const send = (type) => (/** @type {Uint8Array} */ chunk) => scope.postMessage({ type, chunk: chunk.slice() });
  /** @type {Omit<EndMessage, "changes">} */
  const end = { type: "end", stopped: false };
  /** @type {(import("../providers/url.js").UrlProvider | import("../providers/opfs.js").OpfsProvider)[]} */
  const providers = [];
  try {
    for (const [path, spec] of job.mounts) {
      fs.mkdir(path.slice(0, path.lastIndexOf("/")) || "/", { recursive: true });
      const provider = await providerFor(spec);
      providers.push(provider);
      fs.mount(path, provider);
    }
    const wasi = new WASI({
      args: job.args,
      env: job.env,
      preopens: job.preopens,
      fs,
      // WASI reads any source with read(max) as it reads a StdinQueue
      // (js/options.js stdinOption); the option's type lists only the public kinds.
      stdin: /** @type {NonNullable<ConstructorParameters<typeof WASI>[0]>["stdin"]} */ (/** @type {unknown} */ (reader)),
      stdout: send("stdout"),
      stderr: send("stderr"),
      version: job.version,
      deterministic: job.seed === undefined ? false : { seed: job.seed },
      maxIoBytes: job.maxIoBytes,
      maxFds: job.maxFds,
      tty: job.tty,
      // Worker mode: the core blocks on the channel, for sleeps and stdin,
      // so the page can feed stdin and stop the program while it waits.
      [BLOCK]: (/** @type {number} */ ms, /** @type {boolean} */ input) => reader.block(ms, input),
    });
    // A Module instantiates to an Instance (not { instance }).
    const instance = await WebAssembly.instantiate(job.module, stoppable(wasi.getImportObject(), reader));
    end.exitCode = wasi.start(instance);
  } catch (error) {
    // A stop thrown inside a wait unwinds the core call it was in, and what
    // comes out may be whatever that left behind: the flag says what happened.
    if (reader.stopRequested) end.stopped = true;
    else end.error = errorData(error);
  }
  // Mounts that write behind (OPFS) store their changes before the end is reported.
  for (const provider of providers) {
    try {
      if ("unmount" in provider) await provider.unmount();
    } catch (error) {
      end.error ??= errorData(error);
    }
  }
  // The files go back however the program ended: a trap keeps its writes too.
  try {
    const { changes, transfer } = collectChanges(fs, job.trees);
    scope.postMessage({ ...end, changes }, /** @type {Transferable[]} */ (transfer));
  } catch (error) {
    scope.postMessage({ ...end, changes: [], syncError: errorData(error) });
  }
};

// The page waits for this before sending the job: messages sent while the
// module is still loading can be lost.
scope.postMessage({ type: "ready" });
