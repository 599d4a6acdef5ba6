// pipeline(): several programs (Preview 1 modules, WASI 0.2 and 0.3
// components) run at once on one MemFS, each one's stdout joined to the
// next one's stdin by an in-memory pipe, as a shell's `a | b | c`. Needs
// JSPI: a reader waits for data, and a writer waits while its pipe is full,
// by suspending.
import { init } from "./core.js";
import { OUTPUT_GATE } from "./internal.js";
import { MemFS } from "./memfs.js";
import { compileProgram, componentWasiVersion, detectWasiVersion, isComponent } from "./module.js";
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
 * @property {Uint8Array | ArrayBuffer | WebAssembly.Module} program a Preview 1 command, or the bytes of a
 *   WASI 0.2 or 0.3 command component (transpiled by jco for JSPI, as `run()` does)
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
 * @property {string} [cwd] the components' `initial-cwd` (Preview 1 has none: preopen "." for that)
 * @property {import("./preview2/run.js").JcoModule} [jco] jco's module for the components (default: imported on first use)
 * @property {boolean} [cache] false: transpile the components again even if jco's output is cached
 */

/**
 * @typedef {object} PipelineResult
 * @property {number} status the pipeline's exit status, as sh's `$?`
 * @property {number[]} exitCodes each program's exit code, in order
 * @property {string} stdout the last program's output, when `stdout` is "buffer" (else "")
 * @property {string} stderr every program's error output in program order, when `stderr` is "buffer" (else "")
 */

