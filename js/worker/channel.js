// Stdin from the page to a guest running in a worker, over a
// SharedArrayBuffer: a ring of bytes plus a header the two sides update
// with Atomics. The worker blocks in Atomics.wait; the page never blocks.

const SEQ = 0; // bumped by the page on every push or end; the worker waits on it
const ENDED = 1;
const WRITTEN = 2; // total bytes written (wraps at 2^31, compared by difference)
const READ = 3; // total bytes read
const HEADER = 16;
const CAPACITY = 64 * 1024;

export function createChannel() {
  return new SharedArrayBuffer(HEADER + CAPACITY);
}

/** The page's end: write() may take only part of the data when the ring is full. */
export class ChannelWriter {
  #h;
  #ring;
  /** @param {SharedArrayBuffer} sab */
  constructor(sab) {
    this.#h = new Int32Array(sab, 0, 4);
    this.#ring = new Uint8Array(sab, HEADER, CAPACITY);
  }

  /** Copies as much of `bytes` as fits; returns how many bytes it took. */
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
  #sleepCell = new Int32Array(new SharedArrayBuffer(4));
  /** @param {SharedArrayBuffer} sab */
  constructor(sab) {
    this.#h = new Int32Array(sab, 0, 4);
    this.#ring = new Uint8Array(sab, HEADER, CAPACITY);
  }

  /** Up to `max` bytes; null at end of input; undefined when none yet. */
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

  /** Blocks up to `ms` (ms < 0: no limit), waking early for input if `input`. */
  block(ms, input) {
    const timeout = ms < 0 ? Infinity : ms;
    if (input) Atomics.wait(this.#h, SEQ, this.#seenSeq, timeout);
    else if (timeout !== Infinity) Atomics.wait(this.#sleepCell, 0, 0, timeout);
  }
}
