// `WASIp3`, the WASI 0.3 host of one component transpiled by jco with
// `--async-mode jspi`: the WASIp2 host (same core, MemFS, options, output
// sinks, exit and trap handling) whose import object also carries the 0.3
// members. jco keys imports by interface name without version, and puts the
// members of every version of one interface in one object
// ("wasi:cli/stdout": { getStdout, writeViaStream }), so 0.2 and 0.3 are
// served side by side, and any 0.3.x or 0.3.0-rc-* release matches.
import { WASIp2 } from "../preview2/wasip2.js";
import { cliImports3 } from "./cli.js";
import { clocksImports3 } from "./clocks.js";
import { filesystemImports3 } from "./filesystem.js";
import { CLOSE_SOCKETS, socketsImports3 } from "./sockets.js";
import { httpImports3 } from "../http/p3.js";

/** @typedef {import("../preview2/wasip2.js").WASIp2Options & { network?: "none" | "host" }} WASIp3Options */

/**
 * The message of the error a run of a 0.3 component gives where there is
 * no JSPI.
 */
export const NEEDS_JSPI =
  "wasi-web: WASI 0.3 components need JSPI (WebAssembly.Suspending: Node 24+, Chromium 137+), which this engine lacks";

/**
 * Throws the clear error when JSPI is missing.
 */
export function requireJspi() {
  if (typeof WebAssembly.Suspending !== "function") throw new Error(NEEDS_JSPI);
}

/**
 * Adds `extra`'s members to `base`'s interface objects (both keyed as jco
 * keys imports); a member of `extra` replaces one of the same name.
 * @param {Record<string, Record<string, unknown>>} base
 * @param {...Record<string, Record<string, unknown>>} extras
 */
function merge(base, ...extras) {
  /** @type {Record<string, Record<string, unknown>>} */
  const out = { ...base };
  for (const extra of extras) {
    for (const [key, members] of Object.entries(extra)) out[key] = { ...out[key], ...members };
  }
  return out;
}

/**
 * A WASI 0.3 host for one component (on a MemFS that Preview 1 programs and
 * 0.2 components may share). Options as `WASIp2`'s; it always runs in async
 * mode (JSPI), which 0.3's async functions need.
 *
 * ```js
 * const wasi = new WASIp3({ args: ["app"], preopens: { "/": "/" }, fs });
 * const instance = instantiate(getCoreModule, wasi.imports); // jco --instantiation sync --async-mode jspi
 * const exitCode = await wasi.runAsync(instance);
 * ```
 */
export class WASIp3 extends WASIp2 {
  #imports;
  /** Whether the run's signal aborted: the component then traps at its next call. */
  #stopped = false;
  /** Rejects runAsync with what fail() was given. @type {(error: unknown) => void} */
  #reject = () => {};
  /** @type {Promise<never>} */
  #failed = handled(new Promise((_, reject) => (this.#reject = reject)));
  /** @type {() => void} */
  #onStop = () => {};
  /** Settles when the run is aborted (wakes waits). @type {Promise<void>} */
  #stop = new Promise((resolve) => (this.#onStop = resolve));
  /** Closes the sockets of `network: "host"` (js/preview3/sockets-node.js) when the run ends. @type {() => void} */
  #closeSockets;

