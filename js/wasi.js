import { MemFsCore, WasiCore } from "./core.js";
import { HostBase } from "./host-base.js";
import { CORE, OUTPUT_GATE } from "./internal.js";
import { optionalCount } from "./options.js";
import { WASI_CORE } from "./recovery.js";
import { collectWaits, hasSuspendingMounts, settleWriteBehind, suspendOn } from "./providers/wait.js";
import { abortError, signalOption } from "./waiting.js";
import { WASIExit } from "./wasi-exit.js";

/** What a core call returns when it must wait (async mode only; never seen by the guest). */
const WOULD_BLOCK = 65535;

/** The imports that may wait; in async mode they suspend the guest (JSPI). */
const WAITING = ["fd_read", "poll_oneoff"];

/**
 * Also suspending in async mode when the MemFS has a mount that may wait
 * for a fetch or a load (js/providers/wait.js): file data reads and writes.
 * Not otherwise: a suspending import yields on every call.
 */
const MOUNT_WAITING = ["fd_pread", "fd_write", "fd_pwrite", "fd_filestat_set_size", "fd_allocate"];

/** Preview 1 functions whose `wasi_unstable` layout differs; the core has `<name>_unstable`. */
const UNSTABLE_VARIANTS = new Set(["fd_seek", "fd_filestat_get", "path_filestat_get", "poll_oneoff"]);

const NAMESPACE = { preview1: "wasi_snapshot_preview1", unstable: "wasi_unstable" };

/** @typedef {keyof typeof NAMESPACE} Version */
/** @typedef {(...args: number[]) => unknown} ImportFunction */
/** @typedef {Function} ImportValue */

/**
 * The options of `new WASI()`: those every host takes (js/options.js) plus
 * Preview 1's own.
 * @typedef {import("./host-base.js").HostOptions & {
 *   version?: Version,
 *   returnOnExit?: boolean,
 *   maxFds?: number,
 *   [OUTPUT_GATE]?: (fd: number) => Promise<void> | undefined,
 * }} WASIOptions
 *   `version`: the import namespace (default "preview1"); `returnOnExit`
 *   (default true): `start()` returns proc_exit's code, else the process
 *   exits; `maxFds`: open descriptors, stdio and preopens included (EMFILE
 *   past it)
 */

/**
 * A WASI Preview 1 host for one program, shaped like `node:wasi`'s WASI.
 *
 * ```js
 * const wasi = new WASI({ version: "preview1", args: ["prog.wasm"], preopens: { "/": "/" } });
 * const { instance } = await WebAssembly.instantiate(bytes, wasi.getImportObject());
 * const exitCode = wasi.start(instance);
 * ```
 *
 * Options, output, stdin, waiting and error handling are those of every
 * host (js/host-base.js, shared with WASIp2); this class adds the Preview 1
 * import object and `start`/`startAsync`/`initialize`.
 * @extends {HostBase<WasiCore>}
 */
export class WASI extends HostBase {
  #version;
  #returnOnExit;
  #started = false;
  #importObject;
  /** @type {((fd: number) => Promise<void> | undefined) | undefined} */
  #outputGate;

