// Loads the Rust core (pkg/, built by wasm-pack) once, with top-level await,
// so that importing wasi-web is all the set-up a user needs.
//
//   Node, Deno, Bun: the .wasm is read from disk next to this file.
//   Browsers:        the .wasm is fetched from the URL next to this file
//                    (compiled with streaming when served as application/wasm).
//
// No `node:` module is imported statically, so bundlers and browsers never see
// one: Node's fs comes from process.getBuiltinModule (Node >= 20.16) or a
// dynamic import that only runs under Node.
import init, { initSync, MemFsCore, Preview2Core, WasiCore } from "../pkg/wasi_web.js";

const wasmUrl = new URL("../pkg/wasi_web_bg.wasm", import.meta.url);

/**
 * @param {URL} url
 * @returns {Promise<Uint8Array<ArrayBuffer>>}
 */
async function readLocalFile(url) {
  const fs =
    globalThis.process?.getBuiltinModule?.("node:fs") ?? (await import(/* webpackIgnore: true */ /* @vite-ignore */ `${"node:"}fs`));
  return fs.readFileSync(url);
}

const isServerRuntime = wasmUrl.protocol === "file:" && typeof globalThis.process?.versions?.node === "string";

// On a server runtime compile the bytes synchronously: the async init()
// probes `typeof Response`, which makes Node load its whole fetch stack.
const exports = isServerRuntime ? initSync({ module: await readLocalFile(wasmUrl) }) : await init({ module_or_path: wasmUrl });

// The core's shadow-stack pointer (exported by build.rs) and its value now,
// when no call into the core is in progress: js/recovery.js puts it back
// after a trap inside the core left it lower.
// (wasm-bindgen's InitOutput does not list it: it is exported by build.rs.)
const exported = /** @type {{ __stack_pointer?: unknown }} */ (/** @type {unknown} */ (exports)).__stack_pointer;
const stackPointer = exported instanceof WebAssembly.Global ? exported : null;
const stackTop = stackPointer?.value;

/** Resets the core's stack pointer; only when no call into the core is in progress. @internal */
export function resetCoreStack() {
  if (stackPointer !== null) stackPointer.value = stackTop;
}

// The core's classes: a MemFS's filesystem, one Preview 1 program, one
// Preview 2 component.
export { MemFsCore, Preview2Core, WasiCore };
