import { encoder, toBytes } from "./internal.js";

/** @param {string | Uint8Array | ArrayBuffer} value */
function asBytes(value) {
  return typeof value === "string" ? encoder.encode(value) : toBytes(value, "stdin data");
}

/**
 * Turns the `stdin` option into what the core takes: a Uint8Array (all of
 * stdin), or a function `(max) => Uint8Array | null` where null or an empty
 * array is end of file.
 *
 * A user callback may return a string or more than `max` bytes; the rest is
 * kept for the next read.
 *
 * @param {undefined | null | string | Uint8Array | ArrayBuffer | ((max: number) => Uint8Array | string | null | undefined)} stdin
 * @returns {Uint8Array | ((max: number) => Uint8Array | null)}
 */
export function stdinSource(stdin) {
  if (stdin == null) return new Uint8Array(0);
  if (typeof stdin === "string") return encoder.encode(stdin);
  if (typeof stdin !== "function") return toBytes(stdin, "stdin");
  /** @type {Uint8Array | null} */
  let pending = null;
  return (max) => {
    if (pending === null) {
      const value = stdin(max);
      if (value == null) return null;
      pending = asBytes(value);
      if (pending.length === 0) {
        pending = null;
        return null;
      }
    }
    if (pending.length <= max) {
      const chunk = pending;
      pending = null;
      return chunk;
    }
    const chunk = pending.subarray(0, max);
    pending = pending.subarray(max);
    return chunk;
  };
}
