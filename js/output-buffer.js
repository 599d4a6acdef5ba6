import { decoder, FLUSH, WRITE } from "./internal.js";

/** The default of `maxBufferBytes`: 64 MiB per buffered stream. */
export const DEFAULT_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

/**
 * Collected output of a stream opened with `stdout: "buffer"` (or
 * `stderr: "buffer"`): `wasi.stdout.text()`, `wasi.stdout.bytes()`.
 * It keeps growing across runs until `clear()`, up to `maxBytes` (the
 * `maxBufferBytes` option): past that, the guest's writes fail with EIO
 * (a stream error in WASI 0.2), the bytes that fit are kept, and
 * `truncated` is true.
 */
export class OutputBuffer {
  #bytes = new Uint8Array(0);
  #length = 0;
  #max;
  #truncated = false;

  /** @internal the core's callback: copies the chunk, which is only valid during the call */
  [WRITE] = (/** @type {Uint8Array} */ chunk) => this.#append(chunk);

  /** @param {number} [maxBytes] */
  constructor(maxBytes = DEFAULT_MAX_BUFFER_BYTES) {
    this.#max = maxBytes;
  }

  /**
   * Returns undefined, or why not all of `chunk` was taken (the core's sink protocol).
   * @param {Uint8Array} chunk
   * @returns {string | undefined}
   */
  #append(chunk) {
    const room = this.#max - this.#length;
    const taken = chunk.length <= room ? chunk : chunk.subarray(0, room);
    const end = this.#length + taken.length;
    if (end > this.#bytes.length) {
      // Doubling, but never past the cap: 1.5 GB of output once took 3 GiB.
      const grown = new Uint8Array(Math.min(this.#max, Math.max(end, this.#bytes.length * 2, 256)));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(taken, this.#length);
    this.#length = end;
    if (taken === chunk) return undefined;
    this.#truncated = true;
    return `the output buffer is full (maxBufferBytes: ${this.#max})`;
  }

  /** The most bytes it holds (`maxBufferBytes`). */
  get maxBytes() {
    return this.#max;
  }

  /** Whether output was refused because the buffer was full (until `clear()`). */
  get truncated() {
    return this.#truncated;
  }

  /** Number of bytes collected. */
  get length() {
    return this.#length;
  }

  /** A copy of the bytes collected. @returns {Uint8Array} */
  bytes() {
    return this.#bytes.slice(0, this.#length);
  }

  /** The bytes collected, decoded as UTF-8 (invalid sequences become U+FFFD). */
  text() {
    return decoder.decode(this.#bytes.subarray(0, this.#length));
  }

  /** Forgets what was collected. */
  clear() {
    this.#bytes = new Uint8Array(0);
    this.#length = 0;
    this.#truncated = false;
  }

  /** @internal */
  [FLUSH]() {}
}
