// The playground's program runner, in a dedicated worker so that a busy
// program never freezes the page and Stop can end it (worker.terminate()).
// The page owns the files: each run gets a copy of its MemFS as a tree and
// sends the tree back when the program ends.
//
// With JSPI (WebAssembly.Suspending) the program runs in async mode: reads of
// stdin suspend it until the page sends a line. Without it the program runs
// synchronously, and stdin is empty (or the "< file" redirection).
//
// A component (WASI 0.2) comes already transpiled by jco in the page
// (component.js): its JS is imported from a blob: URL, its core modules are
// compiled here, and it runs on a WASIp2 over the same MemFS. With JSPI it
// was transpiled for async mode and runs as a core module does: its reads of
// stdin wait for typed lines, Ctrl+C ends it at its next wait. Without JSPI
// it runs synchronously and its stdin is what was typed before Run.
import { MemFS, StdinQueue, WASI, compileProgram, detectWasiVersion, exportTree, importTree, init } from "wasi-web";
import { WASIp2 } from "wasi-web/preview2";
import { WASIp3 } from "wasi-web/preview3";

/**
 * @typedef {import("wasi-web").TreeEntry} TreeEntry
 *
 * @typedef {object} RunRequest
 * @property {"run"} type
 * @property {Uint8Array} wasm the program's bytes (empty for a component)
 * @property {import("./component.js").Transpiled | null} component jco's output, for a component
 * @property {string} stdinText a synchronous component's stdin, typed before Run (unless "< file")
 * @property {string[]} args argv, argv[0] included
 * @property {Record<string, string>} env
 * @property {TreeEntry[]} tree the page's files, from "/"
 * @property {string | null} stdinFile absolute path for "< file"
 * @property {string | null} stdoutFile absolute path for "> file"
 * @property {boolean} append ">>" rather than ">"
 *
 * @typedef {{ type: "stdin", data: string } | { type: "eof" } | { type: "interrupt" } | { type: "ack", bytes: number }} InputMessage
 *
 * Output goes to the page in batches, in order: [fd, bytes] pairs.
 * @typedef {[1 | 2, Uint8Array][]} Segments
 *
 * Messages to the page:
 * @typedef {{ type: "ready", jspi: boolean }
 *   | { type: "started" }
 *   | { type: "output", segments: Segments, bytes: number }
 *   | { type: "done", exitCode: number, tree: TreeEntry[], redirected: { path: string, bytes: number } | null }
 *   | { type: "failed", kind: "load" | "trap" | "error" | "interrupted", message: string, tree: TreeEntry[] | null }} WorkerMessage
 */

const JSPI = typeof (/** @type {Record<string, unknown>} */ (/** @type {unknown} */ (WebAssembly)).Suspending) === "function";

/** The running program's stdin, while it runs in async mode. @type {StdinQueue | null} */
let stdin = null;

/** Ends the running program at its next WASI call (Ctrl+C), keeping its files. @type {AbortController | null} */
let interrupter = null;

// Output is batched: one message per BATCH_BYTES (or per BATCH_MS, or when
// the program waits or ends) rather than one per write, which for a program
// printing line by line is one per line. Each write is copied into one
// buffer per batch (transferred, not copied, to the page), its neighbours
// of the same stream forming one segment. The page acknowledges each batch
// once the terminal has shown it; with JSPI a write that finds more than
// WINDOW_BYTES unacknowledged suspends the program until the screen catches
// up, so a fast printer cannot outrun the terminal by more than that.
const BATCH_BYTES = 64 * 1024;
const BATCH_MS = 25;
const WINDOW_BYTES = 1024 * 1024;
/** The batch's bytes (a fresh buffer per batch, since it is transferred). */
let buffer = new Uint8Array(BATCH_BYTES);
/** Bytes used in `buffer`. */
let batchBytes = 0;
/** The batch's segments: [fd, start, end] in `buffer`, or [fd, chunk] for a chunk too big for it. @type {([1 | 2, number, number] | [1 | 2, Uint8Array])[]} */
let parts = [];
let batchScheduled = false;
let lastSent = 0;
/**
 * Writes in this batch: past the first 64, the clock is read on every 64th
 * only (reading it costs more than the write), so a slow printer's lines
 * still go within BATCH_MS (without JSPI no timer runs while it runs).
 */
let batchWrites = 0;
/** Bytes sent and not yet acknowledged. */
let inFlight = 0;
/** Wakes a program suspended for room in the window. @type {(() => void) | null} */
let roomWaiter = null;

