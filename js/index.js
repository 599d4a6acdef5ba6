// wasi-web: a WASI host (Preview 1 modules, WASI 0.2 components) for
// browsers and Node.
//
// No top-level await: in Node importing this module loads the Rust core
// synchronously; in a page `await init()` loads it (run() and runInWorker()
// call it themselves). See js/core.js.
export { init, initSync, isReady } from "./core.js";
export { MemFS } from "./memfs.js";
export { Stats } from "./stats.js";
export { WASI } from "./wasi.js";
export { OutputBuffer } from "./output-buffer.js";
export { run } from "./run.js";
export { StdinQueue } from "./stdin-queue.js";
export { pipeline } from "./pipeline.js";
export { runInWorker } from "./worker/run-in-worker.js";
export { checkModuleBytes, compileProgram, componentWasiVersion, detectWasiVersion } from "./module.js";
export { exportTree, importTree } from "./tree.js";
export { UrlProvider, urlMount, urlMountFromManifest } from "./providers/url.js";
export { OpfsProvider, opfsMount } from "./providers/opfs.js";
