// JSPI (WebAssembly JavaScript Promise Integration), which TypeScript's
// lib does not declare yet: async mode uses it where the engine has it
// (Chromium 137+, Node 24+); js/options.js checks before any use.
declare namespace WebAssembly {
  /** Wraps an import that may return a Promise: the calling wasm suspends until it settles. */
  class Suspending {
    constructor(fn: (...args: any[]) => unknown);
  }
  /** Wraps an export so that calling it returns a Promise (the wasm may suspend). */
  function promising<F extends (...args: any[]) => unknown>(fn: F): (...args: Parameters<F>) => Promise<ReturnType<F>>;
}
