// Stdin from the page to a guest running in a worker, over a
// SharedArrayBuffer: a ring of bytes plus a header the two sides update
// with Atomics. The worker blocks in Atomics.wait; the page never blocks.
// The page also asks the worker to stop through it (AbortSignal).

const SEQ = 0; // bumped by the page on every push or end; the worker waits on it
const ENDED = 1;
const WRITTEN = 2; // total bytes written (wraps at 2^31, compared by difference)
const READ = 3; // total bytes read
const STOP = 4; // set by the page: end the program at its next call or wait
const WAKE = 5; // the worker's sleeps wait on it; the page sets it to cut them short
const SLOTS = 8;
const HEADER = SLOTS * 4;
const CAPACITY = 64 * 1024;

/** Thrown in the worker, at a WASI call or inside a wait, once the page asked it to stop. */
export class StopRequested extends Error {
  constructor() {
    super("the page asked the program to stop");
    this.name = "StopRequested";
  }
}

export function createChannel() {
  return new SharedArrayBuffer(HEADER + CAPACITY);
}

/** The page's end: write() may take only part of the data when the ring is full. */
export class ChannelWriter {
  #h;
  #ring;
  /** @param {SharedArrayBuffer} sab */
  constructor(sab) {
    this.#h = new Int32Array(sab, 0, SLOTS);
    this.#ring = new Uint8Array(sab, HEADER, CAPACITY);
  }

  /** Asks the worker to stop: wakes its waits, and its next WASI call throws StopRequested. */
  stop() {
    Atomics.store(this.#h, STOP, 1);
    Atomics.store(this.#h, WAKE, 1);
    Atomics.notify(this.#h, WAKE);
    this.#wake();
  }

  /**
   * Copies as much of `bytes` as fits; returns how many bytes it took.
   * @param {Uint8Array} bytes
   * @returns {number}
   */
  write(bytes) {
    const h = this.#h;
    const w = Atomics.load(h, WRITTEN);
    const free = CAPACITY - ((w - Atomics.load(h, READ)) | 0);
    const n = Math.min(free, bytes.length);
    for (let i = 0; i < n; i++) this.#ring[(w + i) % CAPACITY] = bytes[i];
    if (n > 0) {
      Atomics.store(h, WRITTEN, (w + n) | 0);
      this.#wake();
    }
    return n;
  }

  end() {
    Atomics.store(this.#h, ENDED, 1);
    this.#wake();
  }

  #wake() {
    Atomics.add(this.#h, SEQ, 1);
    Atomics.notify(this.#h, SEQ);
  }
}

/** The worker's end: a stdin source for the core plus the blocking hook. */
export class ChannelReader {
  #h;
  #ring;
  #seenSeq = 0;
  /** @param {SharedArrayBuffer} sab */
  constructor(sab) {
    this.#h = new Int32Array(sab, 0, SLOTS);
    this.#ring = new Uint8Array(sab, HEADER, CAPACITY);
  }

  /** Whether the page asked the program to stop. */
  get stopRequested() {
    return Atomics.load(this.#h, STOP) !== 0;
  }

  /** Throws StopRequested if the page asked the program to stop. */
  checkStop() {
    if (Atomics.load(this.#h, STOP) !== 0) throw new StopRequested();
  }

  /**
   * Up to `max` bytes; null at end of input; undefined when none yet.
   * @param {number} max
   * @returns {Uint8Array | null | undefined}
   */
  read(max) {
    const h = this.#h;
    // Read the sequence number first: a push after this wakes block().
    this.#seenSeq = Atomics.load(h, SEQ);
    const r = Atomics.load(h, READ);
    const available = (Atomics.load(h, WRITTEN) - r) | 0;
    if (available === 0) return Atomics.load(h, ENDED) ? null : undefined;
    const n = Math.min(available, max);
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#ring[(r + i) % CAPACITY];
    Atomics.store(h, READ, (r + n) | 0);
    return out;
  }

  /**
   * Blocks up to `ms` (ms < 0: no limit), waking early for input if
   * `input`, and throws StopRequested when the page asks the program to
   * stop. (Atomics.wait takes any timeout: no 2^31 ms limit as in setTimeout.)
   * The throw unwinds the core call that waits; the worker then only
   * collects the program's files.
   * @param {number} ms
   * @param {boolean} input
   */
  block(ms, input) {
    this.checkStop();
    const timeout = ms < 0 ? Infinity : ms;
    if (input) Atomics.wait(this.#h, SEQ, this.#seenSeq, timeout);
    else Atomics.wait(this.#h, WAKE, 0, timeout);
    this.checkStop();
  }
}
