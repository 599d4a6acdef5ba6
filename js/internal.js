// Symbols shared between the modules of this package; not part of the API.

/** The MemFsCore behind a MemFS. */
export const CORE = Symbol("wasi-web.core");
/** The function an output sink gives the core. */
export const WRITE = Symbol("wasi-web.write");
/** Flushes a sink at the end of a run. */
export const FLUSH = Symbol("wasi-web.flush");
/**
 * A host option: worker mode's `block(ms, input)` (js/worker/channel.js),
 * given by js/worker/worker.js. The core then blocks through it, for
 * sleeps and to wait for stdin from the page, instead of sleeping the thread.
 */
export const BLOCK = Symbol("wasi-web.block");
/**
 * A WASI option (async mode), given by js/pipeline.js: `(fd) => Promise | undefined`,
 * asked before each fd_write. A promise suspends the guest until it resolves
 * (a full pipe draining), then the write is tried again.
 */
export const OUTPUT_GATE = Symbol("wasi-web.outputGate");

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

/**
 * Views any binary input as a Uint8Array (no copy).
 * @param {unknown} data
 * @param {string} what the argument, for the message
 * @returns {Uint8Array}
 */
export function toBytes(data, what) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && data instanceof SharedArrayBuffer)) {
    return new Uint8Array(data);
  }
  throw new TypeError(`${what} must be a Uint8Array, an ArrayBuffer or a typed array view`);
}
