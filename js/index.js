// wasi-web: a WASI Preview 1 host for browsers and Node.
//
// Importing this module loads the Rust core (top-level await): there is no
// init() to call.
export { MemFS } from "./memfs.js";
export { Stats } from "./stats.js";
export { WASI } from "./wasi.js";
export { OutputBuffer } from "./output-buffer.js";
export { run } from "./run.js";
export { StdinQueue } from "./stdin-queue.js";
export { runInWorker } from "./worker/run-in-worker.js";
export { checkModuleBytes, compileProgram, detectWasiVersion } from "./module.js";
export { exportTree, importTree } from "./tree.js";
