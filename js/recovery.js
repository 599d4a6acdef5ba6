// Keeping the core healthy when a call into it does not return normally.
//
// The core is `panic = "abort"`: a Rust panic (or any exception thrown
// through its frames) unwinds straight to JS without running a destructor
// or an epilogue. That leaves the core's shadow-stack pointer low, the
// filesystem borrowed, and wasm-bindgen's borrow and reference count on the
// object whose method was running (see src/bindings/panic.rs). The owners
// (MemFS, WASI, WASIp2) report such failures here; the repair waits until
// no call into the core is in progress, which is when no callback the core
// made (output, stdin) is running: only those run JS code that can call
// the core again while a core frame is on the stack.
//
// Exceptions thrown by those callbacks never cross the core: the core gets
// them as an error result (the guest sees EIO, or EPIPE for a broken pipe)
// and `CallbackErrors` keeps the first one for the JS caller to rethrow.
import { MemFsCore, resetCoreStack } from "./core.js";

/** Kinds of core objects, as `MemFsCore.releaseAbandoned` takes them. @internal */
export const MEMFS_CORE = 0;
/** @internal */
export const WASI_CORE = 1;
/** @internal */
export const PREVIEW2_CORE = 2;

/** Core → JS callbacks in progress: while > 0 a core frame is on the stack. */
let depth = 0;
/** Set when a call into the core may have been abandoned since the last repair. */
let dirty = false;
/** Core objects to repair: object → [kind, free it too]. @type {Map<CoreObject, [number, boolean]>} */
const pending = new Map();

/**
 * A core object: a wasm-bindgen wrapper, whose `__wbg_ptr` is its address in
 * the core (0 once freed).
 * @typedef {{ free(): void }} CoreObject
 */

/**
 * A call into `object` (a core object of `kind`) may have been abandoned by
 * a trap or an exception. Its stray references are released, and with
 * `free` the object is freed (its owner no longer uses it), as soon as no
 * call into the core is in progress.
 * @internal
 * @param {CoreObject | null | undefined} object
 * @param {number} kind MEMFS_CORE, WASI_CORE or PREVIEW2_CORE
 */
export function afterTrap(object, kind, free = false) {
  dirty = true;
  if (object != null) pending.set(object, [kind, free || pending.get(object)?.[1] === true]);
  repair();
}

/**
 * Whether a call into `object` was abandoned, after an exception came out
 * of code that may have called it. Exact when no call into the core is in
 * progress (the object then holds no reference but its JS wrapper's);
 * otherwise `stuck()` says (a `&mut self` method's borrow is still held).
 * @internal
 * @param {CoreObject} object
 * @param {number} kind
 * @param {() => boolean} stuck
 */
export function wasAbandoned(object, kind, stuck) {
  if (depth === 0) {
    dirty = true;
    return release(object, kind) > 0;
  }
  return stuck();
}

/** Repairs what failed calls left behind, if no call into the core is in progress. @internal */
export function repair() {
  if (depth !== 0 || !dirty) return;
  dirty = false;
  resetCoreStack();
  const objects = [...pending];
  pending.clear();
  for (const [object, [kind, free]] of objects) {
    release(object, kind);
    if (free) {
      try {
        object.free();
      } catch {
        // Dropping it failed (a trap in a destructor): it stays allocated.
        dirty = true;
        resetCoreStack();
      }
    }
  }
}

/**
 * @param {CoreObject} object
 * @param {number} kind
 */
function release(object, kind) {
  const ptr = /** @type {{ __wbg_ptr?: unknown }} */ (object).__wbg_ptr;
  return typeof ptr === "number" && ptr !== 0 ? MemFsCore.releaseAbandoned(kind, ptr) : 0;
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