  /** @param {WASIOptions} [options] */
  constructor(options = {}) {
    super(options, { kind: WASI_CORE, guest: "the WebAssembly program" });
    const version = options.version ?? "preview1";
    if (!(version in NAMESPACE)) {
      throw new TypeError(`options.version must be "preview1" or "unstable", got ${JSON.stringify(version)}`);
    }
    this.#version = version;
    this.#returnOnExit = options.returnOnExit ?? true;
    this.#outputGate = options[OUTPUT_GATE];
    this.attachCore(
      new WasiCore(this.fs[CORE], {
        ...this.coreOptions,
        maxFds: optionalCount(options.maxFds, "options.maxFds", 1, 2 ** 31),
      }),
    );

    /**
     * The import functions, keyed by Preview 1 name. Each is the core's method
     * bound to it, called directly by the guest: no wrapper, no allocation.
     * Only proc_exit and proc_raise, which must unwind the guest, are JS
     * functions.
     * @type {Record<string, ImportValue>}
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

  /**
   * @param {Version} version
   * @returns {Record<string, ImportValue>}
   */
  #buildImports(version) {
    const core = this.core;
    // The core's methods by name, as the guest calls them.
    const methods = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (core));
    /** @type {Record<string, ImportValue>} */
    const imports = {};
    for (const name of WasiCore.functionNames()) {
      const method = version === "unstable" && UNSTABLE_VARIANTS.has(name) ? `${name}_unstable` : name;
      const f = methods[method];
      if (typeof f !== "function") throw new Error(`wasi-web: the core lacks ${method}`);
      imports[name] = f.bind(core);
    }
    if (this.async) {
      // startAsync()'s signal ends the program at its next call: the page's
      // code (and so an abort) runs only while the program is suspended in a
      // wait, or from a callback the program's calls make.
      for (const name of Object.keys(imports)) imports[name] = this.#abortable(/** @type {ImportFunction} */ (imports[name]));
      const gate = this.#outputGate;
      if (gate !== undefined) {
        // A pipe's writer (js/pipeline.js) waits while the pipe is full: the
        // gate's promise is awaited like a provider's, then the write retried.
        const write = /** @type {ImportFunction} */ (imports.fd_write);
        imports.fd_write = (/** @type {number[]} */ ...args) => {
          const wait = gate(/** @type {number} */ (args[0]));
          if (wait === undefined || !suspendOn(wait)) return write(...args);
          return WOULD_BLOCK;
        };
      }
      const mounts = hasSuspendingMounts(this.fs);
      const waiting = mounts ? [...WAITING, ...MOUNT_WAITING] : gate !== undefined ? [...WAITING, "fd_write"] : WAITING;
      for (const name of waiting) imports[name] = this.#suspending(/** @type {ImportFunction} */ (imports[name]));
    }
    imports.proc_exit = (/** @type {number} */ code) => {
      core.proc_exit(code);
      this.#exit(core.exitCode() ?? code);
    };
    // A terminating signal ends the program with 128+sig, recorded by the core.
    imports.proc_raise = (/** @type {number} */ sig) => {
      const errno = core.proc_raise(sig);
      const exitCode = core.exitCode();
      if (exitCode !== undefined) this.#exit(exitCode);
      return errno;
    };
    return imports;
  }

  /**
   * Wraps a core call that may return WOULD_BLOCK: the guest suspends (JSPI)
   * while we await a timer or stdin, then the call is retried. A call that
   * needs no wait returns at once, without suspending.
   * @param {ImportFunction} call
   */
  #suspending(call) {
    const suspending = new WebAssembly.Suspending((/** @type {number[]} */ ...args) => {
      // A provider that must wait answers WOULD_BLOCK before it changed
      // anything and hands over what it waits for (js/providers/wait.js).
      let [result, waits] = collectWaits(() => call(...args));
      if (result !== WOULD_BLOCK) return result;
      return (async () => {
        for (;;) {
          await this.waitForCore(waits.length === 0 ? [] : [Promise.all(waits)]);
          const signal = this.signal;
          if (signal?.aborted) throw abortError(signal, this.name);
          [result, waits] = collectWaits(() => call(...args));
          if (result !== WOULD_BLOCK) return result;
        }
      })();
    });
    // An import value the engine takes, though TypeScript's lib does not say so.
    return /** @type {Function} */ (/** @type {unknown} */ (suspending));
  }

  /**
   * A call that first checks startAsync()'s signal (async mode).
   * @param {ImportFunction} call
   * @returns {ImportFunction}
   */
  #abortable(call) {
    return (...args) => {
      const signal = this.signal;
      if (signal?.aborted) throw abortError(signal, this.name);
      return call(...args);
    };
  }

  /**
   * @param {number} exitCode
   * @returns {never}
   */
  #exit(exitCode) {
    if (!this.#returnOnExit && typeof globalThis.process?.exit === "function") {
      // Like node:wasi: the whole process ends here.
      this.flushSinks();
      globalThis.process.exit(exitCode);
    }
    throw new WASIExit(exitCode, this);
  }

  /** "preview1" or "unstable". */
  get version() {
    return this.#version;
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
    return this.runGuest(this.#command(instance));
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
    if (!this.async) throw new TypeError("startAsync() needs new WASI({ async: true })");
    const signal = signalOption(options?.signal);
    if (signal?.aborted) throw abortError(signal, this.name);
    const _start = this.#command(instance);
    const exitCode = await this.runGuestAsync(() => WebAssembly.promising(_start)(), signal);
    // Mounts that store changes later (OPFS) store them before the end is reported.
    await settleWriteBehind();
    return exitCode;
  }

  /**
   * Attaches a command instance and returns its `_start`.
   * @param {WebAssembly.Instance} instance
   * @returns {() => unknown}
   */
  #command(instance) {
    const { _start, _initialize } = this.#attach(instance);
    if (typeof _start !== "function") {
      throw new TypeError(`${this.name} does not export a _start function: it is not a WASI command`);
    }
    if (_initialize !== undefined) {
      throw new TypeError(`${this.name} exports both _start and _initialize: a command must not have _initialize`);
    }
    return /** @type {() => unknown} */ (_start);
  }

  /**
   * A run ends with proc_exit's code when it threw this host's WASIExit.
   * @param {unknown} error
   * @protected
   */
  exitCodeOf(error) {
    return error instanceof WASIExit && error.owner === this && this.#returnOnExit ? error.exitCode : undefined;
  }

  /**
   * What the program held open is released now, not at GC: a file it
   * unlinked while open no longer counts against maxBytes. Its memory goes too.
   * @protected
   */
  releaseCore() {
    this.core.closeFiles();
    this.core.setMemory(undefined);
  }

  /** @protected */
  currentCall() {
    // The import the core was in when it trapped: it records each on entry.
    return WasiCore.currentCall();
  }

  /**
   * Sets up a reactor: calls its `_initialize` export if any. Its other
   * exports may then be called; call `flush()` to print pending output.
   * @param {WebAssembly.Instance} instance
   */
  initialize(instance) {
    const { _start, _initialize } = this.#attach(instance);
    if (_start !== undefined) {
      throw new TypeError(`${this.name} exports _start: it is a command, use start()`);
    }
    if (_initialize !== undefined && typeof _initialize !== "function") {
      throw new TypeError(`${this.name}: _initialize is not a function`);
    }
    try {
      /** @type {(() => unknown) | undefined} */ (_initialize)?.();
    } catch (error) {
      throw this.describe(error);
    } finally {
      this.flush();
    }
  }

  /**
   * @param {WebAssembly.Instance} instance
   * @returns {WebAssembly.Exports}
   */
  #attach(instance) {
    if (this.#started) throw new Error("wasi-web: this WASI has already started a program; make a new WASI (it may share the MemFS)");
    if (this.fs.closed) throw new Error("MemFS is closed: a program cannot run on it");
    const exports = instance?.exports;
    if (exports === null || typeof exports !== "object") {
      throw new TypeError("start()/initialize() take a WebAssembly.Instance");
    }
    const { memory } = exports;
    if (!(memory instanceof WebAssembly.Memory)) {
      throw new TypeError(`${this.name} does not export a memory named "memory"`);
    }
    this.#started = true;
    this.core.setMemory(memory);
    // A panic message left by an earlier failure (e.g. a MemFS call) is not this program's.
    MemFsCore.takePanic();
    return exports;
  }
}
