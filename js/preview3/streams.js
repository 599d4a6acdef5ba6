// The bridge between JS byte sources and the component model's streams and
// futures as jco 1.35 (`--async-mode jspi`) hands them to host functions:
// a stream<u8> the guest writes arrives as jco's `Stream` (read it with
// `chunksOf`); a stream the host returns is any async iterable, which jco
// pulls one item per guest read (that pull is the backpressure); a future
// is a Promise. wasi:cli, wasi:filesystem and wasi:http (js/http/) use these.
import { signalOption } from "../waiting.js";

/** The largest chunk moved in one step either way (as wasmtime's 64 KiB). */
export const CHUNK_BYTES = 65536;

const symbolDispose = Symbol.dispose ?? Symbol.for("dispose");

/**
 * `result::ok` as jco expects it from a host function.
 * @template T
 * @param {T} [val]
 */
export const ok = (val) => ({ tag: /** @type {const} */ ("ok"), val });

/**
 * `result::err` as jco expects it from a host function.
 * @template E
 * @param {E} val
 */
export const err = (val) => ({ tag: /** @type {const} */ ("err"), val });

/**
 * @param {unknown} options
 * @returns {number}
 */
function chunkOption(options) {
  const n = /** @type {{ chunkBytes?: unknown } | undefined} */ (options)?.chunkBytes;
  if (n === undefined) return CHUNK_BYTES;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new TypeError(`chunkBytes must be a positive integer, got ${String(n)}`);
  }
  return n;
}

/**
 * One item a byte source gave, as bytes.
 * @param {unknown} value
 * @returns {Uint8Array}
 */
export function toChunk(value) {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  if (typeof value === "string") return new TextEncoder().encode(value);
  if (Array.isArray(value)) return Uint8Array.from(value);
  throw new TypeError(`a byte stream gave ${value === null ? "null" : typeof value}, not bytes`);
}

/**
 * Throws a TypeError unless `stream` is a stream<u8> the guest writes (jco's
 * `Stream`): host functions check it at the call, since chunksOf, a
 * generator, would only see it at its first read.
 * @param {unknown} stream
 */
export function guestStream(stream) {
  const s = /** @type {{ read?: unknown } | null} */ (stream);
  if (s === null || typeof s !== "object" || typeof s.read !== "function") {
    throw new TypeError("expected a stream<u8> from the component");
  }
}

/**
 * Reads a stream<u8> the guest writes (jco's lifted `Stream`), as chunks
 * of at most `chunkBytes`. Ends when the guest drops its end; leaving the
 * loop early or an error drops the host's end, so the guest's next write
 * sees the stream closed. It also ends when `signal` aborts (a WASIp3's
 * `runSignal`): a guest that exits never drops its end, and jco polls a
 * pending read (a 1 ms timer) until it does; dropping the host's end ends
 * that read.
 * @param {{ read(opts: { count: number }): Promise<{ value?: unknown, done?: boolean }> }} stream
 * @param {{ chunkBytes?: number, signal?: AbortSignal }} [options]
 * @returns {AsyncGenerator<Uint8Array, void, void>}
 */
export async function* chunksOf(stream, options) {
  const count = chunkOption(options);
  guestStream(stream);
  const signal = signalOption(options?.signal);
  const drop = () => /** @type {{ [symbolDispose]?: () => void }} */ (stream)[symbolDispose]?.();
  signal?.addEventListener("abort", drop, { once: true });
  try {
    for (;;) {
      if (signal?.aborted) return;
      // count >= 2: jco gives one item, not a list, for a read of 1.
      const { value, done } = await stream.read({ count: Math.max(count, 2) });
      if (value !== undefined) {
        const chunk = toChunk(value);
        if (chunk.byteLength > 0) yield chunk;
      }
      if (done) return;
    }
  } finally {
    signal?.removeEventListener("abort", drop);
    drop();
  }
}

/**
 * A stream<u8> from the guest as a ReadableStream of Uint8Array chunks (a
 * fetch() request body); cancelling it drops the host's end.
 * @param {Parameters<typeof chunksOf>[0]} stream
 * @param {{ chunkBytes?: number, signal?: AbortSignal }} [options]
 * @returns {ReadableStream<Uint8Array>}
 */