/** @param {1 | 2} fd @param {Uint8Array} chunk a copy of its own (the sinks give one) */
function emit(fd, chunk) {
  if (parts.length === 0 && !batchScheduled) {
    // A task, not a microtask: it runs when the program really waits (stdin,
    // a sleep, a full window) or ends. The suspending fd_write resumes
    // through microtasks, so a microtask here would send every line alone.
    batchScheduled = true;
    setTimeout(() => {
      batchScheduled = false;
      sendBatch();
    });
  }
  const length = chunk.length;
  if (length > BATCH_BYTES - batchBytes) {
    sendBatch();
    if (length > BATCH_BYTES) {
      // Too big to copy again: a segment (and message) of its own.
      parts.push([fd, chunk]);
      batchBytes = length;
      sendBatch();
      return;
    }
  }
  buffer.set(chunk, batchBytes);
  const last = parts.at(-1);
  if (last !== undefined && last[0] === fd && last[2] === batchBytes) last[2] += length;
  else parts.push([fd, batchBytes, batchBytes + length]);
  batchBytes += length;
  if ((++batchWrites < 64 || batchWrites % 64 === 0) && performance.now() - lastSent >= BATCH_MS) sendBatch();
}

function sendBatch() {
  if (parts.length === 0) return;
  const sent = buffer;
  /** @type {Segments} */
  const segments = parts.map((part) => (part.length === 2 ? part : [part[0], sent.subarray(part[1], part[2])]));
  const bytes = batchBytes;
  const transfer = new Set(segments.map(([, chunk]) => chunk.buffer));
  if (parts.some((part) => part.length === 3)) buffer = new Uint8Array(BATCH_BYTES);
  parts = [];
  batchBytes = 0;
  batchWrites = 0;
  inFlight += bytes;
  lastSent = performance.now();
  send({ type: "output", segments, bytes }, [...transfer]);
}

/** Resolves when the window has room again (or the run is interrupted). */
function room() {
  return new Promise((resolve) => {
    roomWaiter = () => {
      roomWaiter = null;
      resolve(undefined);
    };
  });
}

/**
 * Makes fd_write suspend (JSPI) while the page is behind. The import is the
 * WASI's own (signal check included); only a full window suspends.
 * @param {WebAssembly.Imports} imports
 */
function withBackpressure(imports) {
  for (const namespace of Object.values(imports)) {
    const write = /** @type {(...args: number[]) => number} */ (namespace.fd_write);
    if (typeof write !== "function") continue;
    const Suspending = /** @type {new (f: Function) => Function} */ (
      /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (WebAssembly)).Suspending
    );
    namespace.fd_write = new Suspending((/** @type {number[]} */ ...args) => {
      const result = write(...args);
      if (inFlight + batchBytes <= WINDOW_BYTES) return result;
      sendBatch();
      return room().then(() => result);
    });
  }
  return imports;
}

/** @param {WorkerMessage} message @param {Transferable[]} [transfer] */
function send(message, transfer = []) {
  // The worker's postMessage (the DOM typings describe window's).
  /** @type {(message: WorkerMessage, transfer: Transferable[]) => void} */ (/** @type {unknown} */ (postMessage))(message, transfer);
}

/** A load error: the file is not a program we can run. */
class LoadError extends Error {}

/**
 * @param {MemFS} fs
 * @param {string} path
 */
function parentIsDirectory(fs, path) {
  const parent = path.slice(0, path.lastIndexOf("/")) || "/";
  return fs.exists(parent) && fs.stat(parent).isDirectory();
}

