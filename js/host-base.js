// What `WASI` (js/wasi.js, Preview 1) and `WASIp2` (js/preview2/wasip2.js,
// Preview 2) share: one policy for each concern, written once.
//
//   options   the common ones (js/options.js), the `tty` default included
//   sinks     stdout / stderr ("console", "buffer", a callback), and what a
//             callback throws, kept for the caller (js/recovery.js)
//   stdin     all at once, a callback, or fed live (a StdinQueue, a stream)
//   waiting   async mode: what a call that must wait awaits, and the run's
//             AbortSignal (js/waiting.js)
//   errors    a trap or panic inside the core is described and the core
//             abandoned; a trap in the guest names the guest
//   ending    output flushed, the guest's files closed, the core repaired
//
// Words used across js/:
//   host   a WASI host for one guest run: a WASI or a WASIp2 (this class).
//          Elsewhere: js/core/host.js is what the Rust core imports from JS
//          (memory copies, clocks, randomness), and js/node/host-dirs.js
//          holds the CLI's machine directories.
//   core   the Rust core (pkg/, loaded by js/core.js), or one of its objects:
//          a MemFsCore (behind a MemFS), a WasiCore (one Preview 1 program),
//          a Preview2Core (one component). "Core module" is WebAssembly's
//          word for a module that is not a component (js/module.js).
//   guest  the program or component that runs.
import { MemFsCore } from "./core.js";
import { BLOCK, CORE, FLUSH, WRITE } from "./internal.js";
import { MemFS } from "./memfs.js";
import {
  asyncOption,
  deterministicSeed,
  envList,
  makeSink,
  maxBufferOption,
  optionalCount,
  preopenList,
  stdinOption,
  stringList,
  ttyOption,
} from "./options.js";
import { OutputBuffer } from "./output-buffer.js";
import { abandon, CallbackErrors, recoverFs, repair } from "./recovery.js";
import { waitForCore } from "./waiting.js";

/**
 * The options every host takes (js/options.js), plus worker mode's hook,
 * which only js/worker/worker.js sets.
 * @typedef {import("./options.js").HostOptions & { [BLOCK]?: (ms: number, input: boolean) => void }} HostOptions
 */
/** @typedef {import("./options.js").Sink} Sink */
/** @typedef {import("./stdin-queue.js").StdinQueue} StdinQueue */

/**
 * The members of a core object (WasiCore, Preview2Core) this base uses.
 * @typedef {object} GuestCore
 * @property {() => number | undefined} exitCode
 * @property {() => void} flush
 * @property {() => number} waitMs
 * @property {() => boolean} waitsForInput
 * @property {() => void} free
 * @property {() => unknown} [takeMemoryError] what a guest-memory copy threw (Preview 1 only), once
 */

/**
 * The options both cores take, read from `HostOptions`.
 * @typedef {object} CoreOptions
 * @property {string[]} args
 * @property {string[]} env
 * @property {[string, string][]} preopens
 * @property {import("./options.js").StdinSource} stdin
 * @property {(chunk: Uint8Array) => unknown} stdout
 * @property {(chunk: Uint8Array) => unknown} stderr
 * @property {[boolean, boolean, boolean]} tty
 * @property {boolean} async
 * @property {number | undefined} seed
 * @property {number | undefined} maxIoBytes undefined: the core's default
 * @property {((ms: number, input: boolean) => void) | undefined} block worker mode's hook (`BLOCK`)
 */

/**
 * @param {unknown} error
 * @returns {error is WebAssembly.RuntimeError | RangeError}
 */
function isTrap(error) {
  return error instanceof WebAssembly.RuntimeError || error instanceof RangeError;
}

/**
 * What a host made with `stdout: "buffer"` and `stderr: "buffer"` collected
 * (`run()`, `runComponent()`), as text.
 * @param {{ stdout: OutputBuffer | null, stderr: OutputBuffer | null }} host
 * @returns {{ stdout: string, stderr: string }}
 */
export function collectedOutput(host) {
  if (host.stdout === null || host.stderr === null) throw new Error("wasi-web: stdout and stderr are not buffered");
  return { stdout: host.stdout.text(), stderr: host.stderr.text() };
}

/**
 * A WASI host for one guest run. Subclasses make the core object
 * (`attachCore`) and say how a run ends (`exitCodeOf`, `releaseCore`,
 * `currentCall`).
 * @template {GuestCore} C
 */
export class HostBase {
  #fs;
  /** @type {[Sink, Sink]} */
  #sinks;
  /** What the output sinks and the stdin callback threw, for the caller. */
  #callbacks = new CallbackErrors();
  /** @type {StdinQueue | null} */
  #stdinQueue;
  #async;
  #name;
  /** @type {CoreOptions} */
  #coreOptions;
  /** @type {C | undefined} */
  #core;
  /** Set when a call into the core never returned (a trap, a panic): the core is no longer used. */
  #coreDead = false;
  /** The run's AbortSignal (async mode), while the guest runs. @type {AbortSignal | undefined} */
  #signal;

