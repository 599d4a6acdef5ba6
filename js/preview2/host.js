import { CORE, FLUSH, WRITE } from "../internal.js";
import { MemFS } from "../memfs.js";
import {
  asyncOption,
  deterministicSeed,
  envList,
  makeSink,
  maxBufferOption,
  preopenList,
  stdinOption,
  stringList,
} from "../options.js";
import { MemFsCore } from "../core.js";
import { OutputBuffer } from "../output-buffer.js";
import { afterTrap, CallbackErrors, PREVIEW2_CORE, repair, wasAbandoned } from "../recovery.js";
import { WASIExit } from "../wasi-exit.js";
import { Preview2Core } from "./core.js";
import { buildImports } from "./interfaces.js";
import { Pollable, wrap } from "./resources.js";
import { Timezone } from "./timezone.js";
import { abortError, signalOption, waitForCore } from "../waiting.js";

/** @typedef {import("../stdin-queue.js").StdinQueue} StdinQueue */

/**
 * The imports that may wait, for `jco transpile --async-mode jspi
 * --async-imports ...` (unversioned names match every 0.2.x). In async
 * mode their host functions return a Promise when they must wait.
 */
export const ASYNC_IMPORTS = [
  "wasi:io/poll#poll",
  "wasi:io/poll#[method]pollable.block",
  "wasi:io/streams#[method]input-stream.blocking-read",
  "wasi:io/streams#[method]input-stream.blocking-skip",
  "wasi:io/streams#[method]output-stream.blocking-flush",
  "wasi:io/streams#[method]output-stream.blocking-write-and-flush",
  "wasi:io/streams#[method]output-stream.blocking-write-zeroes-and-flush",
  "wasi:io/streams#[method]output-stream.blocking-splice",
];

/** The export that runs a command, for `--async-exports`. */
export const ASYNC_EXPORTS = ["wasi:cli/run#run"];

/**
 * A WASI 0.2 (Preview 2) host for one component, on a MemFS that Preview 1
 * programs may share. Takes the options of `WASI` (args, env, preopens,
 * stdin, stdout, stderr, fs, deterministic) plus `cwd` (`initial-cwd`),
 * `tty` ([stdin, stdout, stderr] are terminals), `timeZone` (the IANA zone
 * of `wasi:clocks/timezone`: default the host's own, UTC when
 * deterministic) and `async`.
 *
 * With `async: true` (JSPI; the component transpiled with `--async-mode
 * jspi`, see `ASYNC_IMPORTS`), waits suspend the component while the page
 * keeps running: timers are awaited, and stdin from a `StdinQueue` (or a
 * ReadableStream / async iterable) wakes it. Run it with `runAsync()`.
 *
 * ```js
 * const wasi = new WASIp2({ args: ["app"], preopens: { "/": "/" }, fs });
 * const component = instantiate(getCoreModule, wasi.imports); // jco --instantiation sync
 * const exitCode = wasi.run(component);
 * ```
 */
export class WASIp2 {
  #fs;
  #sinks;
  #imports;
  #async;
  /** @type {StdinQueue | null} */
  #stdinQueue;
  /** Settling promises behind external pollables: async waits race them too. */
  #external = new Set();
  /** runAsync()'s AbortSignal, while the component runs. @type {AbortSignal | undefined} */
  #signal;
  /** What the output sinks and the stdin callback threw, for the caller. */
  #callbacks = new CallbackErrors();
  /** Set when a call into the core never returned (a core panic): the core is no longer used. */
  #coreDead = false;
  /** @internal */
  host;

