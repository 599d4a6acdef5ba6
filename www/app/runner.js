// The page's side of the worker (worker.js): starts runs, forwards stdin,
// interrupts a program (Ctrl+C: it ends at its next WASI call, files kept),
// stops one by terminating its worker and keeps a fresh one warm.

/**
 * @typedef {import("./worker.js").RunRequest} RunRequest
 * @typedef {import("./worker.js").WorkerMessage} WorkerMessage
 * @typedef {import("wasi-web").TreeEntry} TreeEntry
 *
 * How a run ended:
 * @typedef {{ kind: "exit", exitCode: number, tree: TreeEntry[], redirected: { path: string, bytes: number } | null }
 *   | { kind: "load" | "trap" | "error" | "interrupted", message: string, tree: TreeEntry[] | null }
 *   | { kind: "stopped" }} Outcome
 */

export class Runner {
  /** @type {Worker} */
  #worker;
  /** Resolves when the worker has loaded wasi-web. @type {Promise<{ jspi: boolean }>} */
  #ready;
  /** The running program's pieces, or null when idle. @type {{ resolve(outcome: Outcome): void } | null} */
  #current = null;
  #onOutput;
  #onStarted;

  /**
   * @param {{ onOutput(segments: [1 | 2, Uint8Array][], shown: () => void): void, onStarted(): void }} handlers
   *   onOutput gets a batch of output and calls shown() once it is on the screen (the worker's backpressure)
   */
  constructor({ onOutput, onStarted }) {
    this.#onOutput = onOutput;
    this.#onStarted = onStarted;
    [this.#worker, this.#ready] = this.#spawn();
  }

  /** Whether programs can read stdin interactively (JSPI in the worker). */
  async interactive() {
    return (await this.#ready).jspi;
  }

  get running() {
    return this.#current !== null;
  }

  /** A new worker and the promise of its "ready". @returns {[Worker, Promise<{ jspi: boolean }>]} */
  #spawn() {
    // Written out in full so that Vite bundles worker.js as a worker of its own.
    const worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "wasi-web playground runner" });
    /** @type {Promise<{ jspi: boolean }>} */
    const ready = new Promise((resolve, reject) => {
      worker.addEventListener("error", (event) => {
        event.preventDefault();
        const error = new Error(`the runner worker failed to load: ${event.message || "see the console"}`);
        reject(error);
        this.#finish({ kind: "error", message: error.message, tree: null });
      });
      worker.addEventListener("message", (event) => {
        /** @type {WorkerMessage} */
        const message = event.data;
        if (message.type === "ready") resolve({ jspi: message.jspi });
        else this.#handle(message);
      });
    });
    ready.catch(() => {});
    return [worker, ready];
  }

  /** @param {WorkerMessage} message */
  #handle(message) {
    switch (message.type) {
      case "started":
        this.#onStarted();
        break;
      case "output":
        {
          const worker = this.#worker;
          const bytes = message.bytes;
          this.#onOutput(message.segments, () => worker.postMessage({ type: "ack", bytes }));
        }
        break;
      case "done":
        this.#finish({ kind: "exit", exitCode: message.exitCode, tree: message.tree, redirected: message.redirected });
        break;
      case "failed":
        this.#finish({ kind: message.kind, message: message.message, tree: message.tree });
        break;
    }
  }

  /** @param {Outcome} outcome */
  #finish(outcome) {
    const current = this.#current;
    this.#current = null;
    current?.resolve(outcome);
  }

  /**
   * Runs a program; resolves when it ends, fails or is stopped.
   * @param {Omit<RunRequest, "type">} request
   * @returns {Promise<Outcome>}
   */
  async run(request) {
    if (this.#current) throw new Error("a program is already running");
    /** @type {{ resolve(outcome: Outcome): void }} */
    let current = { resolve() {} };
    /** @type {Promise<Outcome>} */
    const outcome = new Promise((resolve) => {
      current = { resolve };
    });
    this.#current = current;
    try {
      await this.#ready;
    } catch (error) {
      this.#finish({ kind: "error", message: error instanceof Error ? error.message : String(error), tree: null });
      return outcome;
    }
    // Stopped while the worker was still loading.
    if (this.#current !== current) return outcome;
    /** @type {RunRequest} */
    const message = { type: "run", ...request };
    this.#worker.postMessage(message);
    return outcome;
  }

  /** Sends text to the program's stdin. @param {string} data */
  write(data) {
    if (this.#current) this.#worker.postMessage({ type: "stdin", data });
  }

  /** Ends the program's stdin (Ctrl+D). */
  endInput() {
    if (this.#current) this.#worker.postMessage({ type: "eof" });
  }

  /**
   * Ctrl+C: with JSPI the program ends at its next WASI call (a write, a
   * read of stdin, a sleep), and its file changes are kept (an "interrupted"
   * outcome). A program that makes no WASI call for `graceMs` (computing,
   * or running without JSPI) is stopped instead, and its changes are lost.
   * @param {number} [graceMs]
   */
  interrupt(graceMs = 1000) {
    const current = this.#current;
    if (!current) return;
    this.#worker.postMessage({ type: "interrupt" });
    setTimeout(() => {
      if (this.#current === current) this.stop();
    }, graceMs);
  }

  /** Ends the running program at once; its file changes are lost. */
  stop() {
    if (!this.#current) return;
    this.#worker.terminate();
    this.#finish({ kind: "stopped" });
    [this.#worker, this.#ready] = this.#spawn();
  }
}
