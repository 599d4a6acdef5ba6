/**
 * Thrown by the `proc_exit` import to unwind the guest's stack; `start()`
 * catches it and returns the code. Not exported from the package: code that
 * calls a reactor's exports directly may see it, with `exitCode` set.
 */
export class WASIExit extends Error {
  /** @param {number} exitCode @param {object} owner the WASI that threw it */
  constructor(exitCode, owner) {
    super(`wasi-web: the program exited with code ${exitCode}`);
    this.name = "WASIExit";
    this.exitCode = exitCode;
    /** @internal */
    this.owner = owner;
  }
}
