// Worker mode, for browsers without JSPI: the guest runs in a Web Worker and
// its blocking calls (sleep, poll_oneoff, reads of stdin) wait for real with
// Atomics.wait on a SharedArrayBuffer, while the page stays responsive and
// feeds stdin. SharedArrayBuffer needs a cross-origin isolated page: serve it
// with `Cross-Origin-Opener-Policy: same-origin` and
// `Cross-Origin-Embedder-Policy: require-corp`.
//
// Files: the page's MemFS stays the one owner. The worker gets a copy of the
// preopened trees and, when the program ends (exit, trap, or stop), sends
// back only what the program changed, path by path, with each path's state
// at copy time; the page applies a change only where its file is still in
// that state (js/tree.js applyChanges), so concurrent programs and the page
// keep each other's changes, and a clash is reported, never overwritten.
import { ChannelWriter, createChannel } from "./channel.js";
import { coreModule, init } from "../core.js";
import { compileProgram, detectWasiVersion } from "../module.js";
import { MemFS } from "../memfs.js";
import { StdinQueue } from "../stdin-queue.js";
import { encoder, toBytes } from "../internal.js";
import { deterministicSeed, optionalCount, preopenList, ttyOption } from "../options.js";
import { applyChanges, exportTree } from "../tree.js";
import { isUnder, workerMounts } from "../providers/worker-mounts.js";
import { abortError, signalOption } from "../waiting.js";

/**
 * How long a stopped program gets to reach its next WASI call or wait, where
 * it stops and hands over its files, before its worker is terminated.
 */
export const STOP_GRACE_MS = 500;

/**
 * runInWorker()'s options (js/index.d.ts has the public type).
 * @typedef {object} WorkerOptions
 * @property {string[]} [args]
 * @property {Record<string, string>} [env]
 * @property {Record<string, string>} [preopens]
 * @property {WorkerStdin} [stdin]
 * @property {MemFS} [fs]
 * @property {AbortSignal} [signal]
 * @property {(chunk: Uint8Array) => void} [stdout]
 * @property {(chunk: Uint8Array) => void} [stderr]
 * @property {boolean | { seed?: number }} [deterministic] virtual clocks and seeded randomness, as for WASI
 * @property {number} [maxIoBytes] as for WASI
 * @property {number} [maxFds] as for WASI
 * @property {boolean | boolean[]} [tty] as for WASI (default: none is a terminal)
 * @property {Record<string, import("../providers/worker-mounts.js").WorkerMount>} [mounts] providers made in the worker (URL, OPFS)
 */

/**
 * Options of run() that have no meaning in a worker, and why: runInWorker()
 * refuses them rather than ignore them.
 */
const NOT_IN_WORKER = {
  async: "a worker blocks with Atomics.wait instead (no JSPI needed); run() takes async: true",
  cache: "it is for components, and a worker runs Preview 1 programs only",
  timeZone: "it is for components (wasi:clocks/timezone), and a worker runs Preview 1 programs only",
  cwd: "it is for components (initial-cwd), and a worker runs Preview 1 programs only",
  jco: "it is for components, and a worker runs Preview 1 programs only",
  maxBufferBytes: "the output comes to the page as it is written (see the stdout and stderr callbacks), not into a buffer",
};

/**
 * Stdin for a program in a worker: all of it at once, or fed live. (Not a
 * callback: the program reads in the worker, where the page's function
 * cannot be called.)
 * @typedef {string | Uint8Array | ArrayBuffer | ArrayBufferView | StdinQueue | ReadableStream
 *   | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>} WorkerStdin
 */

/**
 * The error a worker run rejects with: what it ended with, plus its output
 * and the changes not applied.
 * @typedef {Error & { stdout?: string, stderr?: string, conflicts?: Conflict[], lostChanges?: boolean }} WorkerError
 * @typedef {import("../tree.js").Conflict} Conflict
 */

/** "/a/b/" → "/a/b"; "/" stays. @param {string} path */
function trimSlash(path) {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed === "" ? "/" : trimmed;
}

