// Loads the Rust core (pkg/, built by wasm-pack) once, without top-level
// await, so that every bundler, worker format and `require()` accepts the
// package:
//
//   Node, Deno, Bun: read from disk next to this file and compiled
//                    synchronously while this module is evaluated, so that
//                    importing wasi-web is all the set-up (as before).
//   Browsers:        loaded by `init()`: fetched from the URL next to this
//                    file (compiled with streaming when served as
//                    application/wasm). run(), runInWorker() and
//                    runComponent() call it themselves; `new MemFS()`,
//                    `new WASI()` and `new WASIp2()` need it done first and
//                    say so. `initSync(bytesOrModule)` loads it at once.
//
// No `node:` module is imported statically, so bundlers and browsers never see
// one: Node's fs comes from process.getBuiltinModule (Node >= 20.16) or a
// dynamic import that only runs under Node.
import initGlue, { initSync as initGlueSync, MemFsCore, Preview2Core, WasiCore } from "../pkg/wasi_web.js";

// A literal `new URL(…, import.meta.url)`: bundlers see it and ship the file.
const wasmUrl = new URL("../pkg/wasi_web_bg.wasm", import.meta.url);

const isServerRuntime = wasmUrl.protocol === "file:" && typeof globalThis.process?.versions?.node === "string";

/** @typedef {Uint8Array | ArrayBuffer | ArrayBufferView | WebAssembly.Module} CoreSource */

/** The core's shadow-stack pointer (exported by build.rs), or null. @type {WebAssembly.Global | null} */
let stackPointer = null;
/** @type {unknown} */
let stackTop;
/** wasm-bindgen's externref stack pointer (see loadedWith), its table, and its value at load. @type {WebAssembly.Global | null} */
let refStack = null;
/** @type {WebAssembly.Table | null} */
let refTable = null;
/** @type {number} */
let refStackTop = 0;
/** Set once the core is instantiated. */
let loaded = false;
/** The core's compiled module, for workers (js/worker/). @type {WebAssembly.Module | null} */
let compiled = null;
/** The pending init(), if any. @type {Promise<void> | null} */
let loading = null;

/**
 * Records what js/recovery.js needs once the core is instantiated.
 * @param {unknown} exports the core's instance exports
 */
function loadedWith(exports) {
  // The shadow-stack pointer and its value now, when no call into the core is
  // in progress: js/recovery.js puts it back after a trap inside the core
  // left it lower. (wasm-bindgen's InitOutput does not list it.)
  const raw = /** @type {{ __stack_pointer?: unknown, __wbindgen_externref_stack?: unknown, __wbindgen_externrefs?: unknown }} */ (exports);
  const exported = raw.__stack_pointer;
  stackPointer = exported instanceof WebAssembly.Global ? exported : null;
  stackTop = stackPointer?.value;
  // Likewise wasm-bindgen's stack of borrowed JS values at the top of its
  // externref table (exported by scripts/export-externref-stack.mjs): a
  // trap in a call that borrowed one leaves it lower; 1,024 such traps
  // would exhaust it.
  refStack = raw.__wbindgen_externref_stack instanceof WebAssembly.Global ? raw.__wbindgen_externref_stack : null;
  refTable = raw.__wbindgen_externrefs instanceof WebAssembly.Table ? raw.__wbindgen_externrefs : null;
  refStackTop = refStack?.value;
  loaded = true;
}

/**
 * Node's fs, if this is a server runtime that has it without an await.
 * @returns {{ readFileSync(url: URL): Uint8Array<ArrayBuffer> } | undefined}
 */
function nodeFsSync() {
  return isServerRuntime ? globalThis.process?.getBuiltinModule?.("node:fs") : undefined;
}

/**
 * Loads the core synchronously. Without an argument it reads the .wasm next
 * to this file from disk (server runtimes only); in a page pass its bytes or
 * a compiled `WebAssembly.Module` (e.g. from a worker's message). Once
 * loaded, later calls do nothing.
 * @param {CoreSource} [source]
 */