/** @param {RunRequest} request */
async function run(request) {
  const fs = new MemFS();
  importTree(fs, "/", request.tree);
  /** @type {Uint8Array[]} */
  const captured = [];
  /** @type {Uint8Array} */
  let redirectPrefix = new Uint8Array(0);
  try {
    if (request.component) {
      const exitCode = await runComponent(request, fs, captured, (prefix) => (redirectPrefix = prefix));
      const out = request.stdoutFile;
      const redirected = out !== null ? { path: out, bytes: writeRedirect(fs, out, redirectPrefix, captured) } : null;
      sendBatch();
      send({ type: "done", exitCode, tree: exportTree(fs, "/"), redirected });
      return;
    }
    let module;
    try {
      module = await compileProgram(request.wasm);
    } catch (error) {
      throw new LoadError(error instanceof Error ? error.message : String(error));
    }
    const version = detectWasiVersion(module);
    if (version === null) {
      throw new LoadError("this module imports neither wasi_snapshot_preview1 nor wasi_unstable: it is not a WASI program");
    }
    if (!WebAssembly.Module.exports(module).some((e) => e.name === "_start" && e.kind === "function")) {
      throw new LoadError("this module has no _start function: it is not a WASI command (a library or reactor cannot be run here)");
    }

    let stdinOption;
    if (request.stdinFile !== null) {
      if (!fs.exists(request.stdinFile)) throw new LoadError(`< ${request.stdinFile}: no such file`);
      stdinOption = fs.readFile(request.stdinFile);
      stdin = null;
    } else if (JSPI) {
      stdin = new StdinQueue();
      stdinOption = stdin;
    } else {
      stdinOption = new Uint8Array(0);
    }
    const out = request.stdoutFile;
    if (out !== null) redirectPrefix = openRedirect(fs, out, request.append);

    const wasi = new WASI({
      version,
      args: request.args,
      env: request.env,
      preopens: { "/": "/" },
      fs,
      async: JSPI,
      // The terminal is a tty: programs see isatty() and output shows per line
      // (a redirected stdout is a file, so not a tty).
      tty: [request.stdinFile === null, out === null, true],
      stdin: stdinOption,
      stdout: out !== null ? (chunk) => captured.push(chunk) : (chunk) => emit(1, chunk),
      stderr: (chunk) => emit(2, chunk),
    });
    let instance;
    try {
      const imports = wasi.getImportObject();
      instance = await WebAssembly.instantiate(module, JSPI ? withBackpressure(imports) : imports);
    } catch (error) {
      throw new LoadError(error instanceof Error ? error.message : String(error));
    }
    send({ type: "started" });
    interrupter = JSPI ? new AbortController() : null;
    const exitCode = interrupter ? await wasi.startAsync(instance, { signal: interrupter.signal }) : wasi.start(instance);
    sendBatch();
    const redirected = out !== null ? { path: out, bytes: writeRedirect(fs, out, redirectPrefix, captured) } : null;
    send({ type: "done", exitCode, tree: exportTree(fs, "/"), redirected });
  } catch (error) {
    if (request.stdoutFile !== null && captured.length > 0) writeRedirect(fs, request.stdoutFile, redirectPrefix, captured);
    sendBatch();
    const trap = error instanceof WebAssembly.RuntimeError || error instanceof RangeError;
    const interrupted = interrupter?.signal.aborted === true;
    const kind = error instanceof LoadError ? "load" : interrupted ? "interrupted" : trap ? "trap" : "error";
    const message = error instanceof Error ? error.message : String(error);
    send({ type: "failed", kind, message, tree: kind === "load" ? null : exportTree(fs, "/") });
  } finally {
    stdin = null;
    interrupter = null;
  }
}

/**
 * Checks and truncates (">") the "> file"; returns what ">>" keeps.
 * @param {MemFS} fs @param {string} out @param {boolean} append
 */
function openRedirect(fs, out, append) {
  if (!parentIsDirectory(fs, out)) throw new LoadError(`> ${out}: no such directory`);
  if (fs.exists(out) && fs.stat(out).isDirectory()) throw new LoadError(`> ${out}: is a directory`);
  const prefix = append && fs.exists(out) ? fs.readFile(out) : new Uint8Array(0);
  fs.writeFile(out, prefix);
  return prefix;
}

/**
 * Runs a transpiled component to its end; returns its exit code.
 * @param {RunRequest} request
 * @param {MemFS} fs
 * @param {Uint8Array[]} captured where a redirected stdout goes
 * @param {(prefix: Uint8Array) => void} setPrefix what ">>" keeps of the file
 */
