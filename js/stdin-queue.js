import { encoder, toBytes } from "./internal.js";

/**
 * Stdin that arrives while the program runs: `push(bytes)` data, `end()`
 * the stream. In async mode (JSPI) a read with nothing queued suspends the
 * program until the next push; in sync mode it gets EAGAIN.
 *
 * ```js
 * const stdin = new StdinQueue();
 * const done = run(bytes, { async: true, stdin });
 * stdin.push("1 + 1\n");
 * stdin.end();
 * ```
 */
export class StdinQueue {
  /** @type {Uint8Array[]} */
  #chunks = [];
  #ended = false;
  /** @type {(() => void)[]} */
  #waiters = [];

  /**
   * A queue fed from a ReadableStream or an (async) iterable of strings or bytes.
   * @param {ReadableStream | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>} source
   */
  static from(source) {
    const queue = new StdinQueue();
    const pump = async () => {
      try {
        if (typeof ReadableStream !== "undefined" && source instanceof ReadableStream) {
          const reader = source.getReader();
          for (;;) {
            const { done, value } = await reader.read();
            if (done) break;
            queue.push(value);
          }
        } else {
          for await (const chunk of source) queue.push(chunk);
        }
      } finally {
        queue.end();
      }
    };
    pump().catch(() => queue.end());
    return queue;
  }

  /** Queues data; a waiting read wakes up. @param {string | Uint8Array | ArrayBuffer} data */
  push(data) {
    if (this.#ended) throw new Error("StdinQueue: push() after end()");
    const bytes = typeof data === "string" ? encoder.encode(data) : toBytes(data, "stdin data");
    if (bytes.length > 0) this.#chunks.push(bytes.slice());
    this.#wake();
  }

  /** Ends the stream: reads return end-of-file once the queue is drained. */
  end() {
    this.#ended = true;
    this.#wake();
  }

  get ended() {
    return this.#ended;
  }

  /**
   * Up to `max` bytes; `null` at end of file; `undefined` when nothing is
   * queued yet (the core then waits or says EAGAIN).
   * @param {number} max
   * @returns {Uint8Array | null | undefined}
   */
  read(max) {
    const head = this.#chunks[0];
    if (head === undefined) return this.#ended ? null : undefined;
    if (head.length <= max) {
      this.#chunks.shift();
      return head;
    }
    this.#chunks[0] = head.subarray(max);
    return head.subarray(0, max);
  }

  /** Resolves at the next push() or end(). @returns {Promise<void>} */
  wait() {
    if (this.#chunks.length > 0 || this.#ended) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  #wake() {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve();
  }
}
