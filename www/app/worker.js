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
 * @typedef {import("wasi-web").OutputBuffer} OutputBuffer
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

/**
 * With JSPI, a core module's stdout and stderr (when the terminal's) are
 * "buffer" sinks, emptied into the batch after each fd_write by the write
 * gate (collect()), and by a timer while the program waits: a callback sink
 * would make a copy (and a garbage object) per write. @type {[1 | 2, OutputBuffer][]}
 */
let collected = [];
/** Sends what the `collected` sinks hold while the program waits. @type {ReturnType<typeof setInterval> | undefined} */
let collectTimer;
/** Of `collected`, the stream that got bytes first since they were last taken (0: none yet). */
let firstFd = 0;
/** Bytes in the `collected` sinks. */
let collectedBytes = 0;

/** Moves what the `collected` sinks hold into the batch, in the order it was written. */
function takeCollected() {
  const order = firstFd === 2 ? [...collected].reverse() : collected;
  for (const [fd, sink] of order) {
    if (sink.length === 0) continue;
    const chunk = sink.bytes();
    sink.clear();
    parts.push([fd, chunk]);
    batchBytes += chunk.length;
  }
  firstFd = 0;
  collectedBytes = 0;
}

/**
 * After each fd_write (with JSPI): notes which stream has bytes first, and
 * sends a batch when it is due (as emit() does).
 */
function collect() {
  let bytes = 0;
  let streams = 0;
  for (const [fd, sink] of collected) {
    const length = sink.length;
    if (length === 0) continue;
    bytes += length;
    streams++;
    firstFd ||= fd;
  }
  collectedBytes = bytes;
  if (bytes === 0) return;
  // One write goes to one stream: the other's bytes came before it.
  if (streams > 1) takeCollected();
  if (batchBytes + bytes >= BATCH_BYTES || ((++batchWrites < 64 || batchWrites % 64 === 0) && performance.now() - lastSent >= BATCH_MS)) {
    sendBatch();
  }
}

function sendBatch() {
  if (collected.length > 0) takeCollected();
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
    // A 0.3 component's stdout and stderr streams may both wait: each is woken.
    const earlier = roomWaiter;
    roomWaiter = () => {
      roomWaiter = null;
      earlier?.();
      resolve(undefined);
    };
  });
}

/**
 * A small module between the program and the WASI's fd_write, so that a
 * write suspends (JSPI) only when the page is behind: every call of a
 * WebAssembly.Suspending import costs several times a plain one, even when
 * it returns at once. Its fd_write calls `h.write` (a plain import: the
 * WASI's fd_write), which adds FULL to the errno when the window is full;
 * only then does it call `h.wait` (Suspending), and it returns the errno.
 *   (func (export "fd_write") (param i32 i32 i32 i32) (result i32) (local i32)
 *     (local.tee 4 (call $write (local.get 0) (local.get 1) (local.get 2) (local.get 3)))
 *     (if (i32.and (i32.const 0x10000)) (then (call $wait)))
 *     (i32.and (local.get 4) (i32.const 0xffff)))
 */
const FULL = 0x10000;
const WRITE_GATE = new Uint8Array([
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00], // "\0asm", version 1
  ...[0x01, 12, 2, 0x60, 4, 0x7f, 0x7f, 0x7f, 0x7f, 1, 0x7f, 0x60, 0, 0], // types: (i32 x4) -> i32, () -> ()
  ...[0x02, 20, 2, 1, 0x68, 5, ...[0x77, 0x72, 0x69, 0x74, 0x65], 0x00, 0], // imports: h.write (type 0)
  ...[1, 0x68, 4, ...[0x77, 0x61, 0x69, 0x74], 0x00, 1], // h.wait (type 1)
  ...[0x03, 2, 1, 0], // one function, of type 0
  ...[0x07, 12, 1, 8, ...[0x66, 0x64, 0x5f, 0x77, 0x72, 0x69, 0x74, 0x65], 0x00, 2], // export "fd_write" = function 2
  ...[0x0a, 35, 1, 33, 1, 1, 0x7f], // code: one body of 33 bytes, one i32 local
  ...[0x20, 0, 0x20, 1, 0x20, 2, 0x20, 3, 0x10, 0, 0x22, 4], // local.get 0..3, call write, local.tee 4
  ...[0x41, 0x80, 0x80, 0x04, 0x71, 0x04, 0x40, 0x10, 1, 0x0b], // i32.const FULL, i32.and, if: call wait, end
  ...[0x20, 4, 0x41, 0xff, 0xff, 0x03, 0x71, 0x0b], // local.get 4, i32.const 0xffff, i32.and, end
]);
/** Compiled once, instantiated per run. @type {WebAssembly.Module | null} */
let writeGate = null;