  /** @param {WASIp3Options} [options] */
  constructor(options = {}) {
    requireJspi();
    super({ ...options, async: true });
    const getHost = () => this;
    const sockets = socketsImports3(getHost, options.network);
    this.#closeSockets = sockets[CLOSE_SOCKETS];
    this.#imports = this.#guarded(
      merge(
        super.imports,
        cliImports3(getHost),
        clocksImports3(getHost),
        filesystemImports3(getHost),
        sockets,
        // wasi:http 0.3 (request, response, client.send) over fetch(): js/http/p3.js.
        httpImports3().imports,
        // 0.3 renamed insecure-seed's function; the core call is 0.2's.
        { "wasi:random/insecure-seed": { getInsecureSeed: () => Array.from(this.core.insecureSeed()) } },
      ),
    );
  }

  /** The import object for jco's `--instantiation` output: 0.2 and 0.3 members. */
  get imports() {
    return this.#imports;
  }

  /** Same as `imports`. */
  getImportObject() {
    return this.#imports;
  }

  /**
   * Runs an instantiated command component: calls its `wasi:cli/run@0.3.x`
   * `run` (or the 0.2 one when it exports no 0.3 one) and resolves to the
   * exit code: 0 for ok, 1 for err, or the code given to `exit`.
   * `options.signal` stops it as for `WASIp2#runAsync`.
   * @param {object} instance
   * @param {{ signal?: AbortSignal }} [options]
   * @returns {Promise<number>}
   */
  runAsync(instance, options = {}) {
    // Once aborted, the component must not stay suspended: jco's scheduler
    // polls (a 10 ms timer) while any task waits, which would keep Node
    // alive for good. Its waits end, and its next call traps.
    options?.signal?.addEventListener(
      "abort",
      () => {
        this.#stopped = true;
        this.#onStop();
      },
      { once: true },
    );
    this.#failed.catch(() => {});
    const result = Promise.race([super.runAsync(preferP3Run(instance), options), this.#failed]);
    // The run's sockets close when it ends; the result itself is not delayed.
    result.then(this.#closeSockets, this.#closeSockets);
    return result;
  }

  /** Whether the run was aborted (its host calls trap from then on). */
  get stopped() {
    return this.#stopped;
  }

  /**
   * Ends the run with an error a stream transfer met that is not the
   * guest's (a sink that threw, say the CLI's "stopped"), which jco's stream
   * glue cannot carry: runAsync rejects with it, and the component stops as
   * for an abort.
   * @param {unknown} error
   */
  fail(error) {
    if (this.#stopped) return;
    this.#stopped = true;
    this.#onStop();
    this.#reject(error);
  }

  /** Throws the trap an aborted or failed run's calls end in. */
  checkStopped() {
    if (this.#stopped) throw new WebAssembly.RuntimeError("wasi-web: the run was aborted; the component stops at its next call");
  }

  /**
   * As WASIp2's wait, but an abort ends it with the trap (a 0.2 host leaves
   * the component suspended instead).
   */
  async wait() {
    this.checkStopped();
    try {
      await Promise.race([super.wait(), this.#stop]);
    } catch (error) {
      if (!this.#stopped) throw error;
    }
    this.checkStopped();
  }

  /**
   * The import object with every plain function checked for an abort first
   * (resource classes are left alone: their methods check where they wait).
   * @param {Record<string, Record<string, unknown>>} imports
   */
  #guarded(imports) {
    for (const members of Object.values(imports)) {
      for (const [name, f] of Object.entries(members)) {
        if (typeof f !== "function" || Object.hasOwn(f, "prototype")) continue;
        members[name] = (/** @type {unknown[]} */ ...args) => {
          this.checkStopped();
          return f(...args);
        };
      }
    }
    return imports;
  }

  /** @returns {never} */
  run() {
    throw new TypeError("a WASI 0.3 component runs with runAsync() (JSPI)");
  }
}

/**
 * `promise`, with a handler attached: fail() may run before runAsync (a host
 * call made outside a run), and an unhandled rejection would end Node.
 * @template T
 * @param {Promise<T>} promise
 */
function handled(promise) {
  promise.catch(() => {});
  return promise;
}

/**
 * The instance with its 0.3 run export where WASIp2's run() looks first
 * (`run.run`): Rust components built with the wasip3 crate export both
 * `wasi:cli/run@0.2.x` (Rust's `main`, a stub) and `wasi:cli/run@0.3.x`.
 * @param {object} instance
 */
function preferP3Run(instance) {
  const exports = /** @type {Record<string, { run?: unknown } | undefined>} */ (instance ?? {});
  for (const [key, value] of Object.entries(exports)) {
    if (/^wasi:cli\/run@0\.3[.-]/.test(key) && typeof value?.run === "function") {
      return { ...exports, run: value };
    }
  }
  return instance;
}
