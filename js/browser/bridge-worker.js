// The program of `wasi-web --browser`, in a worker of the runner page
// (js/browser/page-runner.js). Its stdio go to the CLI's bridge
// (js/node/run-browser.js) with binary bodies, and it waits for each answer:
//   GET  stdin?max=N  a synchronous XMLHttpRequest from here, answered when
//                     input arrives: 200 bytes, 204 end of file;
//   POST out/1|out/2  sent by the page (js/browser/upload-worker.js says
//                     why) while this worker waits on a SharedArrayBuffer;
//                     answered once written: 204, or 410 when the pipe is
//                     closed (the program then gets EPIPE);
//   POST result.tar?at=OFFSET&total=SIZE
//                     the MemFS when the program ends, as MemFS.snapshot(),
//                     in pieces, sent by the page too.
// Any of them answers 409 once the CLI was interrupted; so does the stop
// flag the page sets, checked at each Preview 1 call: the program then
// stops there, and its files still go back.
import { init } from "../core.js";
import { MemFS } from "../memfs.js";
import { emptyResult, fetchBytes, loadProgram, TRAP_EXIT_CODE } from "./page-runner.js";

/** Thrown to end the program when the CLI was interrupted. */
class Stopped extends Error {
  constructor() {
    super("stopped: the CLI was interrupted");
    this.name = "Stopped";
  }
}

/** Output is sent in batches of up to this many bytes... */
const BATCH_BYTES = 256 << 10;
/** ...or once its oldest byte waited this long (checked at each write). */
const BATCH_MS = 20;
/** Preview 1 calls that may wait: output is sent before them. */
const WAITING_CALLS = new Set(["poll_oneoff", "sched_yield"]);

/**
 * The program's stdout and stderr on their way to the CLI, in order: a
 * request per write would hold a program that prints a lot to a crawl, so
 * writes are batched, and sent whole before a read of stdin, a wait, a
 * write to the other stream, and at the end. Statuses are the bridge's.
 */
class Output {
  /** @type {Uint8Array[]} */
  #chunks = [];
  #fd = 0;
  #size = 0;
  #since = 0;
  /** fds whose pipe the CLI found closed */
  closed = new Set();
  /** Whether the program is in a call that may wait (then writes go at once). */
  waiting = false;

  /**
   * @param {(fd: number, bytes: Uint8Array<ArrayBuffer>) => number} write sends and waits for the status
   * @param {boolean} batching false: every write is sent at once (components: no buffering of their own before waits)
   */
  constructor(write, batching) {
    this.write = write;
    this.batching = batching;
  }

