// Suspending providers (URL fetches, OPFS under JSPI): how a provider call
// that must wait for a promise reaches the async-mode import wrapper of
// js/wasi.js, which suspends the guest (JSPI), awaits it, and calls again.
//
// The provider API is synchronous. While an async-mode WASI calls the core,
// `collectWaits` opens a collector; a provider that needs data it does not
// have starts the work, hands the promise to `suspendOn` and throws
// `wouldBlock()`. The adapter (js/mount.js) turns that into the core's
// WouldBlock errno, which travels back to the import unchanged, never to
// the guest. A provider must throw it before it changed anything, so that
// the retried call starts from the same state.
//
// Outside such a call (sync mode, the MemFS API) there is no collector:
// `suspendOn` answers false and the provider reports a plain error.

/** MemFSs with a provider that may answer "would block" (`provider.suspends`). @type {WeakSet<object>} */
const suspendingFs = new WeakSet();

/**
 * Called by MemFS.mount(). In async mode a WASI makes its file-data imports
 * suspending only on such a MemFS: a suspending import yields to the event
 * loop on every call, which costs time and lets page code run between calls.
 * @param {object} fs @param {unknown} provider
 */
export function noteMount(fs, provider) {
  if (/** @type {{ suspends?: unknown }} */ (provider)?.suspends === true) suspendingFs.add(fs);
}

/** @param {object} fs */
export function hasSuspendingMounts(fs) {
  return suspendingFs.has(fs);
}

/** The code the adapter maps to the core's WouldBlock (65535). */
export const WOULD_BLOCK_CODE = "WASI_WEB_WOULD_BLOCK";

/** @type {Promise<unknown>[] | null} */
let collector = null;

/** Whether the core call in progress can wait (an async-mode import). */
export function canSuspend() {
  return collector !== null;
}

/**
 * Registers the promise the current call waits for; false when the call
 * cannot wait (then the provider must answer with an error instead).
 * @param {Promise<unknown>} promise must not reject (record failures, report them on the retry)
 */
export function suspendOn(promise) {
  if (collector === null) return false;
  collector.push(promise);
  return true;
}

/** The error a provider throws after `suspendOn`. */
export function wouldBlock() {
  return Object.assign(new Error("wasi-web: this call waits for a provider and is retried"), { code: WOULD_BLOCK_CODE });
}

/**
 * Runs a core call with a collector open; returns its result and the
 * promises providers registered during it.
 * @template T
 * @param {() => T} call
 * @returns {[T, Promise<unknown>[]]}
 */
export function collectWaits(call) {
  const outer = collector;
  /** @type {Promise<unknown>[]} */
  const mine = [];
  collector = mine;
  try {
    return [call(), mine];
  } finally {
    collector = outer;
  }
}

// Write-behind: providers that apply changes later (OPFS) register while
// they hold changes not yet stored, so that run() and startAsync() can wait
// for them before reporting the end of a program.

/** @type {Set<{ flush(): Promise<void> }>} */
const writers = new Set();

/**
 * A provider with changes not yet stored; `settleWriteBehind` will call its
 * `flush()` (which should call `writeBehindDone`).
 * @param {{ flush(): Promise<void> }} provider
 */
export function writeBehindPending(provider) {
  writers.add(provider);
}

/** @param {{ flush(): Promise<void> }} provider */
export function writeBehindDone(provider) {
  writers.delete(provider);
}

/**
 * Waits until every registered provider has stored its changes; rejects
 * with the first failure after all have been tried.
 */
export async function settleWriteBehind() {
  /** @type {unknown[]} */
  const errors = [];
  while (writers.size > 0) {
    const batch = [...writers];
    writers.clear();
    for (const w of batch) {
      try {
        await w.flush();
      } catch (error) {
        errors.push(error);
      }
    }
  }
  if (errors.length > 0) throw errors[0];
}