  /**
   * @param {HostOptions} options
   * @param {{ kind: number, guest: string }} what `kind` says which core
   *   object it makes (js/recovery.js); `guest` names an unnamed guest (no args) in errors
   */
  constructor(options, { guest }) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    const fs = options.fs ?? new MemFS();
    if (!(fs instanceof MemFS)) throw new TypeError("options.fs must be a MemFS");
    this.#fs = fs;
    const args = stringList(options.args, "options.args");
    this.#name = args[0] ?? guest;
    this.#async = asyncOption(options.async);
    const stdin = stdinOption(options.stdin);
    this.#stdinQueue = stdin.queue;
    const maxBufferBytes = maxBufferOption(options.maxBufferBytes);
    const stdout = makeSink(options.stdout, "stdout", maxBufferBytes);
    const stderr = makeSink(options.stderr, "stderr", maxBufferBytes);
    this.#sinks = [stdout, stderr];
    const callbacks = this.#callbacks;
    this.#coreOptions = {
      args,
      env: envList(options.env),
      preopens: preopenList(options.preopens),
      stdin: typeof stdin.source === "function" ? callbacks.source(stdin.source) : stdin.source,
      stdout: callbacks.sink(stdout[WRITE]),
      stderr: callbacks.sink(stderr[WRITE]),
      // isatty: a console, or stdin fed live, is a terminal unless told otherwise.
      tty: ttyOption(options.tty, { liveStdin: this.#stdinQueue !== null, stdout: options.stdout, stderr: options.stderr }),
      async: this.#async,
      seed: deterministicSeed(options.deterministic),
      // One cap for both previews; the core holds its default (ctx.rs DEFAULT_MAX_IO).
      maxIoBytes: optionalCount(options.maxIoBytes, "options.maxIoBytes", 1, 2 ** 32 - 1),
      // Worker mode, chosen explicitly by js/worker/worker.js.
      block: /** @type {{ [BLOCK]?: (ms: number, input: boolean) => void }} */ (options)[BLOCK],
    };
  }

  /** The options for the core object, read from the common options. @protected */
  get coreOptions() {
    return this.#coreOptions;
  }

  /**
   * Sets the core object, made by the subclass's constructor.
   * @protected
   * @param {C} core
   */
  attachCore(core) {
    this.#core = core;
  }

