/** setTimeout's longest delay: a longer one overflows and fires at once. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * A timer of any length: delays past MAX_TIMEOUT_MS are chained, so a guest
 * sleeping for 2^32 ms waits instead of being woken (and busy-polling) every
 * millisecond. `cancel()` clears whichever timer is pending.
 * @param {number} ms
 * @returns {{ promise: Promise<void>, cancel(): void }}
 */
export function longTimer(ms) {
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let id;
  /** @type {Promise<void>} */
  const promise = new Promise((resolve) => {
    /** @param {number} left */
    const step = (left) => {
      const now = Math.min(left, MAX_TIMEOUT_MS);
      id = setTimeout(() => (left > now ? step(left - now) : resolve()), now);
    };
    step(Math.max(0, ms));
  });
  return { promise, cancel: () => clearTimeout(id) };
}

/**
 * The error a run ends with when its AbortSignal fires: a DOMException named
 * "AbortError" (an Error so named where DOMException is missing) whose
 * `cause` is `signal.reason`.
 * @param {AbortSignal} signal
 * @param {string} what the program, for the message
 * @param {string} [detail] added to the message (a DOMException's is read-only)
 */
export function abortError(signal, what, detail = "") {
  const reason = signal.reason;
  const why = reason instanceof Error ? `: ${reason.message}` : reason === undefined ? "" : `: ${String(reason)}`;
  const message = `${what} was aborted${why}${detail}`;
  let error;
  if (typeof DOMException === "function") {
    error = new DOMException(message, "AbortError");
    Object.defineProperty(error, "cause", { value: reason, writable: true, configurable: true });
  } else {
    error = new Error(message, { cause: reason });
    error.name = "AbortError";
  }
  return error;
}

/**
 * Checks a `signal` option: undefined or an AbortSignal.
 * @param {unknown} signal
 * @returns {AbortSignal | undefined}
 */
export function signalOption(signal, what = "options.signal") {
  if (signal === undefined) return undefined;
  if (typeof AbortSignal === "undefined" || !(signal instanceof AbortSignal)) {
    throw new TypeError(`${what} must be an AbortSignal`);
  }
  return signal;
}

/**
 * What a core call that returned "would block" (async mode) waits for: the
 * earliest deadline it reported (`waitMs()`), and new stdin if it asked
 * (`waitsForInput()`). Shared by Preview 1 and Preview 2. With `signal`,
 * the wait also ends when it is aborted (the caller checks `signal.aborted`).
 * The timer and the abort listener are removed when the wait ends, so a
 * finished wait holds nothing (in Node, a pending timer keeps the process up).
 * @param {{ waitMs(): number, waitsForInput(): boolean }} core
 * @param {import("./stdin-queue.js").StdinQueue | null} queue
 * @param {Iterable<Promise<unknown>>} [external] host promises behind pollables
 * @param {AbortSignal} [signal]
 * @returns {Promise<unknown>}
 */
export function waitForCore(core, queue, external = [], signal = undefined) {
  if (signal?.aborted) return Promise.resolve();
  const ms = core.waitMs();
  /** @type {Promise<unknown>[]} */
  const waits = [];
  /** @type {(() => void)[]} */
  const cleanups = [];
  if (ms >= 0) {
    const timer = longTimer(ms);
    waits.push(timer.promise);
    cleanups.push(timer.cancel);
  }
  if (core.waitsForInput() && queue) waits.push(queue.wait());
  for (const promise of external) waits.push(promise);
  // Nothing to await would be a hang: yield a turn and retry instead.
  if (waits.length === 0) waits.push(new Promise((resolve) => setTimeout(resolve, 0)));
  if (signal !== undefined) {
    /** @type {() => void} */
    let onAbort = () => {};
    waits.push(new Promise((resolve) => signal.addEventListener("abort", (onAbort = () => resolve(undefined)), { once: true })));
    cleanups.push(() => signal.removeEventListener("abort", onAbort));
  }
  const done = Promise.race(waits);
  if (cleanups.length === 0) return done;
  const cleanup = () => cleanups.forEach((f) => f());
  return done.then(
    (value) => (cleanup(), value),
    (error) => {
      cleanup();
      throw error;
    },
  );
}