/**
 * `imports` with an fd_write that suspends (JSPI) while the page is behind,
 * through WRITE_GATE. The write itself is the WASI's own (signal check
 * included), made before the wait.
 * @param {WebAssembly.Imports} imports
 * @returns {WebAssembly.Imports}
 */
function withBackpressure(imports) {
  const Suspending = /** @type {new (f: Function) => Function} */ (
    /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (WebAssembly)).Suspending
  );
  writeGate ??= new WebAssembly.Module(WRITE_GATE);
  const wait = new Suspending(() => {
    sendBatch();
    return room();
  });
  /** @type {WebAssembly.Imports} */
  const gated = {};
  for (const [name, original] of Object.entries(imports)) {
    const namespace = { ...original };
    gated[name] = namespace;
    const fdWrite = /** @type {(...args: number[]) => number} */ (namespace.fd_write);
    if (typeof fdWrite !== "function") continue;
    /** @param {number[]} args */
    const write = (...args) => {
      const errno = fdWrite(...args);
      if (collected.length > 0) collect();
      return inFlight + batchBytes + collectedBytes <= WINDOW_BYTES ? errno : errno | FULL;
    };
    namespace.fd_write = new WebAssembly.Instance(writeGate, { h: { write, wait } }).exports.fd_write;
  }
  return gated;
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
      // With JSPI, "buffer" sinks, emptied by the write gate (see `collected`).
      stdout: out !== null ? (chunk) => captured.push(chunk) : JSPI ? "buffer" : (chunk) => emit(1, chunk),
      stderr: JSPI ? "buffer" : (chunk) => emit(2, chunk),
      maxBufferBytes: 2 ** 32 - 1,
    });
    collected = [];
    if (wasi.stdout) collected.push([1, wasi.stdout]);
    if (wasi.stderr) collected.push([2, wasi.stderr]);
    let instance;
    try {
      const imports = wasi.getImportObject();
      instance = await WebAssembly.instantiate(module, JSPI ? withBackpressure(imports) : imports).catch((error) => {
        // An fd_write imported with another signature than WASI's does not
        // link to the gate's (a JS function takes any): such a program runs
        // as run() would run it, without backpressure.
        if (!(error instanceof WebAssembly.LinkError) || !JSPI) throw error;
        return WebAssembly.instantiate(module, imports);
      });
    } catch (error) {
      throw new LoadError(error instanceof Error ? error.message : String(error));
    }
    send({ type: "started" });
    // What the program wrote before it waits (a prompt before a read of stdin) goes meanwhile.
    if (collected.length > 0) collectTimer = setInterval(sendBatch, BATCH_MS);
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
    clearInterval(collectTimer);
    collected = [];
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
  // 0.3: the guest's stream is read (its next chunk taken) only while the window has room, so its
  // write waits meanwhile. Once interrupted the read goes on: the host then fails the stream.
  for (const key of ["wasi:cli/stdout", "wasi:cli/stderr"]) {
    const write = /** @type {((data: object) => unknown) | undefined} */ (imports[key]?.writeViaStream);
    if (typeof write !== "function") continue;
    /** @param {{ read(opts: object): Promise<unknown> }} data */
    const writeViaStream = (data) =>
      write(
        new Proxy(data, {
          get(target, name) {
            if (name === "read") {
              return async (/** @type {object} */ opts) => {
                while (inFlight + batchBytes > WINDOW_BYTES && !signal.aborted) {
                  sendBatch();
                  await room();
                }
                return target.read(opts);
              };
            }
            const value = Reflect.get(target, name, target);
            // jco's stream keeps private fields: its methods run on it, not on the proxy.
            return typeof value === "function" ? value.bind(target) : value;
          },
        }),
      );
    imports[key] = { ...imports[key], writeViaStream };
  }
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