async function runComponent(request, fs, captured, setPrefix) {
  const transpiled = /** @type {import("./component.js").Transpiled} */ (request.component);
  /** @type {Map<string, WebAssembly.Module>} */
  const modules = new Map();
  /** @type {{ instantiate(getCoreModule: (name: string) => WebAssembly.Module, imports: object): object }} */
  let generated;
  const url = URL.createObjectURL(new Blob([transpiled.source], { type: "text/javascript" }));
  try {
    for (const [name, bytes] of transpiled.modules) {
      modules.set(name, await WebAssembly.compile(/** @type {Uint8Array<ArrayBuffer>} */ (bytes)));
    }
    generated = await import(/* @vite-ignore */ url);
  } catch (error) {
    throw new LoadError(error instanceof Error ? error.message : String(error));
  } finally {
    URL.revokeObjectURL(url);
  }
  // Async (JSPI): stdin is the terminal, read as the person types.
  const async = transpiled.async && JSPI;
  // A 0.3 component was transpiled for JSPI only (component.js refuses it otherwise).
  const Host = transpiled.p3 ? WASIp3 : WASIp2;
  /** @type {Uint8Array | StdinQueue} */
  let stdinOption;
  if (request.stdinFile !== null) {
    if (!fs.exists(request.stdinFile)) throw new LoadError(`< ${request.stdinFile}: no such file`);
    stdinOption = fs.readFile(request.stdinFile);
  } else if (async) {
    stdin = new StdinQueue();
    stdinOption = stdin;
  } else {
    stdinOption = new TextEncoder().encode(request.stdinText);
  }
  const out = request.stdoutFile;
  if (out !== null) setPrefix(openRedirect(fs, out, request.append));
  const controller = async ? new AbortController() : null;
  const wasi = new Host({
    args: request.args,
    env: request.env,
    preopens: { "/": "/" },
    fs,
    cwd: "/",
    async,
    // Synchronous, stdin is not the terminal: it was typed before the run.
    tty: [async && request.stdinFile === null, out === null, true],
    stdin: stdinOption,
    // Each chunk is a copy of its own (CallbackSink), so it can be transferred.
    stdout: out !== null ? (/** @type {Uint8Array} */ chunk) => captured.push(chunk) : (/** @type {Uint8Array} */ chunk) => emit(1, chunk),
    stderr: (/** @type {Uint8Array} */ chunk) => emit(2, chunk),
  });
  let instance;
  try {
    instance = generated.instantiate(
      (name) => {
        const module = modules.get(name);
        if (!module) throw new Error(`jco asked for an unknown core module ${name}`);
        return module;
      },
      controller ? withStreamBackpressure(wasi.imports, controller.signal) : wasi.imports,
    );
  } catch (error) {
    throw new LoadError(error instanceof Error ? error.message : String(error));
  }
  send({ type: "started" });
  try {
    if (!controller) return wasi.run(instance);
    interrupter = controller;
    return await wasi.runAsync(instance, { signal: controller.signal });
  } catch (error) {
    wasi.flush();
    throw error;
  }
}

/**
 * A component's backpressure (async mode): its stdout's and stderr's
 * blocking writes and flushes (JSPI imports, which may return a Promise)
 * wait while more than WINDOW_BYTES are not yet on the screen, as fd_write
 * does for a core module. Once interrupted, a waiting write never returns:
 * the run has ended (runAsync rejected), and the component stays suspended.
 * @param {Record<string, Record<string, unknown>>} imports
 * @param {AbortSignal} signal the run's Ctrl+C
 */
function withStreamBackpressure(imports, signal) {
  /** @param {object} stream */
  const paced = (stream) => {
    const methods = /** @type {Record<string, (...args: unknown[]) => unknown>} */ (/** @type {unknown} */ (stream));
    for (const name of ["blockingWriteAndFlush", "blockingFlush"]) {
      const method = methods[name];
      // An own property: the streams' class (and other runs) stay as they are.
      Object.defineProperty(stream, name, {
        value: (/** @type {unknown[]} */ ...args) => {
          const result = method.apply(stream, args);
          if (inFlight + batchBytes <= WINDOW_BYTES) return result;
          sendBatch();
          return room().then(() => (signal.aborted ? new Promise(() => {}) : result));
        },
      });
    }
    return stream;
  };
  /** @param {string} key @param {string} getter */
  const wrapGetter = (key, getter) => {
    const namespace = imports[key];
    const get = /** @type {() => object} */ (namespace?.[getter]);
    if (typeof get === "function") imports[key] = { ...namespace, [getter]: () => paced(get()) };
  };
  wrapGetter("wasi:cli/stdout", "getStdout");
  wrapGetter("wasi:cli/stderr", "getStderr");
  return imports;
}

/**
 * Writes what the program printed to the "> file"; returns the byte count.
 * @param {MemFS} fs @param {string} path @param {Uint8Array} prefix @param {Uint8Array[]} chunks
 */
function writeRedirect(fs, path, prefix, chunks) {
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const all = new Uint8Array(prefix.length + total);
  all.set(prefix);
  let at = prefix.length;
  for (const c of chunks) {
    all.set(c, at);
    at += c.length;
  }
  fs.writeFile(path, all);
  return total;
}

/** @param {MessageEvent<RunRequest | InputMessage>} event */
self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "run") run(message);
  else if (message.type === "stdin") {
    if (stdin && !stdin.ended) stdin.push(message.data);
  } else if (message.type === "eof") {
    if (stdin && !stdin.ended) stdin.end();
  } else if (message.type === "interrupt") {
    interrupter?.abort(new Error("interrupted (Ctrl+C)"));
    roomWaiter?.();
  } else if (message.type === "ack") {
    inFlight -= message.bytes;
    if (inFlight + batchBytes <= WINDOW_BYTES) roomWaiter?.();
  }
};

// Ready once the core is loaded (wasi-web has no top-level await).
await init();
send({ type: "ready", jspi: JSPI });