/**
 * Runs programs concurrently, joined by pipes, as sh runs `a | b | c`:
 * program i's stdout is program i+1's stdin. They share one MemFS. A
 * stage may be a Preview 1 module or a WASI 0.2 or 0.3 component (run in
 * async mode on a `WASIp2`/`WASIp3`; its blocking writes and flushes of
 * stdout (0.2) or its stdout stream (0.3) wait for a full pipe as a
 * module's `fd_write` does; a write that does not block (0.2 `write`
 * without a flush) is taken at once). A pipe holds `pipeCapacity` bytes; its writer then waits until
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
  const fs = options.fs ?? new MemFS();
  /** @type {({ module: WebAssembly.Module, version: "preview1" | "unstable", component?: undefined } | { component: "0.2" | "0.3", bytes: Uint8Array | ArrayBuffer })[]} */
  const modules = await Promise.all(
    stages.map(async (stage, i) => {
      if (stage === null || typeof stage !== "object") throw new TypeError(`stage ${i} must be an object { program, args }`);
      if (isComponent(stage.program)) {
        const bytes = /** @type {Uint8Array | ArrayBuffer} */ (stage.program);
        return { component: /** @type {"0.2" | "0.3"} */ (componentWasiVersion(bytes)), bytes };
      }
      const module = await compileProgram(stage.program);
      const version = detectWasiVersion(module);
      if (version === null) throw new TypeError(`stage ${i}: the module imports no WASI: it is not a WASI program`);
      return { module, version };
    }),
  );
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
  // Loaded only when a stage is a component (jco and the 0.2/0.3 hosts are big).
  const p2 = modules.some((m) => m.component !== undefined) ? await import("./preview2/run.js") : undefined;
  const p3 = modules.some((m) => m.component === "0.3") ? await import("./preview3/wasip3.js") : undefined;
  const WASIp2 = p2 !== undefined ? (await import("./preview2/wasip2.js")).WASIp2 : undefined;
  const hosts = stages.map((stage, i) => {
    const last = i === stages.length - 1;
    const pipeIn = i > 0 ? pipes[i - 1] : undefined;
    const pipeOut = last ? undefined : pipes[i];
    const common = {
      args: stage.args,
      env: [...envList(options.env), ...envList(stage.env)],
      preopens: options.preopens,
      fs,
      maxBufferBytes: options.maxBufferBytes,
      stdin: pipeIn ?? options.stdin,
      stdout: pipeOut ? (/** @type {Uint8Array} */ chunk) => pipeOut.write(chunk) : lastOut,
      stderr: stderrOption,
      // A pipe is no terminal; the ends are as `new WASI()` would have them.
      tty: /** @type {[boolean, boolean, boolean]} */ ([
        pipeIn ? false : liveStdin,
        !pipeOut && stdoutOption === "console",
        stderrOption === "console",
      ]),
    };
    /** Asked before (module) or after (component) each write to stdout: a promise to await while the reader is behind. */
    const gate = pipeOut
      ? (/** @type {number} */ fd) => pipeOut.gate(fd)
      : typeof userOut === "function"
        ? (/** @type {number} */ fd) => (fd === 1 ? outputPending : undefined)
        : undefined;
    const m = modules[i];
    if (m.component !== undefined) {
      const Host =
        m.component === "0.3" ? /** @type {NonNullable<typeof p3>} */ (p3).WASIp3 : /** @type {NonNullable<typeof WASIp2>} */ (WASIp2);
      return { host: new Host({ ...common, cwd: options.cwd, async: true }), gate };
    }
    return { host: new WASI({ ...common, version: m.version, async: true, returnOnExit: true, [OUTPUT_GATE]: gate }), gate };
  });
  // Every component is transpiled before any program starts: a component jco cannot read fails the
  // pipeline at once, naming its stage, rather than after the others have run.
  const instantiators = await Promise.all(
    modules.map(async (m, i) => {
      if (m.component === undefined) return undefined;
      const host = /** @type {import("./preview2/wasip2.js").WASIp2} */ (hosts[i].host);
      try {
        return await /** @type {NonNullable<typeof p2>} */ (p2).transpileComponent(m.bytes, {
          async: true,
          mounts: host.waitsOnMounts,
          cache: options.cache,
          jco: options.jco,
          // A page's main thread refuses to instantiate a core module over 8 MB synchronously.
          instantiation: "document" in globalThis ? "async" : "sync",
        });
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`pipeline(): stage ${i} (a WASI ${m.component} component) could not be transpiled: ${message}`, { cause: error });
      }
    }),
  );
  const runs = hosts.map(async ({ host, gate }, i) => {
    try {
      const transpiled = instantiators[i];
      if (transpiled !== undefined) {
        const component = /** @type {import("./preview2/wasip2.js").WASIp2} */ (host);
        const imports = gate ? pacedImports(component.imports, gate) : component.imports;
        let instance;
        try {
          instance = await transpiled.instantiate(imports);
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new Error(`pipeline(): stage ${i} (a component) could not be instantiated: ${message}`, { cause: error });
        }
        try {
          return await component.runAsync(instance, { signal });
        } catch (error) {
          component.flush();
          throw error;
        }
      }
      const wasi = /** @type {WASI} */ (host);
      const { module } = /** @type {{ module: WebAssembly.Module }} */ (modules[i]);
      const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
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
  const stdout = hosts[hosts.length - 1].host.stdout?.text() ?? "";
  const stderr = hosts.map(({ host }) => host.stderr?.text() ?? "").join("");
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
 * A component's imports whose stdout waits on `gate(1)` (a full pipe, a
 * screen behind): 0.2's blocking writes and flushes (async imports under
 * JSPI, so they may return a Promise) wait after the write, and a 0.3
 * `write-via-stream` reads the guest's next chunk only once the gate is
 * open (the guest's write waits meanwhile). The import object is copied,
 * not changed.
 * @param {Record<string, Record<string, unknown>>} imports
 * @param {(fd: number) => Promise<void> | undefined} gate
 */
function pacedImports(imports, gate) {
  const stdout = imports["wasi:cli/stdout"];
  if (stdout === undefined) return imports;
  /** @type {Record<string, unknown>} */
  const paced = { ...stdout };
  const getStdout = stdout.getStdout;
  if (typeof getStdout === "function") {
    paced.getStdout = () => {
      const stream = getStdout();
      const methods = /** @type {Record<string, (...args: unknown[]) => unknown>} */ (stream);
      for (const name of ["blockingWriteAndFlush", "blockingFlush"]) {
        const method = methods[name];
        if (typeof method !== "function") continue;
        // An own property: the stream class (and other hosts' streams) stay as they are.
        Object.defineProperty(stream, name, {
          value: (/** @type {unknown[]} */ ...args) => {
            const result = method.apply(stream, args);
            const wait = gate(1);
            return wait === undefined ? result : wait.then(() => result);
          },
        });
      }
      return stream;
    };
  }
  const writeViaStream = stdout.writeViaStream;
  if (typeof writeViaStream === "function") {
    paced.writeViaStream = (/** @type {{ read(opts: object): Promise<unknown> }} */ data) =>
      writeViaStream(
        new Proxy(data, {
          get(target, key) {
            if (key === "read") {
              return async (/** @type {object} */ opts) => {
                await gate(1);
                return target.read(opts);
              };
            }
            const value = Reflect.get(target, key, target);
            // jco's stream keeps private fields: its methods run on it, not on the proxy.
            return typeof value === "function" ? value.bind(target) : value;
          },
        }),
      );
  }
  return { ...imports, "wasi:cli/stdout": paced };
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