export function readableOf(stream, options) {
  const chunks = chunksOf(stream, options);
  return new ReadableStream({
    async pull(controller) {
      const { value, done } = await chunks.next();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/**
 * Whether iteratorOf can read `source`.
 * @param {unknown} source
 */
function isByteSource(source) {
  if (source instanceof Uint8Array || typeof source === "string" || source instanceof ArrayBuffer) return true;
  const s = /** @type {any} */ (source);
  return (
    s !== null &&
    typeof s === "object" &&
    (typeof s[Symbol.asyncIterator] === "function" || typeof s.getReader === "function" || typeof s[Symbol.iterator] === "function")
  );
}

/**
 * @param {unknown} source
 * @returns {AsyncIterator<unknown> | Iterator<unknown>}
 */
function iteratorOf(source) {
  if (source instanceof Uint8Array || typeof source === "string" || source instanceof ArrayBuffer) {
    return [source][Symbol.iterator]();
  }
  const s = /** @type {any} */ (source);
  if (s !== null && typeof s === "object") {
    if (typeof s[Symbol.asyncIterator] === "function") return s[Symbol.asyncIterator]();
    // A ReadableStream without async iteration (older Safari).
    if (typeof s.getReader === "function") {
      const reader = s.getReader();
      return {
        next: () => reader.read(),
        return: async () => {
          await reader.cancel();
          return { done: true, value: undefined };
        },
      };
    }
    if (typeof s[Symbol.iterator] === "function") return s[Symbol.iterator]();
  }
  throw new TypeError("a byte source must be a ReadableStream, an (async) iterable of bytes, a Uint8Array or a string");
}

/**
 * JS bytes as the value a host function returns for a stream<u8> result:
 * an async iterable that jco pulls as the guest reads. Chunks pass through
 * whole (cut to `chunkBytes`); nothing is read from `source` before the
 * guest asks. `onEnd(error?)` runs once when the source ends (no argument)
 * or throws (the error, which also ends the stream: the guest sees it
 * closed); `onCancel()` once if the guest drops its end first.
 * @param {unknown} source
 * @param {{ chunkBytes?: number, onEnd?: (error?: unknown) => void, onCancel?: () => void }} [options]
 * @returns {AsyncIterable<Uint8Array> & AsyncIterator<Uint8Array>}
 */
export function byteStream(source, options = {}) {
  const max = chunkOption(options);
  if (!isByteSource(source)) {
    throw new TypeError("a byte source must be a ReadableStream, an (async) iterable of bytes, a Uint8Array or a string");
  }
  /** @type {AsyncIterator<unknown> | Iterator<unknown> | null} */
  let it = null;
  /** @type {Uint8Array | null} */
  let rest = null;
  let finished = false;
  /** @param {[unknown] | []} failure */
  const end = (...failure) => {
    if (finished) return;
    finished = true;
    if (failure.length > 0) options.onEnd?.(failure[0]);
    else options.onEnd?.();
  };
  /** @type {AsyncIterable<Uint8Array> & AsyncIterator<Uint8Array>} */
  const stream = {
    [Symbol.asyncIterator]() {
      return stream;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      try {
        while (rest === null) {
          it ??= iteratorOf(source);
          const r = await it.next();
          if (r.done) {
            end();
            return { done: true, value: undefined };
          }
          const chunk = toChunk(r.value);
          if (chunk.byteLength > 0) rest = chunk;
        }
      } catch (error) {
        end(error);
        return { done: true, value: undefined };
      }
      const chunk = rest.byteLength > max ? rest.subarray(0, max) : rest;
      rest = rest.byteLength > max ? rest.subarray(max) : null;
      return { done: false, value: chunk };
    },
    async return() {
      if (!finished) {
        finished = true;
        options.onCancel?.();
        try {
          await it?.return?.();
        } catch {
          // The source's own cleanup failing changes nothing for the guest.
        }
      }
      return { done: true, value: undefined };
    },
  };
  return stream;
}

/**
 * A stream whose items come from `pull()` (undefined ends it), for host
 * streams of non-byte items (directory entries) and of bytes read from the
 * core; `onReturn()` runs once if the guest drops its end before the end.
 * @template T
 * @param {() => Promise<T | undefined> | T | undefined} pull
 * @param {() => void} [onReturn]
 * @returns {AsyncIterable<T> & AsyncIterator<T>}
 */
export function pulledStream(pull, onReturn) {
  let finished = false;
  /** @type {AsyncIterable<T> & AsyncIterator<T>} */
  const stream = {
    [Symbol.asyncIterator]() {
      return stream;
    },
    async next() {
      if (finished) return { done: true, value: undefined };
      const value = await pull();
      if (value === undefined) {
        finished = true;
        return { done: true, value: undefined };
      }
      return { done: false, value };
    },
    async return() {
      if (!finished) {
        finished = true;
        onReturn?.();
      }
      return { done: true, value: undefined };
    },
  };
  return stream;
}
