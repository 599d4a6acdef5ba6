import { MemFsCore, WasiCore } from "./core.js";
import { CORE, FLUSH, WRITE } from "./internal.js";
import { MemFS } from "./memfs.js";
import {
  asyncOption,
  deterministicSeed,
  envList,
  makeSink,
  maxBufferOption,
  preopenList,
  stdinOption,
  stringList,
} from "./options.js";
import { OutputBuffer } from "./output-buffer.js";
import { afterTrap, CallbackErrors, repair, wasAbandoned, WASI_CORE } from "./recovery.js";
import { abortError, signalOption, waitForCore } from "./waiting.js";
import { WASIExit } from "./wasi-exit.js";

/** @typedef {import("./stdin-queue.js").StdinQueue} StdinQueue */

/** What a core call returns when it must wait (async mode only; never seen by the guest). */
const WOULD_BLOCK = 65535;

/** The imports that may wait; in async mode they suspend the guest (JSPI). */
const WAITING = ["fd_read", "poll_oneoff"];

/**
 * @param {boolean | boolean[] | undefined} option
 * @param {[boolean, unknown, unknown]} defaults stdin is live; stdout/stderr options
 * @returns {[boolean, boolean, boolean]}
 */
function ttyFlags(option, [liveStdin, stdout, stderr]) {
  if (typeof option === "boolean") return [option, option, option];
  if (Array.isArray(option)) return [0, 1, 2].map((i) => option[i] === true);
  if (option !== undefined) throw new TypeError("options.tty must be a boolean or an array of 3 booleans");
  const console = (o) => o === undefined || o === "console";
  return [liveStdin, console(stdout), console(stderr)];
}

/** Preview 1 functions whose `wasi_unstable` layout differs; the core has `<name>_unstable`. */
const UNSTABLE_VARIANTS = new Set(["fd_seek", "fd_filestat_get", "path_filestat_get", "poll_oneoff"]);

const NAMESPACE = { preview1: "wasi_snapshot_preview1", unstable: "wasi_unstable" };