  /** @param {number} fd @param {Uint8Array} chunk */
  add(fd, chunk) {
    if (this.closed.has(fd)) return 410;
    if (this.#size > 0 && fd !== this.#fd) {
      const status = this.flush();
      if (status !== 204 && status !== 410) return status;
    }
    if (this.#size === 0) this.#since = performance.now();
    this.#fd = fd;
    this.#chunks.push(chunk.slice());
    this.#size += chunk.length;
    if (!this.batching || this.waiting || this.#size >= BATCH_BYTES || performance.now() - this.#since >= BATCH_MS) return this.flush();
    return 204;
  }

  /** Sends what is held; the status (204 when nothing was held). */
  flush() {
    if (this.#size === 0) return 204;
    const bytes = new Uint8Array(this.#size);
    let at = 0;
    for (const c of this.#chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    const fd = this.#fd;
    this.#chunks = [];
    this.#size = 0;
    const status = this.write(fd, bytes);
    if (status === 410) this.closed.add(fd);
    return status;
  }
}

/**
 * The worker's global scope, as far as used here (the project's types are
 * the DOM's, where `self` is a Window).
 * @typedef {{ postMessage(message: unknown, transfer?: Transferable[]): void,
 *   onmessage: ((event: MessageEvent<{ type: "job", job: import("./page-runner.js").PageJob, stop: SharedArrayBuffer, ack: SharedArrayBuffer }
 *     | { type: "uploaded", status: number, error?: string }>) => void) | null }} WorkerScope
 */
const scope = /** @type {WorkerScope} */ (/** @type {unknown} */ (self));

/**
 * A synchronous request (allowed in workers): the program waits for its answer.
 * @param {string} method @param {string} url @param {Uint8Array<ArrayBuffer>} [body]
 */
function request(method, url, body) {
  const xhr = new XMLHttpRequest();
  xhr.open(method, url, false);
  xhr.responseType = "arraybuffer";
  xhr.send(body ?? null);
  if (xhr.status === 409) throw new Stopped();
  return xhr;
}

/**
 * Every MemFS path of each inode (files, symlinks, directories), with its
 * type, to tell renames from deletions and creations.
 * @param {MemFS} fs
 * @returns {Map<number, { type: string, paths: string[] }>}
 */
function identities(fs) {
  /** @type {Map<number, { type: string, paths: string[] }>} */
  const out = new Map();
  /** @param {string} dir */
  const walk = (dir) => {
    for (const name of fs.readdir(dir)) {
      const path = dir === "/" ? `/${name}` : `${dir}/${name}`;
      const st = fs.lstat(path);
      const known = out.get(st.ino);
      if (known) known.paths.push(path);
      else out.set(st.ino, { type: st.type, paths: [path] });
      if (st.isDirectory()) walk(path);
    }
  };
  walk("/");
  return out;
}

/**
 * The renames between two listings: an inode of the same type with one path
 * before and one, different, path after (hard-linked ones are ambiguous and
 * left out), parents first. An inode number freed and reused by a new file
 * looks like a rename too; replaying it is still safe, because the write-back
 * then finds the content changed and replaces the file (js/node/host-dirs.js).
 * @param {ReturnType<typeof identities>} before @param {ReturnType<typeof identities>} after
 * @returns {[string, string][]}
 */
function renamesBetween(before, after) {
  /** @type {[string, string][]} */
  const out = [];
  for (const [ino, now] of after) {
    const old = before.get(ino);
    if (old?.type === now.type && old.paths.length === 1 && now.paths.length === 1 && old.paths[0] !== now.paths[0]) {
      out.push([old.paths[0], now.paths[0]]);
    }
  }
  return out.sort((a, b) => a[0].split("/").length - b[0].split("/").length);
}

/**
 * The import object with the stop flag checked before each call, and the
 * calls that may wait marked on `output`.
 * @param {Int32Array} flag @param {Output} output
 * @returns {(imports: WebAssembly.Imports) => WebAssembly.Imports}
 */
function stoppable(flag, output) {
  return (imports) => {
    /** @type {WebAssembly.Imports} */
    const out = {};
    for (const [ns, functions] of Object.entries(imports)) {
      /** @type {WebAssembly.ModuleImports} */
      const wrapped = (out[ns] = {});
      for (const [name, f] of Object.entries(functions)) {
        const call = /** @type {(...args: unknown[]) => unknown} */ (f);
        wrapped[name] = WAITING_CALLS.has(name)
          ? (/** @type {unknown[]} */ ...args) => {
              if (Atomics.load(flag, 0) !== 0) throw new Stopped();
              // What the core flushes before it waits goes out at once.
              output.waiting = true;
              try {
                if (output.flush() === 409) throw new Stopped();
                return call(...args);
              } finally {
                output.waiting = false;
              }
            }
          : (/** @type {unknown[]} */ ...args) => {
              if (Atomics.load(flag, 0) !== 0) throw new Stopped();
              return call(...args);
            };
      }
    }
    return out;
  };
}

/** Resolves the pending upload with its error (null when it worked). @type {(error: string | null) => void} */
let onUploaded = () => {};

/**
 * Runs the job; its result goes to the page.
 * @param {import("./page-runner.js").PageJob} job @param {SharedArrayBuffer} stop
 * @param {SharedArrayBuffer} ackBuffer [answered, status] of an output write (see write())
 */
async function runJob(job, stop, ackBuffer) {
  const bridge = /** @type {string} */ (job.bridge);
  const flag = new Int32Array(stop);
  const ack = new Int32Array(ackBuffer);
  const result = emptyResult();
  const stopped = () => Atomics.load(flag, 0) !== 0;
  /** @type {MemFS | null} */
  let fs = null;
  try {
    await init();
    fs = job.treeUrl ? MemFS.fromSnapshot(await fetchBytes(job.treeUrl)) : new MemFS();
    const before = identities(fs);
    /**
     * Sends output through the page (see js/browser/upload-worker.js) and
     * waits until the CLI wrote it; returns the bridge's status.
     * @param {number} fd @param {Uint8Array<ArrayBuffer>} bytes
     */
    const write = (fd, bytes) => {
      Atomics.store(ack, 0, 0);
      scope.postMessage({ type: "out", fd, bytes }, [bytes.buffer]);
      while (Atomics.load(ack, 0) === 0) Atomics.wait(ack, 0, 0);
      return Atomics.load(ack, 1);
    };
    const output = new Output(write, !job.componentUrl);
    // A closed pipe, as node:fs says it: the program gets EPIPE (js/recovery.js).
    const epipe = () => Object.assign(new Error("EPIPE: broken pipe, write"), { code: "EPIPE" });
    /** @param {number} fd */
    const sink = (fd) => (/** @type {Uint8Array} */ chunk) => {
      if (stopped()) throw new Stopped();
      const status = output.add(fd, chunk);
      if (status === 409) throw new Stopped();
      if (status === 410) throw epipe();
      if (status !== 204) throw new Error(`the CLI's bridge answered ${status} to output`);
    };
    /** @param {number} max */
    const stdin = (max) => {
      if (stopped() || output.flush() === 409) throw new Stopped();
      const xhr = request("GET", `${bridge}/stdin?max=${max}`);
      if (xhr.status === 204) return null;
      if (xhr.status !== 200) throw new Error(`the CLI's bridge answered ${xhr.status} to a read of stdin`);
      return new Uint8Array(xhr.response);
    };
    const program = await loadProgram(
      job,
      { args: job.args, env: job.env, preopens: job.preopens, fs, stdin, stdout: sink(1), stderr: sink(2) },
      stoppable(flag, output),
    );
    try {
      result.exitCode = await program.start();
    } catch (error) {
      if (stopped() || error instanceof Stopped) {
        result.stopped = true;
      } else if (error instanceof WebAssembly.RuntimeError || error instanceof RangeError) {
        result.trap = program.trapMessage(error);
        result.exitCode = TRAP_EXIT_CODE;
      } else {
        throw error;
      }
    }
    // The rest of the output (the CLI may have been interrupted meanwhile: then it is dropped).
    output.flush();
    result.renames = renamesBetween(before, identities(fs));
  } catch (error) {
    if (error instanceof Stopped) result.stopped = true;
    else result.error = String(/** @type {Error | undefined} */ (error)?.stack ?? error);
  }
  // The files go back however the program ended: a trap or a stop keeps its writes too.
  if (fs !== null) {
    try {
      const archive = fs.snapshot();
      fs.close();
      // The page uploads it (js/browser/upload-worker.js): faster than from here.
      const uploaded = new Promise((resolve) => (onUploaded = resolve));
      scope.postMessage({ type: "upload", url: `${bridge}/result.tar`, bytes: archive }, [archive.buffer]);
      const error = await uploaded;
      if (error) throw new Error(error);
      result.treeSent = true;
    } catch (error) {
      result.error ??= `sending the files back: ${String(error)}`;
    }
  }
  scope.postMessage({ type: "result", result });
}

scope.onmessage = ({ data }) => {
  if (data.type === "uploaded") onUploaded(data.status === 204 ? null : (data.error ?? `HTTP ${data.status}`));
  else runJob(data.job, data.stop, data.ack);
};

scope.postMessage({ type: "ready" });
