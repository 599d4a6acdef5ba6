// pipeline(): several Preview 1 programs run at once on one MemFS, each
// one's stdout joined to the next one's stdin by an in-memory pipe, as a
// shell's `a | b | c`. Needs JSPI: a reader waits for data, and a writer
// waits while its pipe is full, by suspending.
import { init } from "./core.js";
import { OUTPUT_GATE } from "./internal.js";
import { MemFS } from "./memfs.js";
import { compileProgram, detectWasiVersion, isComponent } from "./module.js";
import { envList } from "./options.js";
import { settleWriteBehind } from "./providers/wait.js";
import { StdinQueue } from "./stdin-queue.js";
import { signalOption } from "./waiting.js";
import { WASI } from "./wasi.js";

/** The default `pipeCapacity`: what a pipe holds before its writer waits (Linux's default pipe size). */
export const DEFAULT_PIPE_CAPACITY = 64 * 1024;

/**
 * One pipe: its write end is the writer's stdout sink, its read end the
 * reader's stdin (a StdinQueue, so a reader with nothing to read suspends
 * until the next write or the end). The writer waits (`gate`) while the
 * pipe holds `capacity` bytes or more; as the gate is asked before each
 * write, a pipe holds at most `capacity` plus one write (the guest's write,
 * plus what the core's 8 KiB output buffer held).
 * @internal
 */
export class Pipe extends StdinQueue {
  #capacity;
  #held = 0;
  #readerGone = false;
  /** @type {(() => void)[]} */
  #drainWaiters = [];

  /** @param {number} capacity */
  constructor(capacity) {
    super();
    this.#capacity = capacity;
  }

  /** Bytes written and not yet read. */
  get held() {
    return this.#held;
  }