  /**
   * The guest's core object (its descriptors or resources). @internal
   * @returns {C}
   */
  get core() {
    if (this.#core === undefined) throw new Error("wasi-web: the host has no core yet");
    return this.#core;
  }

  /** The MemFS the guest sees. */
  get fs() {
    return this.#fs;
  }

  /** The guest's name in messages: argv[0], or what the subclass calls it. */
  get name() {
    return this.#name;
  }

  /** Collected stdout when constructed with `stdout: "buffer"`, else null. @returns {OutputBuffer | null} */
  get stdout() {
    return this.#sinks[0] instanceof OutputBuffer ? this.#sinks[0] : null;
  }

  /** Collected stderr when constructed with `stderr: "buffer"`, else null. @returns {OutputBuffer | null} */
  get stderr() {
    return this.#sinks[1] instanceof OutputBuffer ? this.#sinks[1] : null;
  }

  /** The queue behind `stdin` when it is a StdinQueue or a stream, else null. */
  get stdinQueue() {
    return this.#stdinQueue;
  }

  /** Whether waits suspend the guest (`options.async`, JSPI). */
  get async() {
    return this.#async;
  }

  /** The code the guest exited with, if it called exit. @returns {number | undefined} */
  get exitCode() {
    return this.#coreDead ? undefined : this.core.exitCode();
  }

  /** Whether the core object was given up after a call into it never returned. @protected */
  get coreDead() {
    return this.#coreDead;
  }

  /** The AbortSignal of the run in progress (async mode), if any. @protected */
  get signal() {
    return this.#signal;
  }

  /**
   * Prints or delivers output the core or a console sink still holds. Then
   * throws what an output sink or the stdin callback threw since the last
   * flush, if one did (the guest got an I/O error for it), or else what a
   * copy of guest memory threw (the guest got EFAULT).
   */
  flush() {
    if (!this.#coreDead) {
      try {
        this.core.flush();
      } catch (error) {
        throw this.describe(error);
      }
    }
    this.flushSinks();
    this.#callbacks.rethrow();
    // A guest-memory copy that threw in js/core/host.js (the guest got EFAULT).
    const memoryError = this.#coreDead ? undefined : this.core.takeMemoryError?.();
    if (memoryError !== undefined) throw memoryError;
  }

  /** Delivers what the sinks hold (a console sink's last partial line). @protected */
  flushSinks() {
    for (const sink of this.#sinks) sink[FLUSH]();
  }

  /**
   * After a core call said it must wait (async mode): resolves when what it
   * waits for may have come (a timer, stdin, one of `external`), or when
   * the run's signal is aborted (the caller checks `signal.aborted`).
   * @param {Iterable<Promise<unknown>>} [external] host promises behind pollables
   * @protected
   */
  waitForCore(external = []) {
    return waitForCore(this.core, this.#stdinQueue, external, this.#signal);
  }

  /**
   * Runs the guest's entry point to its end: 0 when it returns, or the
   * exit code (`exitCodeOf`); anything else is thrown, described.
   * @param {() => unknown} entry
   * @returns {number}
   * @protected
   */
  runGuest(entry) {
    try {
      entry();
      return 0;
    } catch (error) {
      return this.#ended(error);
    } finally {
      this.#finish();
    }
  }

  /**
   * As `runGuest` for an entry point that returns a Promise (async mode);
   * `signal` is the run's AbortSignal, seen by `waitForCore`.
   * @param {() => Promise<unknown>} entry
   * @param {AbortSignal | undefined} signal
   * @returns {Promise<number>}
   * @protected
   */
  async runGuestAsync(entry, signal) {
    this.#signal = signal;
    try {
      await entry();
      return 0;
    } catch (error) {
      return this.#ended(error);
    } finally {
      this.#signal = undefined;
      this.#finish();
    }
  }

  /**
   * The exit code a run that threw `error` ends with, or undefined when
   * `error` is not an exit (it is then described and thrown).
   * @param {unknown} _error
   * @returns {number | undefined}
   * @protected
   */
  exitCodeOf(_error) {
    return undefined;
  }

  /** Releases what the guest held (open files, its memory) at the end of a run. @protected */
  releaseCore() {}

  /**
   * The core call that trapped, as the core recorded it on entry (its
   * import's name), if any.
   * @returns {string | undefined}
   * @protected
   */
  currentCall() {
    return undefined;
  }

  /** @param {unknown} error */
  #ended(error) {
    const code = this.exitCodeOf(error);
    if (code !== undefined) return code;
    throw this.describe(error);
  }

  /**
   * The run has ended: output goes out, and every resource it held (its
   * open files, an unlinked one's data too) is released now, not at GC.
   */
  #finish() {
    try {
      // Throws what an output or stdin callback threw during the run.
      this.flush();
    } finally {
      if (!this.#coreDead) this.releaseCore();
      repair();
    }
  }

  /**
   * What a call into the guest (or the core) threw, as the caller gets it.
   * A trap inside the core (a Rust panic, which aborts, or running out of
   * memory or stack), or an exception thrown through it, rather than in
   * the guest: the call it cut short left this guest's core object
   * borrowed, so it is no longer used and is freed (js/recovery.js), and
   * the shared MemFS's borrow that it left behind is released so other
   * guests and JS can go on using it. A panic becomes an Error naming the
   * core call; a trap in the guest a RuntimeError (RangeError for stack
   * exhaustion) naming the guest, with the engine's error as `cause`.
   * @param {unknown} error
   * @returns {unknown}
   * @protected
   */
  describe(error) {
    const panic = MemFsCore.takePanic();
    // Asked first: the calls below enter the core again. The core records
    // each call's name on entry and puts it back on return, so a name here
    // is a call of this program's core that never returned.
    const call = this.currentCall();
    const core = this.#core;
    const abandoned = !this.#coreDead && core !== undefined && (call !== undefined || this.#coreStuck());
    if (abandoned) {
      this.#coreDead = true;
      abandon(core);
    }
    const trap = isTrap(error);
    if (abandoned || trap) recoverFs(this.#fs[CORE]);
    if (!trap) return error;
    if (panic !== undefined || abandoned) {
      // Stack exhaustion that struck inside a call is still the guest's.
      if (panic === undefined && error instanceof RangeError) return this.#describeTrap(error);
      const where = call ?? "a WASI call";
      const message =
        panic !== undefined ? `wasi-web core panicked in ${where}: ${panic}` : `wasi-web core trapped in ${where}: ${error.message}`;
      return new Error(`${message} (running ${this.#name})`, { cause: error });
    }
    return this.#describeTrap(error);
  }

  /** Whether the core object is still borrowed by a call that will never return. */
  #coreStuck() {
    try {
      this.core.exitCode();
      return false;
    } catch {
      return true;
    }
  }

  /** @param {WebAssembly.RuntimeError | RangeError} error */
  #describeTrap(error) {
    const Kind = error instanceof WebAssembly.RuntimeError ? WebAssembly.RuntimeError : RangeError;
    const wrapped = new Kind(`${this.#name} trapped: ${error.message}`, { cause: error });
    wrapped.stack = `${wrapped.name}: ${wrapped.message}\n${(error.stack ?? "").split("\n").slice(1).join("\n")}`;
    return wrapped;
  }
}