/**
 * The directories to copy: each preopened one, minus those inside another.
 * @param {string[][]} preopens [guest path, MemFS path] pairs
 */
function treeRoots(preopens) {
  const paths = [...new Set(preopens.map(([, path]) => trimSlash(path)))].sort((a, b) => a.length - b.length);
  /** @type {string[]} */
  const roots = [];
  for (const path of paths) {
    if (!roots.some((r) => r === "/" || path === r || path.startsWith(`${r}/`))) roots.push(path);
  }
  return roots;
}

/** The classes an error from the worker is rebuilt as, by name (a Map: "constructor" is no class name). */
const ERROR_CLASSES = new Map(
  /** @type {[string, ErrorConstructor][]} */ ([
    ["RangeError", RangeError],
    ["TypeError", TypeError],
    ["SyntaxError", SyntaxError],
    ["ReferenceError", ReferenceError],
  ]),
);

/**
 * An error from the worker, as the class it was (a trap is a WebAssembly.RuntimeError).
 * @param {import("./worker.js").ErrorData} data
 * @returns {Error}
 */
function rebuildError(data) {
  const Kind = data.name === "RuntimeError" ? WebAssembly.RuntimeError : (ERROR_CLASSES.get(data.name) ?? Error);
  const options = data.cause ? { cause: rebuildError(data.cause) } : undefined;
  const error = new Kind(data.message, options);
  if (error.name !== data.name) error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}

/**
 * Runs a WASI command in a worker; resolves to `{ exitCode, stdout, stderr,
 * conflicts }`.
 *
 * The worker works on a copy of the MemFS directories the program preopens.
 * When the program ends, however it ends (exit, trap, abort), its changes
 * are merged into `options.fs` path by path: each file, symlink or directory
 * it created, modified or deleted is applied only if that path in `fs` is
 * still as it was when the program started (or already as the program left
 * it). Otherwise the path keeps what the page or another program put there,
 * and `{ path, reason }` goes into `conflicts` (also on a rejection's error)
 * with a console warning. Concurrent programs on one MemFS thus keep each
 * other's files; two that change the same file: the first to end wins.
 *
 * A trap rejects with a WebAssembly.RuntimeError (the worker's message and
 * stack). `options.signal` stops the program: at its next WASI call or wait
 * it ends and hands over its files, and the promise rejects with an
 * "AbortError" DOMException. A program that computes without calling WASI
 * for STOP_GRACE_MS (500 ms) is terminated instead; its file changes are
 * then lost (the error says so, and has `lostChanges: true`). Errors carry
 * `stdout` and `stderr`.
 *
 * @param {Uint8Array | ArrayBuffer | WebAssembly.Module} program
 * @param {WorkerOptions} [options] as for run(), plus stdout/stderr callbacks and `signal`
 * @returns {Promise<{ exitCode: number, stdout: string, stderr: string, conflicts: Conflict[] }>}
 */