  /**
   * The writer's stdout sink. When the reader has ended, an Error with
   * code EPIPE: the core then gives the writer EPIPE (js/recovery.js).
   * @param {Uint8Array} chunk
   */
  write(chunk) {
    if (this.#readerGone) throw Object.assign(new Error("pipeline: the reading program has ended"), { code: "EPIPE" });
    if (this.ended) return; // defensive: the write end is closed only once its writer has ended
    this.#held += chunk.length;
    this.push(chunk);
  }

  /**
   * @param {number} max
   * @returns {Uint8Array | null | undefined}
   */
  read(max) {
    const chunk = super.read(max);
    if (chunk) {
      this.#held -= chunk.length;
      if (this.#held < this.#capacity) this.#wakeWriters();
    }
    return chunk;
  }

  /**
   * Asked before each of the writer's fd_write calls: a promise to await
   * while the pipe is full (it never rejects), else undefined.
   * @param {number} fd
   * @returns {Promise<void> | undefined}
   */
  gate(fd) {
    if (fd !== 1 || this.#readerGone || this.#held < this.#capacity) return undefined;
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /** The reader has ended: the writer's next write gets EPIPE, and a waiting writer wakes for it. */
  closeReader() {
    this.#readerGone = true;
    this.#wakeWriters();
  }

  #wakeWriters() {
    const waiters = this.#drainWaiters;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/**
 * @typedef {object} PipelineStage
 * @property {Uint8Array | ArrayBuffer | WebAssembly.Module} program a Preview 1 command
 * @property {string[]} [args] argv, argv[0] included (as `new WASI()`'s `args`)
 * @property {Record<string, string | undefined> | string[]} [env] added to the pipeline's `env` for this program
 */

/**
 * @typedef {object} PipelineOptions
 * @property {MemFS} [fs] the MemFS every program shares (default: a new empty one)
 * @property {Record<string, string>} [preopens] guest path → MemFS directory, for every program
 * @property {Record<string, string | undefined> | string[]} [env] every program's environment
 * @property {import("./options.js").StdinOptionValue} [stdin] the first program's stdin (default: empty)
 * @property {"buffer" | "console" | ((chunk: Uint8Array) => void | Promise<unknown>)} [stdout] the last program's stdout
 *   (default "buffer": returned); a callback that returns a promise makes the last program wait before its next
 *   write until it settles (backpressure from, e.g., a screen)
 * @property {"buffer" | "console" | ((chunk: Uint8Array) => void)} [stderr] every program's stderr (default "buffer": returned)
 * @property {boolean} [pipefail] the status is the last non-zero exit code, as sh's `set -o pipefail` (default false: the last program's)
 * @property {number} [pipeCapacity] bytes a pipe holds before its writer waits (default 64 KiB)
 * @property {AbortSignal} [signal] aborting it stops every program at its next WASI call or wait
 * @property {number} [maxBufferBytes] the most a "buffer" stdout or stderr holds (default 64 MiB)
 */

/**
 * @typedef {object} PipelineResult
 * @property {number} status the pipeline's exit status, as sh's `$?`
 * @property {number[]} exitCodes each program's exit code, in order
 * @property {string} stdout the last program's output, when `stdout` is "buffer" (else "")
 * @property {string} stderr every program's error output in program order, when `stderr` is "buffer" (else "")
 */

/**
 * Runs Preview 1 programs concurrently, joined by pipes, as sh runs
 * `a | b | c`: program i's stdout is program i+1's stdin. They share one
 * MemFS. A pipe holds `pipeCapacity` bytes; its writer then waits until
 * the reader has read some. When a program ends, the one after it reads
 * end of file once the pipe is drained, and the one before it gets EPIPE
 * on its next write (as `yes | head -1`: no SIGPIPE in WASI, so `yes`
 * sees the error and exits, usually non-zero).
 *
 * Needs JSPI (Chromium 137+, Node 24+). If a program traps (or the signal
 * aborts), its pipes close as if it had exited, the others run to their
 * end, and the promise rejects with the first such error, which carries
 * `exitCodes` (undefined for the programs that did not exit).
 * @param {PipelineStage[]} stages
 * @param {PipelineOptions} [options]
 * @returns {Promise<PipelineResult>}
 */
export async function pipeline(stages, options = {}) {
  if (typeof WebAssembly.Suspending !== "function") {
    throw new TypeError("pipeline() needs JSPI (WebAssembly.Suspending): Chromium 137+, Node 24+");
  }
  if (!Array.isArray(stages) || stages.length === 0) throw new TypeError("pipeline() takes a non-empty array of { program, args }");
  if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
  const capacity = options.pipeCapacity ?? DEFAULT_PIPE_CAPACITY;
  if (!Number.isSafeInteger(capacity) || capacity < 1) {
    throw new TypeError(`options.pipeCapacity must be a whole number of bytes, at least 1, got ${String(capacity)}`);
  }
  const signal = signalOption(options.signal);
  for (const key of ["stdout", "stderr"]) {
    const value = /** @type {Record<string, unknown>} */ (options)[key];
    if (value !== undefined && value !== "buffer" && value !== "console" && typeof value !== "function") {
      throw new TypeError(`options.${key} must be "buffer", "console" or a function, got ${String(value)}`);
    }
  }
  await init();
  const modules = await Promise.all(
    stages.map(async (stage, i) => {
      if (stage === null || typeof stage !== "object") throw new TypeError(`stage ${i} must be an object { program, args }`);
      if (isComponent(stage.program)) {
        throw new TypeError(`stage ${i} is a WASI 0.2 component: pipeline() runs Preview 1 programs`);
      }
      const module = await compileProgram(stage.program);
      const version = detectWasiVersion(module);
      if (version === null) throw new TypeError(`stage ${i}: the module imports no WASI: it is not a WASI program`);
      return { module, version };
    }),
  );
  const fs = options.fs ?? new MemFS();
  const stdoutOption = options.stdout ?? "buffer";
  const stderrOption = options.stderr ?? "buffer";
  const pipes = stages.slice(1).map(() => new Pipe(capacity));
  const liveStdin = isLive(options.stdin);
  // A stdout callback's promise holds the last program's next write back until it settles.
  /** @type {Promise<void> | undefined} */
  let outputPending;
  const userOut = stdoutOption;
  const lastOut =
    typeof userOut === "function"
      ? (/** @type {Uint8Array} */ chunk) => {
          const result = /** @type {unknown} */ (userOut(chunk));
          if (result instanceof Promise) {
            /** @type {Promise<void>} */
            const mine = result
              .then(
                () => {},
                () => {},
              )
              .then(() => {
                if (outputPending === mine) outputPending = undefined;
              });
            outputPending = mine;
          }
        }
      : userOut;
  const hosts = stages.map((stage, i) => {
    const last = i === stages.length - 1;
    const pipeIn = i > 0 ? pipes[i - 1] : undefined;
    const pipeOut = last ? undefined : pipes[i];
    return new WASI({
      version: modules[i].version,
      args: stage.args,
      env: [...envList(options.env), ...envList(stage.env)],
      preopens: options.preopens,
      fs,
      async: true,
      returnOnExit: true,
      maxBufferBytes: options.maxBufferBytes,
      stdin: pipeIn ?? options.stdin,
      stdout: pipeOut ? (/** @type {Uint8Array} */ chunk) => pipeOut.write(chunk) : lastOut,
      stderr: stderrOption,
      // A pipe is no terminal; the ends are as `new WASI()` would have them.
      tty: [pipeIn ? false : liveStdin, !pipeOut && stdoutOption === "console", stderrOption === "console"],
      [OUTPUT_GATE]: pipeOut
        ? (/** @type {number} */ fd) => pipeOut.gate(fd)
        : typeof userOut === "function"
          ? (/** @type {number} */ fd) => (fd === 1 ? outputPending : undefined)
          : undefined,
    });
  });
  const runs = hosts.map(async (wasi, i) => {
    try {
      const instance = await WebAssembly.instantiate(modules[i].module, wasi.getImportObject());
      return await wasi.startAsync(instance, { signal });
    } finally {
      // As a process's end closes its pipe ends: the next reads EOF, the previous gets EPIPE.
      pipes[i]?.end();
      pipes[i - 1]?.closeReader();
    }
  });
  const settled = await Promise.allSettled(runs);
  const exitCodes = settled.map((s) => (s.status === "fulfilled" ? s.value : undefined));
  const failed = settled.find((s) => s.status === "rejected");
  const stdout = hosts[hosts.length - 1].stdout?.text() ?? "";
  const stderr = hosts.map((h) => h.stderr?.text() ?? "").join("");
  if (failed !== undefined) {
    const error = failed.reason;
    if (error !== null && typeof error === "object") Object.assign(error, { exitCodes, stdout, stderr });
    throw error;
  }
  await settleWriteBehind();
  const codes = /** @type {number[]} */ (exitCodes);
  const status = options.pipefail ? (codes.findLast((c) => c !== 0) ?? 0) : codes[codes.length - 1];
  return { status, exitCodes: codes, stdout, stderr };
}

/**
 * Whether a `stdin` option is fed live (a StdinQueue or a stream), which
 * `new WASI()` takes for a terminal by default.
 * @param {unknown} stdin
 */
function isLive(stdin) {
  return (
    stdin instanceof StdinQueue ||
    (typeof ReadableStream !== "undefined" && stdin instanceof ReadableStream) ||
    (stdin != null && typeof stdin === "object" && Symbol.asyncIterator in stdin)
  );
}
