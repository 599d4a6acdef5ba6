// The WASI 0.2 host of one component, minus its import object: what the
// interface files (io.js, cli.js, ...) and their resources call, as
// `Preview2Host` (resource.js) describes it: the component's Preview2Core,
// `exit`, `wait` (async mode) and `timezone`. Options, sinks, stdin,
// waiting and error handling are the base's (js/host-base.js), shared with
// Preview 1's WASI. `WASIp2` (wasip2.js) adds the import object and the run
// methods; the module exports for `--map` use one made by default-host.js.
import { Preview2Core } from "../core.js";
import { HostBase } from "../host-base.js";
import { CORE } from "../internal.js";
import { collectWaits, hasSuspendingMounts } from "../providers/wait.js";
import { PREVIEW2_CORE } from "../recovery.js";
import { waitForCore } from "../waiting.js";
import { WASIExit } from "../wasi-exit.js";
import { Timezone } from "./timezone.js";

/**
 * The options of `new WASIp2()`: those every host takes (js/options.js)
 * plus `cwd` (`initial-cwd`) and `timeZone` (the IANA zone of
 * `wasi:clocks/timezone`: default the host's own, UTC when deterministic).
 * @typedef {import("../host-base.js").HostOptions & { cwd?: string, timeZone?: string }} WASIp2Options
 */

/** A provider's wait has no timer and no stdin: `waitForCore` then awaits only its promises. */
const NO_CORE_WAIT = { waitMs: () => -1, waitsForInput: () => false };

/** @extends {HostBase<Preview2Core>} */
export class ComponentHost extends HostBase {
  /** Settling promises behind external pollables: async waits race them too. @type {Set<Promise<void>>} */
  #external = new Set();
  /** Whether filesystem calls may wait for a mount (see `waitsOnMounts`). */
  #mountWaits;
  /** Answers `wasi:clocks/timezone`. */
  timezone;

  /** @param {WASIp2Options} [options] */
  constructor(options = {}) {
    super(options, { kind: PREVIEW2_CORE, guest: "the component" });
    this.attachCore(new Preview2Core(this.fs[CORE], { ...this.coreOptions, cwd: options.cwd }));
    // Decided once, like WASI's suspending imports: the component must be
    // transpiled with MOUNT_ASYNC_IMPORTS too (wasip2.js) exactly when this is true.
    this.#mountWaits = this.async && hasSuspendingMounts(this.fs);
    // A deterministic run must not depend on where it runs.
    this.timezone = new Timezone(options.timeZone ?? (this.coreOptions.seed === undefined ? undefined : "UTC"));
  }

  /**
   * `wasi:cli/exit`: records the code and unwinds the component.
   * @param {number} code
   * @returns {never}
   */
  exit(code) {
    this.core.exit(code);
    throw new WASIExit(code, this);
  }

  /**
   * After a core call threw "would-block" (async mode): what to await
   * before retrying. Once the run's signal is aborted (runAsync has then
   * rejected), the wait never ends: the component stays suspended until it
   * is dropped. (An exception thrown back into jco's JSPI glue here would
   * leave its run() promise pending for good.)
   */
  async wait() {
    const signal = this.signal;
    await this.waitForCore(this.#external);
    if (signal?.aborted) await new Promise(() => {});
  }

  /**
   * Whether this host's filesystem calls may wait for a mount: async mode
   * on a MemFS that had a suspending mount (URL, OPFS on a page) when the
   * host was made. The component must then be transpiled with
   * `MOUNT_ASYNC_IMPORTS` as async imports, besides `ASYNC_IMPORTS`.
   */
  get waitsOnMounts() {
    return this.#mountWaits;
  }

  /**
   * Runs a core call that may reach a suspending mount (a descriptor call,
   * a read or write of a file stream). When a provider must wait (it
   * registered a promise and failed the call before changing anything,
   * js/providers/wait.js) and `blocked(error)` says the failure is that,
   * returns a Promise that awaits the provider and calls again; otherwise
   * the call's own result or exception, without a Promise. Only for the
   * imports in MOUNT_ASYNC_IMPORTS; without `waitsOnMounts` it is `call()`.
   * @internal
   * @template T
   * @param {() => T} call
   * @param {(error: unknown) => boolean} blocked
   * @returns {T | Promise<T>}
   */
  mountCall(call, blocked) {
    if (!this.#mountWaits) return call();
    const attempt = () =>
      collectWaits(() => {
        try {
          return { ok: true, value: call() };
        } catch (error) {
          return { ok: false, value: /** @type {unknown} */ (error) };
        }
      });
    let [result, waits] = attempt();
    const again = () => !result.ok && waits.length > 0 && blocked(result.value);
    if (!again()) {
      if (result.ok) return /** @type {T} */ (result.value);
      throw result.value;
    }
    return (async () => {
      for (;;) {
        // Providers' promises never reject (a failed fetch is the retried call's EIO).
        await waitForCore(NO_CORE_WAIT, null, [Promise.all(waits)], this.signal);
        // Aborted: stay suspended, as wait() does.
        if (this.signal?.aborted) await new Promise(() => {});
        [result, waits] = attempt();
        if (!again()) {
          if (result.ok) return /** @type {T} */ (result.value);
          throw result.value;
        }
      }
    })();
  }

  /**
   * A pollable handle in the core that becomes ready once `promise`
   * settles; async waits wake then.
   * @param {Promise<unknown>} promise
   * @returns {number}
   */
  externalPollable(promise) {
    const core = this.core;
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
      } catch {
        // Nothing to resolve.
      }
    });
    this.#external.add(tracked);
    return id;
  }

  /** The IANA time zone `wasi:clocks/timezone` answers for ("UTC", "Europe/Berlin"). */
  get timeZone() {
    return this.timezone.id;
  }

  /** Live resources in the table (for leak checks); 0 once a core panic freed them. */
  get liveResources() {
    return this.coreDead ? 0 : this.core.live();
  }

  /**
   * The code a run ends with: `exit`'s, or 1 for an `err` result of run()
   * (jco throws a ComponentError for it).
   * @param {unknown} error
   * @protected
   */
  exitCodeOf(error) {
    if (error instanceof WASIExit && error.owner === this) return error.exitCode;
    const e = /** @type {{ name?: unknown, constructor?: { name?: unknown } } | null | undefined} */ (error);
    if (e?.name === "ComponentError" || e?.constructor?.name === "ComponentError") return 1;
    return undefined;
  }

  /** Every resource the run held (open files, an unlinked one's data too) goes now, not at GC. @protected */
  releaseCore() {
    this.core.closeAll();
  }

  /** @protected */
  currentCall() {
    // The core call that trapped: the core records each on entry.
    return Preview2Core.currentCall();
  }
}
