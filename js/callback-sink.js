import { FLUSH, WRITE } from "./internal.js";

/**
 * Hands each chunk of output to a user callback. The core's chunk lives in
 * its own memory and is only valid during the call, so the callback gets a
 * copy it may keep.
 */
export class CallbackSink {
  /**
   * @internal
   * @type {(chunk: Uint8Array) => void}
   */
  [WRITE];

  /** @param {(chunk: Uint8Array) => void} callback */
  constructor(callback) {
    this[WRITE] = (/** @type {Uint8Array} */ chunk) => {
      callback(chunk.slice());
    };
  }

  /** @internal */
  [FLUSH]() {}
}
