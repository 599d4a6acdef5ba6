// `WASIp2`, the WASI 0.2 (Preview 2) host of one component transpiled by
// jco: its import object (one builder per interface file: io.js, clocks.js,
// random.js, cli.js, filesystem.js, sockets.js) and the run methods, on
// ComponentHost (component-host.js). `configure()` sets the host behind the
// interface files' module exports (for `jco transpile --map`).
import { settleWriteBehind } from "../providers/wait.js";
import { signalOption, abortError } from "../waiting.js";
import { cliImports } from "./cli.js";
import { clocksImports } from "./clocks.js";
import { ComponentHost } from "./component-host.js";
import { setDefaultHost } from "./default-host.js";
import { filesystemImports } from "./filesystem.js";
import { httpImports } from "../http/types.js";
import { ioImports, Pollable } from "./io.js";
import { randomImports } from "./random.js";
import { wrap } from "./resource.js";
import { socketsImports } from "./sockets.js";

/** @typedef {import("./component-host.js").WASIp2Options} WASIp2Options */
/** @typedef {import("./resource.js").Preview2Host} Preview2Host */
/** @typedef {Record<string, Record<string, unknown>>} Preview2Imports */

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

/**
 * The imports that may reach a suspending mount (URL, OPFS on a page):
 * async imports too when the host's `waitsOnMounts` (async mode on a MemFS
 * with such a mount). A provider that must fetch or load makes the call
 * return a Promise, and the call is made again once the data is there.
 * Not in ASYNC_IMPORTS: jco's glue for an async import suspends on every
 * call, even one answered at once.
 */
export const MOUNT_ASYNC_IMPORTS = [
  ...[
    "set-size",
    "set-times",
    "read",
    "write",
    "read-directory",
    "create-directory-at",
    "stat",
    "stat-at",
    "set-times-at",
    "link-at",
    "open-at",
    "readlink-at",
    "remove-directory-at",
    "rename-at",
    "symlink-at",
    "unlink-file-at",
    "metadata-hash",
    "metadata-hash-at",
  ].map((m) => `wasi:filesystem/types#[method]descriptor.${m}`),
  "wasi:filesystem/types#[method]directory-entry-stream.read-directory-entry",
  "wasi:io/streams#[method]input-stream.read",
  "wasi:io/streams#[method]output-stream.write",
  "wasi:io/streams#[method]output-stream.write-zeroes",
  "wasi:io/streams#[method]output-stream.splice",
];

/**
 * The exports that may wait, for `--async-exports`: a command's run, and an
 * HTTP handler's handle (`wasi-web serve`).
 */
export const ASYNC_EXPORTS = ["wasi:cli/run#run", "wasi:http/incoming-handler#handle"];

/**
 * The WASI 0.2 interface objects, shaped as jco expects them: one object
 * per interface, keyed like jco's `--instantiation` import object
 * ("wasi:io/streams": { InputStream, OutputStream }, ...). Functions that
 * are not methods find their host through `getHost()` at call time, so the
 * module exports (for `--map`) can follow `configure()`.
 * @param {() => Preview2Host} getHost
 * @returns {Preview2Imports}
 */
export function buildImports(getHost) {
  return {
    ...ioImports(getHost),
    ...clocksImports(getHost),
    ...randomImports(getHost),
    ...cliImports(getHost),
    ...filesystemImports(getHost),
    ...socketsImports(getHost),
    // wasi:http over fetch() (js/http/); its resources need a ComponentHost.
    ...httpImports(/** @type {() => import("./component-host.js").ComponentHost} */ (getHost)).imports,
  };
}

/**
 * A WASI 0.2 (Preview 2) host for one component, on a MemFS that Preview 1
 * programs may share. Takes the options of `WASI` (args, env, preopens,
 * stdin, stdout, stderr, tty, fs, deterministic, maxBufferBytes, async)
 * plus `cwd` (`initial-cwd`) and `timeZone` (the IANA zone of
 * `wasi:clocks/timezone`: default the host's own, UTC when deterministic).
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
export class WASIp2 extends ComponentHost {
  #imports;

  /** @param {WASIp2Options} [options] */
  constructor(options = {}) {
    super(options);
    this.#imports = buildImports(() => this);
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

  /**
   * A `wasi:io/poll` pollable backed by a JS promise (a timer, a fetch, any
   * host event), for host-defined imports to hand to the component. It is
   * ready once the promise settles; in async mode a waiting `poll`/`block`
   * wakes then.
   * @param {Promise<unknown>} promise
   */
  pollableFromPromise(promise) {
    return wrap(Pollable, this, this.externalPollable(promise));
  }

  /**
   * Runs an instantiated command component (the object jco's `instantiate`
   * returns): calls `wasi:cli/run#run` and returns the exit code: 0 when
   * it returns ok, 1 for err, or the code given to `exit`.
   * @param {object} instance
   * @returns {number}
   */
  run(instance) {
    if (this.async) throw new TypeError("new WASIp2({ async: true }) runs components with runAsync()");
    return this.runGuest(commandRun(instance));
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
    if (!this.async) throw new TypeError("runAsync() needs new WASIp2({ async: true })");
    const signal = signalOption(options?.signal);
    if (signal?.aborted) throw abortError(signal, "the component");
    const run = commandRun(instance);
    const exitCode = await this.#runAsync(run, signal);
    // Mounts that store changes later (OPFS) store them before the end is reported.
    await settleWriteBehind();
    return exitCode;
  }

  /**
   * @param {() => unknown} run
   * @param {AbortSignal | undefined} signal
   * @returns {Promise<number>}
   */
  #runAsync(run, signal) {
    if (signal === undefined) return this.runGuestAsync(async () => run(), undefined);
    /** @type {() => void} */
    let onAbort = () => {};
    /** @type {Promise<never>} */
    const aborted = new Promise((_, reject) => {
      onAbort = () => reject(abortError(signal, "the component"));
      signal.addEventListener("abort", onAbort, { once: true });
    });
    const race = async () => {
      try {
        return await Promise.race([run(), aborted]);
      } finally {
        signal.removeEventListener("abort", onAbort);
      }
    };
    return this.runGuestAsync(race, signal);
  }
}

/**
 * The `wasi:cli/run#run` export of an instance jco made.
 * @param {object} instance
 * @returns {() => unknown}
 */
function commandRun(instance) {
  const exports = /** @type {Record<string, { run?: unknown } | undefined>} */ (instance ?? {});
  const run = exports.run?.run ?? findRun(exports);
  if (typeof run !== "function") throw new TypeError("the component does not export wasi:cli/run: it is not a command");
  return /** @type {() => unknown} */ (run);
}

/**
 * A versioned `wasi:cli/run@0.2.x` export's `run`.
 * @param {Record<string, { run?: unknown } | undefined>} exports
 */
function findRun(exports) {
  for (const [key, value] of Object.entries(exports)) {
    if (key.startsWith("wasi:cli/run@") && typeof value?.run === "function") return value.run;
  }
  return undefined;
}

/**
 * Configures the host behind the module exports `wasi-web/preview2/io`,
 * `.../cli`, ... that `jco transpile --map 'wasi:cli/*=wasi-web/preview2/cli#*'`
 * output imports. Call it before the component runs; returns the WASIp2.
 * Without it, the first call makes one with default options (console output,
 * a new empty MemFS, no preopens).
 * @param {WASIp2Options} [options]
 */
export function configure(options = {}) {
  const wasi = new WASIp2(options);
  setDefaultHost(wasi);
  return wasi;
}