  constructor(options = {}) {
    if (options === null || typeof options !== "object") throw new TypeError("options must be an object");
    const fs = options.fs ?? new MemFS();
    if (!(fs instanceof MemFS)) throw new TypeError("options.fs must be a MemFS");
    this.#fs = fs;
    const maxBufferBytes = maxBufferOption(options.maxBufferBytes);
    const stdout = makeSink(options.stdout, "stdout", maxBufferBytes);
    const stderr = makeSink(options.stderr, "stderr", maxBufferBytes);
    this.#sinks = [stdout, stderr];
    const callbacks = this.#callbacks;
    const tty = options.tty ?? [false, false, false];
    if (!Array.isArray(tty) || tty.length !== 3) throw new TypeError("options.tty must be [stdin, stdout, stderr] booleans");
    this.#async = asyncOption(options.async);
    const stdin = stdinOption(options.stdin);
    this.#stdinQueue = stdin.queue;
    const seed = deterministicSeed(options.deterministic);
    const core = new Preview2Core(fs[CORE], {
      args: stringList(options.args, "options.args"),
      env: envList(options.env),
      preopens: preopenList(options.preopens),
      stdin: typeof stdin.source === "function" ? callbacks.source(stdin.source) : stdin.source,
      stdout: callbacks.sink(stdout[WRITE]),
      stderr: callbacks.sink(stderr[WRITE]),
      tty: tty.map(Boolean),
      seed,
      cwd: options.cwd,
      async: this.#async,
    });
    const queue = this.#stdinQueue;
    this.host = {
      core,
      async: this.#async,
      // A deterministic run must not depend on where it runs.
      timezone: new Timezone(options.timeZone ?? (seed === undefined ? undefined : "UTC")),
      exit: (code) => {
        core.exit(code);
        throw new WASIExit(code, this);
      },
      // After a core call threw WOULD_BLOCK: what to await before retrying.
      // Once runAsync()'s signal is aborted (runAsync has then rejected),
      // the wait never ends: the component stays suspended until it is
      // dropped. (An exception thrown back into jco's JSPI glue here would
      // leave its run() promise pending for good.)
      wait: async () => {
        const signal = this.#signal;
        await waitForCore(core, queue, this.#external, signal);
        if (signal?.aborted) await new Promise(() => {});
      },
    };
    this.#imports = buildImports(() => this.host);
  }

  /**
   * The import object for a component transpiled with
   * `jco transpile --instantiation`: `{ "wasi:cli/environment": {...}, ... }`.
   */
  get imports() {
    return this.#imports;
  }

  /** Same as `imports`, named like `WASI#getImportObject`. */
  getImportObject() {
    return this.#imports;
  }

  get fs() {
    return this.#fs;
  }

  /** @returns {OutputBuffer | null} */
  get stdout() {
    return this.#sinks[0] instanceof OutputBuffer ? this.#sinks[0] : null;
  }

  /** @returns {OutputBuffer | null} */
  get stderr() {
    return this.#sinks[1] instanceof OutputBuffer ? this.#sinks[1] : null;
  }

  /** The IANA time zone `wasi:clocks/timezone` answers for ("UTC", "Europe/Berlin"). */
  get timeZone() {
    return this.host.timezone.id;
  }

  /** Whether waits suspend the component (`options.async`). */
  get async() {
    return this.#async;
  }

  /**
   * A `wasi:io/poll` pollable backed by a JS promise (a timer, a fetch, any
   * host event), for host-defined imports to hand to the component. It is
   * ready once the promise settles; in async mode a waiting `poll`/`block`
   * wakes then.
   * @param {Promise<unknown>} promise
   */
  pollableFromPromise(promise) {
    const core = this.host.core;
    const id = core.externalPollable();
    const settled = Promise.resolve(promise).then(
      () => undefined,
      () => undefined,
    );
    const tracked = settled.then(() => {
      this.#external.delete(tracked);
      // The component may have dropped the pollable already.
      try {
        core.resolveExternal(id);
      } catch {}
    });
    this.#external.add(tracked);
    return wrap(Pollable, this.host, id);
  }

  /** The queue behind `stdin` when it is a StdinQueue or a stream, else null. */
  get stdinQueue() {
    return this.#stdinQueue;
  }

  /** The code given to `exit`, if the component called it. */
  get exitCode() {
    return this.#coreDead ? undefined : this.host.core.exitCode();
  }

  /** Live resources in the table (for leak checks); 0 once a core panic freed them. */
  get liveResources() {
    return this.#coreDead ? 0 : this.host.core.live();
  }

  /**
   * Delivers output the core or a console sink still holds. Then throws
   * what an output sink or the stdin callback threw since the last flush,
   * if one did (the component got a stream error for it).
   */
  flush() {
    if (!this.#coreDead) {
      try {
        this.host.core.flush();
      } catch (error) {
        throw this.#describe(error);
      }
    }
    for (const sink of this.#sinks) sink[FLUSH]();
    this.#callbacks.rethrow();
  }

  /**
   * Runs an instantiated command component (the object jco's `instantiate`
   * returns): calls `wasi:cli/run#run` and returns the exit code: 0 when
   * it returns ok, 1 for err, or the code given to `exit`.
   * @param {object} instance
   * @returns {number}
   */
  run(instance) {
    if (this.#async) throw new TypeError("new WASIp2({ async: true }) runs components with runAsync()");
    const run = commandRun(instance);
    try {
      run();
      return 0;
    } catch (error) {
      return this.#ended(error);
    } finally {
      this.#finish();
    }
  }

  /**
   * Runs a command component whose waits suspend it (JSPI): needs
   * `new WASIp2({ async: true })` and a component transpiled with
   * `--async-mode jspi` (imports `ASYNC_IMPORTS`, export `wasi:cli/run#run`).
   * Resolves to the exit code, as `run()` returns it. `options.signal`
   * stops the component in the wait it is in (sleep, poll, read of stdin),
   * or at its next one: the promise rejects with a DOMException named
   * "AbortError", and the component is left suspended, never resumed.
   * @param {object} instance
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<number>}
   */
  async runAsync(instance, options = {}) {
    if (!this.#async) throw new TypeError("runAsync() needs new WASIp2({ async: true })");
    const signal = signalOption(options?.signal);
    if (signal?.aborted) throw abortError(signal, "the component");
    const run = commandRun(instance);
    this.#signal = signal;
    let onAbort;
    try {
      if (signal === undefined) {
        await run();
      } else {
        const aborted = new Promise((_, reject) => {
          onAbort = () => reject(abortError(signal, "the component"));
          signal.addEventListener("abort", onAbort, { once: true });
        });
        await Promise.race([run(), aborted]);
      }
      return 0;
    } catch (error) {
      return this.#ended(error);
    } finally {
      if (onAbort) signal.removeEventListener("abort", onAbort);
      this.#signal = undefined;
      this.#finish();
    }
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
      if (!this.#coreDead) this.host.core.closeAll();
      repair();
    }
  }

  #ended(error) {
    if (error instanceof WASIExit && error.owner === this) return error.exitCode;
    // jco wraps an `err` result of run() in a ComponentError.
    if (error?.name === "ComponentError" || error?.constructor?.name === "ComponentError") return 1;
    throw this.#describe(error);
  }

  /**
   * A trap inside the core (a Rust panic, which aborts) or an exception
   * thrown through it cut a call short: as for `WASI` (js/wasi.js), the
   * core is no longer used and is freed (js/recovery.js), the MemFS's
   * borrow is released, and a panic becomes an Error naming the call.
   */
  #describe(error) {
    const trap = error instanceof WebAssembly.RuntimeError || error instanceof RangeError;
    const panic = MemFsCore.takePanic();
    const core = this.host.core;
    const abandoned = !this.#coreDead && wasAbandoned(core, PREVIEW2_CORE, () => coreStuck(core));
    if (abandoned) {
      this.#coreDead = true;
      afterTrap(core, PREVIEW2_CORE, true);
    }
    if (abandoned || trap) this.#fs[CORE].recoverAfterTrap();
    if (!trap || panic === undefined) return error;
    const where = /Preview2Core\.(\w+)/.exec(String(error.stack ?? ""))?.[1] ?? "a WASI call";
    return new Error(`wasi-web core panicked in ${where}: ${panic} (running the component)`, { cause: error });
  }
}

function commandRun(instance) {
  const run = instance?.run?.run ?? findRun(instance);
  if (typeof run !== "function") throw new TypeError("the component does not export wasi:cli/run: it is not a command");
  return run;
}

function findRun(instance) {
  for (const [key, value] of Object.entries(instance ?? {})) {
    if (key.startsWith("wasi:cli/run@") && typeof value?.run === "function") return value.run;
  }
  return undefined;
}

let defaultWasi = null;

/**
 * Configures the host behind the module exports `wasi-web/preview2/io`,
 * `.../cli`, ... that `jco transpile --map 'wasi:cli/*=wasi-web/preview2/cli#*'`
 * output imports. Call it before the component runs; returns the WASIp2.
 * Without it, the first call makes one with default options (console output,
 * a new empty MemFS, no preopens).
 */
export function configure(options = {}) {
  defaultWasi = new WASIp2(options);
  return defaultWasi;
}

/** The WASIp2 behind the module exports (made on first use). */
export function defaultHost() {
  if (defaultWasi === null) defaultWasi = new WASIp2();
  return defaultWasi;
}

/** Whether a `&mut self` call of the core's never returned (its borrow is still held). */
function coreStuck(core) {
  try {
    core.exitCode();
    return false;
  } catch {
    return true;
  }
}
