// Host hooks imported by the Rust core (a wasm-bindgen snippet).
// They copy bytes between the guest's memory and the core's own memory in
// one call, and read the host's clocks and randomness. The guest-memory
// hooks catch what they throw themselves and report it in their result
// (src/bindings/host.rs), which the core turns into EFAULT for the guest
// and the exception (`take_hook_error`) for the JS caller: nothing unwinds
// through the core's frames. (wasm-bindgen's `catch` imports do the same
// with a closure and an `arguments` object per call, on the hottest path.)

/** @type {WebAssembly.Memory | null} */
let coreMemory = null;
/** @type {Uint8Array<ArrayBuffer>} The core's memory is never shared (getRandomValues refuses shared views). */
let coreView = new Uint8Array(0);
/** @type {WebAssembly.Memory | null} */
let lastGuest = null;
/** @type {Uint8Array} */
let guestView = new Uint8Array(0);

/** @param {WebAssembly.Memory} memory */
export function set_core_memory(memory) {
  coreMemory = memory;
}

// Views are cached and rebuilt only when they are too short for the bytes
// asked for, which is cheaper than reading `memory.buffer` on every call.
// `memory.grow` detaches an ordinary memory's old buffer (its views then
// have length 0), but a shared memory's old SharedArrayBuffer stays attached
// at its old length: comparing against the end of the access catches both.
// (The core has bounds-checked the access against the memory's real size.)
/** @param {number} end */
function core(end) {
  // set_core_memory runs when the core starts, before any hook can be called.
  if (coreView.byteLength < end) coreView = new Uint8Array(/** @type {WebAssembly.Memory} */ (coreMemory).buffer);
  return coreView;
}

/** @param {WebAssembly.Memory} memory @param {number} end */
function guest(memory, end) {
  if (memory !== lastGuest || guestView.byteLength < end) {
    // Remembered only once viewed: a memory that cannot be viewed is
    // asked (and throws) again next time.
    guestView = new Uint8Array(memory.buffer);
    lastGuest = memory;
  }
  return guestView;
}

/** Forgets the cached guest view, so a finished guest's memory can be freed. */
export function forget_guest() {
  lastGuest = null;
  guestView = new Uint8Array(0);
}

/** What the last guest-memory hook that failed threw, until the core takes it. */
/** @type {unknown} */
let hookError;

/**
 * Keeps what a hook threw for `take_hook_error`; the hook's failure status.
 * @param {unknown} error
 */
function failed(error) {
  hookError = error;
  return 1;
}

/** What the last failed hook threw, once. */
export function take_hook_error() {
  const error = hookError;
  hookError = undefined;
  return error;
}

/**
 * The memory's size in bytes, or -1 when asking threw.
 * @param {WebAssembly.Memory} memory
 */
export function guest_size(memory) {
  try {
    return memory.buffer.byteLength;
  } catch (error) {
    failed(error);
    return -1;
  }
}

/**
 * Copies guest[g, g+len) to core[c, c+len): 0, or 1 when it threw.
 * @param {WebAssembly.Memory} memory @param {number} g @param {number} len @param {number} c
 */
export function guest_read(memory, g, len, c) {
  try {
    const from = guest(memory, g + len);
    const to = core(c + len);
    if (len <= 16) {
      for (let i = 0; i < len; i++) to[c + i] = from[g + i];
    } else {
      to.set(from.subarray(g, g + len), c);
    }
    return 0;
  } catch (error) {
    return failed(error);
  }
}

/**
 * Copies core[c, c+len) to guest[g, g+len): 0, or 1 when it threw.
 * @param {WebAssembly.Memory} memory @param {number} g @param {number} c @param {number} len
 */
export function guest_write(memory, g, c, len) {
  try {
    const to = guest(memory, g + len);
    const from = core(c + len);
    if (len <= 16) {
      for (let i = 0; i < len; i++) to[g + i] = from[c + i];
    } else {
      to.set(from.subarray(c, c + len), g);
    }
    return 0;
  } catch (error) {
    return failed(error);
  }
}

/**
 * Fills guest[g, g+len) with `byte`: 0, or 1 when it threw.
 * @param {WebAssembly.Memory} memory @param {number} g @param {number} len @param {number} byte
 */
export function guest_fill(memory, g, len, byte) {
  try {
    guest(memory, g + len).fill(byte, g, g + len);
    return 0;
  } catch (error) {
    return failed(error);
  }
}

/**
 * Stores `len` (4 or 8) bytes little-endian at guest[g]: `lo`, then `hi`
 * (the core's u32 and u64 out-values): 0, or 1 when it threw.
 * @param {WebAssembly.Memory} memory @param {number} g @param {number} lo @param {number} hi @param {number} len
 */
export function guest_put(memory, g, lo, hi, len) {
  try {
    const to = guest(memory, g + len);
    to[g] = lo;
    to[g + 1] = lo >>> 8;
    to[g + 2] = lo >>> 16;
    to[g + 3] = lo >>> 24;
    if (len === 8) {
      to[g + 4] = hi;
      to[g + 5] = hi >>> 8;
      to[g + 6] = hi >>> 16;
      to[g + 7] = hi >>> 24;
    }
    return 0;
  } catch (error) {
    return failed(error);
  }
}

const encoder = new TextEncoder();

/**
 * Encodes `s` as UTF-8 into core[c, c+cap): the byte length, or -1 when it
 * does not fit (the core then copies it to its heap instead).
 * @param {string} s @param {number} c @param {number} cap
 */
export function encode_into(s, c, cap) {
  const { read, written } = encoder.encodeInto(s, core(c + cap).subarray(c, c + cap));
  return read === s.length ? written : -1;
}

/**
 * Fills core[c, c+len) with secure random bytes (getRandomValues takes 64 KiB at most).
 * @param {number} c @param {number} len
 */
export function random_fill(c, len) {
  const view = core(c + len);
  for (let off = 0; off < len; off += 65536) {
    const n = Math.min(65536, len - off);
    globalThis.crypto.getRandomValues(view.subarray(c + off, c + off + n));
  }
}

// A module-level reference: looking `performance` up on the global object
// on every call costs ~1 µs in Chromium, five times the call itself.
const perf = globalThis.performance;

export function perf_now() {
  return perf.now();
}

// Constant for the life of the page or process: read once.
const origin = perf.timeOrigin;

export function time_origin() {
  return origin;
}

/**
 * Calls worker mode's `block(ms, input)` hook, which the program's options
 * gave the core (js/worker/channel.js): it waits on a SharedArrayBuffer with
 * Atomics.wait until `ms` pass (ms < 0: no limit) or, when `input` is true,
 * stdin data arrives from the page. It throws when the page stops the
 * program; the exception unwinds the core call it is in.
 * @param {(ms: number, input: boolean) => void} hook @param {number} ms @param {boolean} input
 */
export function block_with(hook, ms, input) {
  hook(ms, input);
}

/** @type {Int32Array | null} */
let sleepCell = null;

/**
 * Blocks for `ms`. Atomics.wait really sleeps where it is allowed (Node,
 * workers); a browser's main thread forbids it, so there we spin.
 * @param {number} ms
 */
export function sleep_ms(ms) {
  if (!(ms > 0)) return;
  try {
    if (sleepCell === null) sleepCell = new Int32Array(new SharedArrayBuffer(4));
    Atomics.wait(sleepCell, 0, 0, ms);
    return;
  } catch {
    sleepCell = null;
  }
  const end = performance.now() + ms;
  while (performance.now() < end) {
    /* spin */
  }
}