export async function runInWorker(program, options = {}) {
  if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
  if (typeof SharedArrayBuffer === "undefined" || globalThis.crossOriginIsolated === false) {
    throw new Error(
      "worker mode needs SharedArrayBuffer: serve the page with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp",
    );
  }
  for (const [key, why] of Object.entries(NOT_IN_WORKER)) {
    const value = /** @type {Record<string, unknown>} */ (options)[key];
    // async: false is what a worker does anyway.
    if (value !== undefined && !(key === "async" && value === false)) {
      throw new TypeError(`runInWorker() does not take options.${key}: ${why}`);
    }
  }
  const signal = signalOption(options.signal);
  const preopenPairs = preopenList(options.preopens);
  // Checked here, so a bad value throws before a worker starts.
  const seed = deterministicSeed(options.deterministic);
  const maxIoBytes = optionalCount(options.maxIoBytes, "options.maxIoBytes", 1, 2 ** 32 - 1);
  const maxFds = optionalCount(options.maxFds, "options.maxFds", 1, 2 ** 31);
  // Output goes to callbacks, so by default no stream is a terminal.
  const tty = ttyOption(options.tty, { liveStdin: false, stdout: null, stderr: null });
  for (const stream of /** @type {const} */ (["stdout", "stderr"])) {
    if (options[stream] !== undefined && typeof options[stream] !== "function") {
      throw new TypeError(`runInWorker(): options.${stream} must be a function (output is also collected in the result)`);
    }
  }
  // It would have to be called in the worker, where the page's function is not.
  if (typeof options.stdin === "function") {
    throw new TypeError("runInWorker(): options.stdin cannot be a callback; use a StdinQueue, a stream, a string or bytes");
  }
  const name = options.args?.[0] ?? "the WebAssembly program";
  if (signal?.aborted) throw abortError(signal, name);
  const module = await compileProgram(program);
  const version = detectWasiVersion(module);
  if (version === null) throw new TypeError("the module imports neither wasi_snapshot_preview1 nor wasi_unstable");
  // The page's core (loaded on first use) is also the worker's: it gets the compiled module.
  await init();
  const fs = options.fs ?? new MemFS();
  if (!(fs instanceof MemFS)) throw new TypeError("options.fs must be a MemFS");
  if (signal?.aborted) throw abortError(signal, name);
  const preopens = options.preopens ?? {};
  // Preopens at or below a mount are the mount's (made in the worker); the
  // rest are copied, and a copied tree must not hold a mount.
  const mounts = workerMounts(options.mounts);
  const copied = preopenPairs.filter(([, path]) => !mounts.some(([m]) => isUnder(trimSlash(path), m)));
  const roots = treeRoots(copied);
  for (const [m] of mounts) {
    const outer = roots.find((root) => isUnder(m, root));
    if (outer !== undefined) {
      throw new TypeError(`runInWorker(): mount ${m} is inside the preopened ${outer}, which is copied; preopen the mount on its own`);
    }
  }
  /** @type {import("./worker.js").WorkerJob["trees"]} */
  const trees = roots.map((path) => [path, exportTree(fs, path)]);
  // The copies are the worker's from here on: move their bytes, don't clone them.
  const transfer = [...new Set(trees.flatMap(([, entries]) => entries.filter((e) => e.type === "file").map((e) => e.data.buffer)))];
  const channel = createChannel();
  const writer = new ChannelWriter(channel);
  const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module" });
  /** @type {{ stdout: string[], stderr: string[] }} */
  const out = { stdout: [], stderr: [] };
  const decoder = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  /** @param {"stdout" | "stderr"} stream */
  const text = (stream) => out[stream].join("") + decoder[stream].decode();
  const pump = feedStdin(options.stdin, writer);
  /** @type {(() => void) | undefined} */
  let onAbort;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let graceTimer;
  try {
    return await new Promise((resolve, reject) => {
      /** @param {unknown} error @param {Conflict[]} [conflicts] */
      const fail = (error, conflicts = []) => {
        if (error !== null && typeof error === "object") {
          const failed = /** @type {WorkerError} */ (error);
          failed.stdout = text("stdout");
          failed.stderr = text("stderr");
          failed.conflicts = conflicts;
        }
        reject(error);
      };
      let started = false;
      /**
       * Why the page stopped the program (an abort, a throwing callback); null while it runs.
       * What it makes is what the run rejects with: a callback may have thrown anything.
       * @type {((detail: string) => unknown) | null}
       */
      let stopReason = null;
      /** @param {(detail: string) => unknown} makeError */
      const stop = (makeError) => {
        if (stopReason !== null) return;
        stopReason = makeError;
        pump.stop();
        if (!started) {
          fail(makeError(""));
          return;
        }
        // The worker stops at its next WASI call or wait and sends its files.
        writer.stop();
        graceTimer = setTimeout(() => {
          const error = makeError(
            `; it made no WASI call within ${STOP_GRACE_MS} ms, so its worker was terminated and its file changes were lost`,
          );
          // (A thrown string or number cannot carry the flag; it is still the rejection.)
          if (error !== null && typeof error === "object") /** @type {WorkerError} */ (error).lostChanges = true;
          fail(error);
        }, STOP_GRACE_MS);
      };
      if (signal) {
        onAbort = () => stop((detail) => abortError(signal, name, detail));
        signal.addEventListener("abort", onAbort, { once: true });
      }
      worker.onerror = (e) => {
        e.preventDefault?.();
        /** @type {WorkerError} */
        const error = new Error(`worker failed: ${e.message}; the program's file changes were lost`);
        error.lostChanges = true;
        fail(error);
      };
      worker.onmessageerror = () => fail(new Error("worker mode: a message from the worker could not be read"));
      /** @type {import("./worker.js").WorkerJob} */
      const job = {
        module,
        core: /** @type {WebAssembly.Module} */ (coreModule()),
        version,
        args: options.args ?? [],
        env: options.env ?? {},
        preopens,
        trees,
        limits: fs.limits,
        mounts,
        channel,
        seed,
        maxIoBytes,
        maxFds,
        tty,
      };
      /** @param {import("./worker.js").EndMessage} data */
      const onEnd = (data) => {
        clearTimeout(graceTimer);
        const conflicts = applyChanges(fs, data.changes);
        if (data.syncError) {
          conflicts.push({ path: "", reason: `the worker could not list the program's files: ${data.syncError.message}` });
        }
        if (conflicts.length > 0) {
          console.warn(
            `wasi-web: ${name} in a worker: ${conflicts.length} change(s) not applied to the MemFS:\n` +
              conflicts.map((c) => `  ${c.path}: ${c.reason}`).join("\n"),
          );
        }
        if (data.error && !data.stopped) fail(rebuildError(data.error), conflicts);
        // Stopped, or asked to stop as it ended (a callback threw at its last flush).
        else if (data.stopped || stopReason !== null) fail(stopReason?.("") ?? new Error(`${name} was stopped`), conflicts);
        // Neither thrown nor stopped: start() returned the exit code.
        else resolve({ exitCode: /** @type {number} */ (data.exitCode), stdout: text("stdout"), stderr: text("stderr"), conflicts });
      };
      worker.onmessage = (/** @type {MessageEvent<import("./worker.js").WorkerMessage>} */ { data }) => {
        try {
          if (data.type === "ready") {
            started = true;
            worker.postMessage(job, /** @type {Transferable[]} */ (transfer));
          } else if (data.type === "stdout" || data.type === "stderr") {
            out[data.type].push(decoder[data.type].decode(data.chunk, { stream: true }));
            try {
              options[data.type]?.(data.chunk);
            } catch (error) {
              // As in start(): a throwing callback ends the run with its error.
              stop(() => error);
            }
          } else if (data.type === "end") {
            onEnd(data);
          }
        } catch (error) {
          fail(error);
        }
      };
    });
  } finally {
    clearTimeout(graceTimer);
    if (onAbort) signal?.removeEventListener("abort", onAbort);
    pump.stop();
    worker.terminate();
  }
}

