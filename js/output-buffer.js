import { decoder, FLUSH, WRITE } from "./internal.js";

/**
 * Collected output of a stream opened with `stdout: "buffer"` (or
 * `stderr: "buffer"`): `wasi.stdout.text()`, `wasi.stdout.bytes()`.
 * It keeps growing across runs until `clear()`.
 */
export class OutputBuffer {
  #bytes = new Uint8Array(0);
  #length = 0;

  constructor() {
    /** @internal the core's callback: copies the chunk, which is only valid during the call */
    this[WRITE] = (chunk) => this.#append(chunk);
  }

  #append(chunk) {
    const end = this.#length + chunk.length;
    if (end > this.#bytes.length) {
      const grown = new Uint8Array(Math.max(end, this.#bytes.length * 2, 256));
      grown.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = grown;
    }
    this.#bytes.set(chunk, this.#length);
    this.#length = end;
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
  }

  /** @internal */
  [FLUSH]() {}
}
