// Keeping the core healthy when a call into it does not return normally.
//
// The core is `panic = "abort"`: a Rust panic (or any exception thrown
// through its frames) unwinds straight to JS without running a destructor
// or an epilogue. That leaves the core's stack pointers low, the
// filesystem borrowed, and wasm-bindgen's reference and borrow on the
// object whose method was running (see src/bindings/panic.rs). The owners
// (MemFS, WASI, WASIp2) report such failures here; the repair waits until
// no call into the core is in progress, which is when no callback the core
// made (output, stdin) is running: only those run JS code that can call
// the core again while a core frame is on the stack. Until then the
// filesystem answers "busy" (EBUSY), rather than being released while a
// live frame may still hold it.
//
// Exceptions thrown by those callbacks never cross the core: the core gets
// them as an error result (the guest sees EIO, or EPIPE for a broken pipe)
// and `CallbackErrors` keeps the first one for the JS caller to rethrow.
import { resetCoreStack } from "./core.js";

/** Kinds of core objects (the hosts name theirs). @internal */
export const MEMFS_CORE = 0;
/** @internal */
export const WASI_CORE = 1;
/** @internal */
export const PREVIEW2_CORE = 2;

/** Core → JS callbacks in progress: while > 0 a core frame is on the stack. */
let depth = 0;
/** Set when a call into the core may have been abandoned since the last repair. */
let dirty = false;
/** Core objects a trap left referenced, to free. @type {Set<CoreObject>} */
const toFree = new Set();
/** MemFsCores whose filesystem a trap may have left borrowed. @type {Set<{ recoverAfterTrap(): boolean } & CoreObject>} */
const toRecover = new Set();

/** At most this many references of one object are given back (a guard against a wasm-bindgen that behaves otherwise). */
const MAX_REFERENCES = 64;

/**
 * A core object: a wasm-bindgen wrapper, whose `__wbg_ptr` is its address in
 * the core (0 once freed).
 * @typedef {{ free(): void }} CoreObject
 */

/**
 * A call into `object` was cut short by a trap (or an exception thrown
 * through the core): its owner no longer uses it, and it is freed as soon
 * as no call into the core is in progress.
 * @internal
 * @param {CoreObject} object
 */
export function abandon(object) {
  dirty = true;
  toFree.add(object);
  repair();
}

/**
 * A trap may have left the filesystem of `memfsCore` borrowed: it is
 * released as soon as no call into the core is in progress.
 * @internal
 * @param {{ recoverAfterTrap(): boolean } & CoreObject} memfsCore
 */
export function recoverFs(memfsCore) {
  dirty = true;
  toRecover.add(memfsCore);
  repair();
}

/** Repairs what failed calls left behind, if no call into the core is in progress. @internal */
export function repair() {
  if (depth !== 0 || !dirty) return;
  dirty = false;
  resetCoreStack();
  // The filesystems first: freeing a program's core closes its files in them.
  const filesystems = [...toRecover];
  toRecover.clear();
  for (const fs of filesystems) if (live(fs)) fs.recoverAfterTrap();
  const objects = [...toFree];
  toFree.clear();
  for (const object of objects) free(object);
  // Each refusal in free() was thrown through the core's frames.
  if (objects.length > 0) resetCoreStack();
}

/** @param {CoreObject} object */
function live(object) {
  const ptr = /** @type {{ __wbg_ptr?: unknown }} */ (object).__wbg_ptr;
  return typeof ptr === "number" && ptr !== 0;
}

/**
 * Frees `object`, whose calls cut short by traps still hold references to
 * it. wasm-bindgen's `free()` gives back one reference and throws while
 * others remain (each call in progress holds one); with no call in
 * progress those are all abandoned, so it is called until it stops
 * throwing. Nothing here reads wasm-bindgen's memory layout.
 * @param {CoreObject} object
 */
function free(object) {
  const holder = /** @type {{ __wbg_ptr: number }} */ (/** @type {unknown} */ (object));
  const ptr = holder.__wbg_ptr;
  if (!live(object)) return;
  for (let i = 0; i < MAX_REFERENCES; i++) {
    holder.__wbg_ptr = ptr;
    try {
      object.free();
      return;
    } catch (error) {
      if (error instanceof WebAssembly.RuntimeError || error instanceof RangeError) {
        // Dropping it trapped (in a destructor): it stays allocated.
        dirty = true;
        return;
      }
      // One reference given back; more remain.
    }
  }
}

/**
 * Runs `f`, a callback the core makes into user code (besides output and
 * stdin, which `CallbackErrors` wraps), counted as one: while it runs a
 * core frame is live and nothing a trap left is released.
 * @internal
 * @template T
 * @param {() => T} f
 * @returns {T}
 */
export function inCallback(f) {
  depth++;
  try {
    return f();
  } finally {
    depth--;
  }
}

/** What a sink function returns for a closed stream (a broken pipe): the guest gets EPIPE. */
const CLOSED = true;

/**
 * Wraps the JS callbacks one program's core calls (its output sinks and its
 * stdin), and keeps the first exception they throw, for `rethrow()`.
 * @internal
 */
export class CallbackErrors {
  #failed = false;
  /** @type {unknown} */
  #error = undefined;

  /**
   * The function the core writes output to. A sink that throws an Error
   * whose `code` is "EPIPE" (as node:fs does for a closed pipe) closes the
   * stream: the guest gets EPIPE, now and on every later write.
   * @param {(chunk: Uint8Array) => unknown} write
   * @returns {(chunk: Uint8Array) => unknown}
   */
  sink(write) {
    let closed = false;
    return (chunk) => {
      if (closed) return CLOSED;
      depth++;
      try {
        return write(chunk);
      } catch (error) {
        if (/** @type {{ code?: unknown } | null | undefined} */ (error)?.code === "EPIPE") {
          closed = true;
          return CLOSED;
        }
        this.#keep(error);
        throw error;
      } finally {
        depth--;
      }
    };
  }

  /**
   * The stdin source the core reads from (`(max) => bytes | null | undefined`).
   * @template T
   * @param {(max: number) => T} read
   * @returns {(max: number) => T}
   */
  source(read) {
    return (max) => {
      depth++;
      try {
        return read(max);
      } catch (error) {
        this.#keep(error);
        throw error;
      } finally {
        depth--;
      }
    };
  }

  /** @param {unknown} error */
  #keep(error) {
    if (this.#failed) return;
    this.#failed = true;
    this.#error = error;
  }

  /** Throws what a callback threw since the last call, if anything. */
  rethrow() {
    if (!this.#failed) return;
    const error = this.#error;
    this.#failed = false;
    this.#error = undefined;
    throw error;
  }
}