/**
 * Moves stdin from the page into the channel, retrying while the ring is full.
 * @param {WorkerStdin | undefined} stdin
 * @param {ChannelWriter} writer
 */
function feedStdin(stdin, writer) {
  let stopped = false;
  const queue =
    stdin instanceof StdinQueue
      ? stdin
      : stdin == null || typeof stdin === "string" || ArrayBuffer.isView(stdin) || stdin instanceof ArrayBuffer
        ? null
        : StdinQueue.from(stdin);
  /** @param {Uint8Array} bytes */
  const writeAll = async (bytes) => {
    let off = 0;
    while (!stopped && off < bytes.length) {
      off += writer.write(bytes.subarray(off));
      if (off < bytes.length) await new Promise((r) => setTimeout(r, 5));
    }
  };
  (async () => {
    if (queue === null) {
      if (stdin != null) await writeAll(typeof stdin === "string" ? encoder.encode(stdin) : toBytes(stdin, "stdin"));
      writer.end();
      return;
    }
    while (!stopped) {
      const chunk = queue.read(65536);
      if (chunk === null) break;
      if (chunk === undefined) {
        await queue.wait();
        continue;
      }
      await writeAll(chunk);
    }
    writer.end();
  })();
  return {
    stop() {
      stopped = true;
    },
  };
}