export function initSync(source) {
  if (loaded) return;
  let module = source;
  if (module === undefined) {
    const fs = nodeFsSync();
    if (fs === undefined) {
      throw new TypeError("wasi-web: initSync() needs the core's bytes or WebAssembly.Module here (only Node can read it from disk)");
    }
    module = fs.readFileSync(wasmUrl);
  }
  if (!(module instanceof WebAssembly.Module)) {
    if (!(module instanceof ArrayBuffer) && !ArrayBuffer.isView(module)) {
      throw new TypeError("wasi-web: initSync() takes the core's bytes (a BufferSource) or a WebAssembly.Module");
    }
    module = new WebAssembly.Module(/** @type {BufferSource} */ (module));
  }
  const exports = initGlueSync({ module });
  compiled = module;
  loadedWith(exports);
}

/**
 * Compiles the core from what init() was given.
 * @param {CoreSource | URL | string | Response | Promise<Response>} input
 * @returns {Promise<WebAssembly.Module>}
 */
async function compile(input) {
  if (input instanceof WebAssembly.Module) return input;
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return WebAssembly.compile(/** @type {BufferSource} */ (input));
  const response = await (typeof input === "string" || input instanceof URL ? fetch(input) : input);
  if (!response.ok) throw new Error(`wasi-web: could not fetch the core (${response.url}): HTTP ${response.status}`);
  // Streaming compilation needs the right MIME type; without it, compile the bytes.
  if (response.headers.get("Content-Type") === "application/wasm" && typeof WebAssembly.compileStreaming === "function") {
    return WebAssembly.compileStreaming(response);
  }
  return WebAssembly.compile(await response.arrayBuffer());
}

/**
 * Loads the core: in a page it fetches `wasi_web_bg.wasm` from next to this
 * module (or from `source`: a URL, a Response, bytes or a Module). Resolves
 * once the core is ready; calling it again returns the same promise, and
 * once loaded it resolves at once. Node needs no call (import loads it).
 * @param {CoreSource | URL | string | Response | Promise<Response>} [source]
 * @returns {Promise<void>}
 */
export function init(source) {
  if (loaded) return Promise.resolve();
  loading ??= (async () => {
    if (source === undefined && isServerRuntime) {
      const fs = nodeFsSync() ?? (await import(/* webpackIgnore: true */ /* @vite-ignore */ `${"node:"}fs`));
      initSync(fs.readFileSync(wasmUrl));
      return;
    }
    const module = await compile(source ?? wasmUrl);
    // Instantiated asynchronously: a page's main thread may refuse a large
    // synchronous one.
    const exports = await initGlue({ module_or_path: module });
    compiled = module;
    loadedWith(exports);
  })();
  // A failed load may be retried (e.g. after a network error).
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

/** Whether the core is loaded (init() has resolved, or initSync() returned). */
export function isReady() {
  return loaded;
}

/** The core's compiled module (null before it is loaded), which a worker loads with initSync(). @internal */
export function coreModule() {
  return compiled;
}

/**
 * Throws a clear error when the core is not loaded yet: the wasm-bindgen
 * glue would fail with "Cannot read properties of undefined". @internal
 * @param {string} what the API being used
 */
export function requireCore(what) {
  if (!loaded) {
    throw new Error(
      `wasi-web: ${what} needs the core, which is not loaded yet: call \`await init()\` (exported by wasi-web) first, ` +
        "or initSync(bytes). In Node importing wasi-web loads it; in a page run() and runInWorker() load it themselves.",
    );
  }
}

/** Resets the core's stack pointers; only when no call into the core is in progress. @internal */
export function resetCoreStack() {
  if (stackPointer !== null) stackPointer.value = stackTop;
  if (refStack !== null && refTable !== null && refStack.value !== refStackTop) {
    // The abandoned slots still hold the values they borrowed: let them go.
    for (let i = refStack.value; i < refStackTop; i++) refTable.set(i, undefined);
    refStack.value = refStackTop;
  }
}

// A server runtime loads the core now, synchronously (no top-level await):
// importing wasi-web there is all the set-up, as it always was. (The async
// glue init would probe `typeof Response`, which makes Node load its whole
// fetch stack.) Without process.getBuiltinModule (Node < 20.16), init()
// does it.
if (nodeFsSync() !== undefined) initSync();

// The core's classes: a MemFS's filesystem, one Preview 1 program, one
// Preview 2 component.
export { MemFsCore, Preview2Core, WasiCore };
