// Symbols shared between the modules of this package; not part of the API.

/** The MemFsCore behind a MemFS. */
export const CORE = Symbol("wasi-web.core");
/** The function an output sink gives the core. */
export const WRITE = Symbol("wasi-web.write");
/** Flushes a sink at the end of a run. */
export const FLUSH = Symbol("wasi-web.flush");

export const encoder = new TextEncoder();
export const decoder = new TextDecoder();

/** Views any binary input as a Uint8Array (no copy). */
export function toBytes(data, what) {
  if (data instanceof Uint8Array) return data;
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (data instanceof ArrayBuffer || (typeof SharedArrayBuffer === "function" && data instanceof SharedArrayBuffer)) {
    return new Uint8Array(data);
  }
  throw new TypeError(`${what} must be a Uint8Array, an ArrayBuffer or a typed array view`);
}
