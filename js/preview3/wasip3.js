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
import { signalOption } from "../waiting.js";

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");

/**
 * How long the end of a run waits at most for the host's reads of the
 * guest's streams to finish (see WASIp3#runGuestAsync); they take a few
 * turns of jco's 1 ms poll, so this bound only matters if one never ends.
 */
const HANDOVER_MS = 100;

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
  /** The current (or next) run's state; a run that ended normally is followed by a fresh one. */
  #run = newRun();
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
    const signal = signalOption(options?.signal);
    // A host runs components one after another; one aborted (or failed)
    // stays stopped, as before.
    if (this.#run.ended && !this.#run.stopped) this.#run = newRun();
    const run = this.#run;
    // Once aborted, the component must not stay suspended: jco's scheduler
    // polls (a 10 ms timer) while any task waits, which would keep Node
    // alive for good. Its waits end, and its next call traps.
    const onAbort = () => {
      run.stopped = true;
      run.onStop();
      run.end.abort(signal?.reason);
    };
    if (signal?.aborted) onAbort();
    else signal?.addEventListener("abort", onAbort, { once: true });
    // The host's waits see `run.end` as the run's signal (an abort of
    // `signal` aborts it with the same reason).
    const result = Promise.race([super.runAsync(preferP3Run(instance), { signal: run.end.signal }), run.failed]);
    const end = () => {
      signal?.removeEventListener("abort", onAbort);
      this.#end(run);
    };
    // The run's sockets close when it ends; the result itself is not delayed.
    result.then(end, end);
    return result;
  }

  /**
   * As the base's, but before the run's output is flushed and its core
   * released, the host finishes reading the streams the guest handed it:
   * jco completes a guest's write when it copies the bytes, and gives them
   * to the host's read at its next poll, so a guest that writes to stdout
   * and exits at once would lose that write. Its streams are dropped (the
   * host keeps a copy already made) and the host's transfers awaited.
   * @param {() => Promise<unknown>} entry
   * @param {AbortSignal | undefined} signal
   * @returns {Promise<number>}
   * @protected
   */
  runGuestAsync(entry, signal) {
    const run = this.#run;
    return super.runGuestAsync(async () => {
      try {
        return await entry();
      } finally {
        await handOver(run);
      }
    }, signal);
  }

  /**
   * The run has ended (returned, exited, trapped, aborted or failed): what
   * the component left pending on the host is ended too, as wasmtime drops
   * it with the store, so nothing keeps a Node process alive after it:
   * host waits (a wait-for's timer, a read of stdin) end and their calls
   * trap; streams the guest handed the host are dropped (jco polls a
   * stream the host reads on a 1 ms timer until the guest writes to it or
   * drops it, which an exited guest never does); sockets close. Host calls
   * made after this trap (checkStopped).
   * @param {RunState} run
   */
  #end(run) {
    run.ended = true;
    run.onStop();
    if (!run.end.signal.aborted) run.end.abort(new Error("wasi-web: the run ended"));
    // Streams handed over after the hand-over (the run rejected with fail()'s error first).
    dropStreams(run);
    this.#closeSockets();
  }

  /**
   * Makes the end of the run wait (at most HANDOVER_MS) for `transfer`, a
   * host function's reading of a stream the guest handed it (a descriptor's
   * write-via-stream), before its output is flushed and its core released
   * (see runGuestAsync): the chunk jco copied before the guest exited is
   * written. Plain import functions' transfers are held without this.
   * @param {Promise<unknown>} transfer
   */
  holdEnd(transfer) {
    holdEnd(this.#run, transfer);
  }

  /**
   * Aborted when the run ends or is aborted. Host code reading a stream
   * the guest handed it passes it to `chunksOf(stream, { signal })`, so the
   * read ends with the run (a guest that exits never drops its end).
   * @returns {AbortSignal}
   */
  get runSignal() {
    return this.#run.end.signal;
  }

  /** Whether the run was aborted or has ended (its host calls trap from then on). */
  get stopped() {
    return this.#run.stopped || this.#run.ended;
  }

  /**
   * Ends the run with an error a stream transfer met that is not the
   * guest's (a sink that threw, say the CLI's "stopped"), which jco's stream
   * glue cannot carry: runAsync rejects with it, and the component stops as
   * for an abort.
   * @param {unknown} error
   */
  fail(error) {
    const run = this.#run;
    if (run.stopped || run.ended) return;
    run.stopped = true;
    run.onStop();
    run.reject(error);
  }

  /** Throws the trap an aborted or failed run's calls end in. */
  checkStopped() {
    if (this.stopped) throw stoppedTrap(this.#run);
  }

  /**
   * As WASIp2's wait, but an abort ends it with the trap (a 0.2 host leaves
   * the component suspended instead).
   */
  async wait() {
    this.checkStopped();
    const run = this.#run;
    try {
      await Promise.race([super.wait(), run.stop]);
    } catch (error) {
      if (!run.stopped && !run.ended) throw error;
    }
    // The run this wait belongs to (a later run may have begun meanwhile).
    if (run.stopped || run.ended) throw stoppedTrap(run);
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
          const run = this.#run;
          let tookStream = false;
          for (const arg of args) {
            if (isGuestStream(arg)) {
              run.streams.add(arg);
              tookStream = true;
            }
          }
          const result = f(...args);
          // The transfer of a stream it took (write-via-stream's): awaited at the end of the run.
          if (tookStream && result instanceof Promise) holdEnd(run, result);
          return result;
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
 * @typedef {object} RunState
 * @property {boolean} stopped aborted, or failed (fail()): the component traps at its next call
 * @property {boolean} ended runAsync has settled: what the run left pending has been ended
 * @property {(error: unknown) => void} reject rejects `failed`
 * @property {Promise<never>} failed rejects runAsync with what fail() was given
 * @property {() => void} onStop settles `stop`
 * @property {Promise<void>} stop settles when the run is aborted or ends (wakes its waits)
 * @property {AbortController} end aborted then too: the run's signal for the host's waits and reads
 * @property {Set<{ [symbolDispose]?: () => void }>} streams streams the guest handed plain import functions (stdout, stderr), dropped at the end
 * @property {Set<Promise<unknown>>} transfers the results of those calls, settled when the host has read their streams
 */

/** @returns {RunState} */
function newRun() {
  /** @type {(error: unknown) => void} */
  let reject = () => {};
  /** @type {() => void} */
  let onStop = () => {};
  /** @type {Promise<never>} */
  const failed = handled(new Promise((_, r) => (reject = r)));
  /** @type {Promise<void>} */
  const stop = new Promise((resolve) => (onStop = resolve));
  return {
    stopped: false,
    ended: false,
    reject,
    failed,
    onStop,
    stop,
    end: new AbortController(),
    streams: new Set(),
    transfers: new Set(),
  };
}

/**
 * Drops the guest's streams a run left open (the host's reads end, after a
 * copy jco already made) and its signal (the same for host code reading
 * with `chunksOf(stream, { signal: runSignal })`), then waits, at most
 * HANDOVER_MS, for the host's transfers to finish.
 * @param {RunState} run
 */
async function handOver(run) {
  if (!run.end.signal.aborted) run.end.abort(new Error("wasi-web: the run ended"));
  dropStreams(run);
  if (run.transfers.size === 0) return;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let timer;
  const bound = new Promise((resolve) => (timer = setTimeout(resolve, HANDOVER_MS)));
  await Promise.race([Promise.allSettled(run.transfers), bound]);
  clearTimeout(timer);
}

/**
 * Adds `transfer` to what the end of `run` waits for, until it settles.
 * @param {RunState} run
 * @param {Promise<unknown>} transfer
 */
function holdEnd(run, transfer) {
  run.transfers.add(transfer);
  const done = () => run.transfers.delete(transfer);
  transfer.then(done, done);
}

/**
 * Drops the streams the guest handed the host in `run`.
 * @param {RunState} run
 */
function dropStreams(run) {
  for (const stream of run.streams) {
    try {
      stream[symbolDispose]?.();
    } catch {
      // jco refused the drop (already dropped): nothing is left to end.
    }
  }
  run.streams.clear();
}

/**
 * The trap a stopped or ended run's host calls end in.
 * @param {RunState} run
 */
function stoppedTrap(run) {
  return new WebAssembly.RuntimeError(
    run.stopped
      ? "wasi-web: the run was aborted; the component stops at its next call"
      : "wasi-web: the run has ended; the component stops at its next call",
  );
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
 * Whether `value` is a stream jco lifted from the guest (a `Stream` with
 * `read` and a dispose method).
 * @param {unknown} value
 * @returns {value is { read: Function, [symbolDispose]: () => void }}
 */
function isGuestStream(value) {
  const v = /** @type {any} */ (value);
  return v !== null && typeof v === "object" && typeof v.read === "function" && typeof v[symbolDispose] === "function";
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