function optionalCount(value, what, min, max) {
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new TypeError(`${what} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** The core method a trap came out of, from the glue's frame in the stack (`WasiCore.fd_write`). */
function coreCallOf(error) {
  const match = /WasiCore\.(\w+)/.exec(String(error?.stack ?? ""));
  return match ? match[1].replace(/_unstable$/, "") : null;
}

/**
 * Makes V8 keep enough frames in a trap's stack to see which core call it
 * came from (the default 10 may all be the core's own); returns the old limit.
 */
function deepenStackTraces() {
  const limit = Error.stackTraceLimit;
  if (typeof limit === "number" && limit < 64) Error.stackTraceLimit = 64;
  return limit;
}

function isTrap(error) {
  return error instanceof WebAssembly.RuntimeError || error instanceof RangeError;
}

/**
 * A WASI Preview 1 host for one program, shaped like `node:wasi`'s WASI.
 *
 * ```js
 * const wasi = new WASI({ version: "preview1", args: ["prog.wasm"], preopens: { "/": "/" } });
 * const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
 * const exitCode = wasi.start(instance);
 * ```
 */
export class WASI {
  #core;
  #fs;
  #version;
  #returnOnExit;
  #name;
  #sinks;
  #started = false;
  #async;
  /** @type {StdinQueue | null} */
  #stdinQueue;
  #importObject;
  /** Set when the core trapped inside one of this program's calls: its WasiCore is unusable. */
  #coreDead = false;
  /** What the output sinks and the stdin callback threw, for the caller. */
  #callbacks = new CallbackErrors();
  /** startAsync()'s AbortSignal, while the program runs. @type {AbortSignal | undefined} */
  #signal;

  /**
   * @param {object} [options]
   * @param {"preview1" | "unstable"} [options.version] import namespace (default "preview1")
   * @param {string[]} [options.args] argv, argv[0] included
   * @param {Record<string, string>} [options.env]
   * @param {Record<string, string>} [options.preopens] guest path → directory in `fs`
   * @param {boolean} [options.returnOnExit] default true: `start()` returns proc_exit's code
   * @param {string | Uint8Array | StdinQueue | ReadableStream | AsyncIterable<string | Uint8Array> | ((max: number) => Uint8Array | string | null)} [options.stdin]
   * @param {boolean | boolean[]} [options.tty] isatty for stdin/stdout/stderr (default: a console or live stdin is a terminal)
   * @param {boolean} [options.async] blocking calls suspend the guest (JSPI); run with startAsync()
   * @param {boolean | { seed?: number }} [options.deterministic] virtual clocks and seeded randomness
   * @param {"console" | "buffer" | ((chunk: Uint8Array) => void)} [options.stdout]
   * @param {"console" | "buffer" | ((chunk: Uint8Array) => void)} [options.stderr]
   * @param {number} [options.maxBufferBytes] the most a "buffer" stdout/stderr holds (default 64 MiB); past it the guest's writes fail with EIO
   * @param {MemFS} [options.fs] default: a new empty MemFS
   */
  constructor(options = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    const version = options.version ?? "preview1";
    if (!(version in NAMESPACE)) {
      throw new TypeError(`options.version must be "preview1" or "unstable", got ${JSON.stringify(version)}`);
    }
    const fs = options.fs ?? new MemFS();
    if (!(fs instanceof MemFS)) throw new TypeError("options.fs must be a MemFS");
    const args = stringList(options.args, "options.args");
    this.#fs = fs;
    this.#version = version;
    this.#returnOnExit = options.returnOnExit ?? true;
    this.#name = args[0] ?? "the WebAssembly program";
    this.#async = asyncOption(options.async);
    const stdin = stdinOption(options.stdin);
    this.#stdinQueue = stdin.queue;
    const maxBufferBytes = maxBufferOption(options.maxBufferBytes);
    const stdout = makeSink(options.stdout, "stdout", maxBufferBytes);
    const stderr = makeSink(options.stderr, "stderr", maxBufferBytes);
    this.#sinks = [stdout, stderr];
    const callbacks = this.#callbacks;
    this.#core = new WasiCore(fs[CORE], {
      args,
      env: envList(options.env),
      preopens: preopenList(options.preopens),
      stdin: typeof stdin.source === "function" ? callbacks.source(stdin.source) : stdin.source,
      // isatty: a console, or stdin fed live, is a terminal unless told otherwise.
      tty: ttyFlags(options.tty, [this.#stdinQueue !== null, options.stdout, options.stderr]),
      async: this.#async,
      seed: deterministicSeed(options.deterministic),
      maxFds: optionalCount(options.maxFds, "options.maxFds", 1, 2 ** 31),
      maxIoBytes: optionalCount(options.maxIoBytes, "options.maxIoBytes", 1, 2 ** 32 - 1),
      stdout: callbacks.sink(stdout[WRITE]),
      stderr: callbacks.sink(stderr[WRITE]),
    });

    /**
     * The import functions, keyed by Preview 1 name. Each is the core's method
     * bound to it, called directly by the guest: no wrapper, no allocation.
     * Only proc_exit and proc_raise, which must unwind the guest, are JS
     * functions.
     * @type {Record<string, Function>}
     */
    this.wasiImport = this.#buildImports(version);
    // Programs may import both modules (a preview1 libc plus raw
    // wasi_unstable calls); both views share this one core.
    const other = version === "preview1" ? "unstable" : "preview1";
    this.#importObject = {
      [NAMESPACE[version]]: this.wasiImport,
      [NAMESPACE[other]]: this.#buildImports(other),
    };
  }

  #buildImports(version) {
    const core = this.#core;
    const imports = {};
    for (const name of WasiCore.functionNames()) {
      const method = version === "unstable" && UNSTABLE_VARIANTS.has(name) ? `${name}_unstable` : name;
      if (typeof core[method] !== "function") throw new Error(`wasi-web: the core lacks ${method}`);
      imports[name] = core[method].bind(core);
    }
    if (this.#async) {
      // startAsync()'s signal ends the program at its next call: the page's
      // code (and so an abort) runs only while the program is suspended in a
      // wait, or from a callback the program's calls make.
      for (const name of Object.keys(imports)) imports[name] = this.#abortable(imports[name]);
      for (const name of WAITING) imports[name] = this.#suspending(imports[name]);
    }
    imports.proc_exit = (code) => {
      this.#core.proc_exit(code);
      this.#exit(this.#core.exitCode() ?? code);
    };
    // A terminating signal ends the program with 128+sig, recorded by the core.
    imports.proc_raise = (sig) => {
      const errno = this.#core.proc_raise(sig);
      const exitCode = this.#core.exitCode();
      if (exitCode !== undefined) this.#exit(exitCode);
      return errno;
    };
    return imports;
  }

  /**
   * Wraps a core call that may return WOULD_BLOCK: the guest suspends (JSPI)
   * while we await a timer or stdin, then the call is retried. A call that
   * needs no wait returns at once, without suspending.
   */
  #suspending(call) {
    const waitOnce = () => waitForCore(this.#core, this.#stdinQueue, [], this.#signal);
    return new WebAssembly.Suspending((...args) => {
      const first = call(...args);
      if (first !== WOULD_BLOCK) return first;
      return (async () => {
        for (;;) {
          await waitOnce();
          if (this.#signal?.aborted) throw abortError(this.#signal, this.#name);
          const result = call(...args);
          if (result !== WOULD_BLOCK) return result;
        }
      })();
    });
  }

  /** A call that first checks startAsync()'s signal (async mode). */
  #abortable(call) {
    return (...args) => {
      if (this.#signal?.aborted) throw abortError(this.#signal, this.#name);
      return call(...args);
    };
  }

  #exit(exitCode) {
    if (!this.#returnOnExit && typeof globalThis.process?.exit === "function") {
      // Like node:wasi: the whole process ends here.
      this.#flushSinks();
      globalThis.process.exit(exitCode);
    }
    throw new WASIExit(exitCode, this);
  }

  /** The MemFS the program sees. */
  get fs() {
    return this.#fs;
  }

  /** "preview1" or "unstable". */
  get version() {
    return this.#version;
  }

  /** Collected stdout when constructed with `stdout: "buffer"`, else null. @returns {OutputBuffer | null} */
  get stdout() {
    return this.#sinks[0] instanceof OutputBuffer ? this.#sinks[0] : null;
  }

  /** Collected stderr when constructed with `stderr: "buffer"`, else null. @returns {OutputBuffer | null} */
  get stderr() {
    return this.#sinks[1] instanceof OutputBuffer ? this.#sinks[1] : null;
  }

  /** The code given to proc_exit, if the program called it. @returns {number | undefined} */
  get exitCode() {
    return this.#coreDead ? undefined : this.#core.exitCode();
  }

  /**
   * `{ wasi_snapshot_preview1, wasi_unstable }` for instantiation: `version`
   * picks which one `wasiImport` is, and both are always there.
   */
  getImportObject() {
    return this.#importObject;
  }

  /**
   * Runs a command: calls its `_start` export and returns the exit code (0
   * when `_start` returns, proc_exit's code otherwise). A trap is rethrown as
   * a WebAssembly.RuntimeError (RangeError for stack exhaustion) naming the
   * program, with the engine's error as `cause`; output is flushed first.
   * @param {WebAssembly.Instance} instance
   * @returns {number}
   */
  start(instance) {
    const _start = this.#command(instance);
    const stackTraceLimit = deepenStackTraces();
    try {
      _start();
      return 0;
    } catch (error) {
      return this.#ended(error);
    } finally {
      Error.stackTraceLimit = stackTraceLimit;
      this.#finish();
    }
  }

  /**
   * Runs a command whose blocking calls really wait: `sleep`, `poll_oneoff`
   * and reads of stdin suspend the program (JSPI) while the page keeps
   * running. Needs `new WASI({ async: true })`. Resolves to the exit code.
   *
   * `options.signal` stops the program: when it is aborted, the program's
   * next WASI call (or the wait it is in) ends it, and the promise rejects
   * with a DOMException named "AbortError" whose `cause` is the signal's
   * reason. What it wrote to the MemFS stays. A program that computes
   * without calling WASI cannot be stopped this way (it holds the thread);
   * run such programs with `runInWorker()`.
   * @param {WebAssembly.Instance} instance
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<number>}
   */
  async startAsync(instance, options = {}) {
    if (!this.#async) throw new TypeError("startAsync() needs new WASI({ async: true })");
    const signal = signalOption(options?.signal);
    if (signal?.aborted) throw abortError(signal, this.#name);
    const _start = this.#command(instance);
    const stackTraceLimit = deepenStackTraces();
    this.#signal = signal;
    try {
      await WebAssembly.promising(_start)();
      return 0;
    } catch (error) {
      return this.#ended(error);
    } finally {
      this.#signal = undefined;
      Error.stackTraceLimit = stackTraceLimit;
      this.#finish();
    }
  }

  /** Attaches a command instance and returns its `_start`. */
  #command(instance) {
    const { _start, _initialize } = this.#attach(instance);
    if (typeof _start !== "function") {
      throw new TypeError(`${this.#name} does not export a _start function: it is not a WASI command`);
    }
    if (_initialize !== undefined) {
      throw new TypeError(`${this.#name} exports both _start and _initialize: a command must not have _initialize`);
    }
    return _start;
  }

  /** A command has ended: deliver its output and let its memory go. */
  #finish() {
    try {
      // Throws what an output or stdin callback threw during the run.
      this.flush();
    } finally {
      if (!this.#coreDead) {
        // What the program held open is released now, not at GC: a file it
        // unlinked while open no longer counts against maxBytes.
        this.#core.closeFiles();
        this.#core.setMemory(undefined);
      }
      repair();
    }
  }

  /** How a run that threw ends: proc_exit's code, or the error, described. */
  #ended(error) {
    if (error instanceof WASIExit && error.owner === this && this.#returnOnExit) return error.exitCode;
    throw this.#describe(error);
  }

  /** The queue behind `stdin` when it is a StdinQueue or a stream, else null. */
  get stdinQueue() {
    return this.#stdinQueue;
  }

  /**
   * Sets up a reactor: calls its `_initialize` export if any. Its other
   * exports may then be called; call `flush()` to print pending output.
   * @param {WebAssembly.Instance} instance
   */
  initialize(instance) {
    const { _start, _initialize } = this.#attach(instance);
    if (_start !== undefined) {
      throw new TypeError(`${this.#name} exports _start: it is a command, use start()`);
    }
    if (_initialize !== undefined && typeof _initialize !== "function") {
      throw new TypeError(`${this.#name}: _initialize is not a function`);
    }
    try {
      _initialize?.();
    } catch (error) {
      throw this.#describe(error);
    } finally {
      this.flush();
    }
  }

  /**
   * Prints or delivers output the core or a console sink still holds. Then
   * throws what an output sink or the stdin callback threw since the last
   * flush, if one did (the guest got EIO for it).
   */
  flush() {
    if (!this.#coreDead) {
      try {
        this.#core.flush();
      } catch (error) {
        throw this.#describe(error);
      }
    }
    this.#flushSinks();
    this.#callbacks.rethrow();
  }

  #flushSinks() {
    for (const sink of this.#sinks) sink[FLUSH]();
  }

  #attach(instance) {
    if (this.#started) throw new Error("wasi-web: this WASI has already started a program; make a new WASI (it may share the MemFS)");
    if (this.#fs.closed) throw new Error("MemFS is closed: a program cannot run on it");
    const exports = instance?.exports;
    if (exports === null || typeof exports !== "object") {
      throw new TypeError("start()/initialize() take a WebAssembly.Instance");
    }
    const { memory } = exports;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new TypeError(`${this.#name} does not export a memory named "memory"`);
    }
    this.#started = true;
    this.#core.setMemory(memory);
    // A panic message left by an earlier failure (e.g. a MemFS call) is not this program's.
    MemFsCore.takePanic();
    return exports;
  }

  #describe(error) {
    // A trap inside the core (a Rust panic, which aborts, or running out of
    // memory or stack), or an exception thrown through it, rather than in
    // the guest: the call it cut short left this program's WasiCore
    // borrowed, so the core is no longer used and is freed
    // (js/recovery.js), and the shared MemFS's borrow that it left behind
    // is released so other programs and JS can go on using it.
    const panic = MemFsCore.takePanic();
    const abandoned = !this.#coreDead && wasAbandoned(this.#core, WASI_CORE, () => this.#coreStuck());
    if (abandoned) {
      this.#coreDead = true;
      afterTrap(this.#core, WASI_CORE, true);
    }
    if (abandoned || isTrap(error)) this.#fs[CORE].recoverAfterTrap();
    if (!isTrap(error)) return error;
    const call = coreCallOf(error);
    if (panic !== undefined || abandoned) {
      // Stack exhaustion that struck inside a call is still the guest's.
      if (panic === undefined && error instanceof RangeError) return this.#describeTrap(error);
      const where = call ?? "a WASI call";
      const message =
        panic !== undefined
          ? `wasi-web core panicked in ${where}: ${panic}`
          : `wasi-web core trapped in ${where}: ${error.message}`;
      return new Error(`${message} (running ${this.#name})`, { cause: error });
    }
    return this.#describeTrap(error);
  }

  /** Whether this program's WasiCore is still borrowed by a call that will never return. */
  #coreStuck() {
    try {
      this.#core.exitCode();
      return false;
    } catch {
      return true;
    }
  }

  #describeTrap(error) {
    const Kind = error instanceof WebAssembly.RuntimeError ? WebAssembly.RuntimeError : RangeError;
    const wrapped = new Kind(`${this.#name} trapped: ${error.message}`, { cause: error });
    wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${(error.stack ?? "").split("\n").slice(1).join("\n")}`;
    return wrapped;
  }
}
