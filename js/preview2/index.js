// wasi-web/preview2: a WASI 0.2 host for components transpiled by jco, on
// the same core and MemFS as Preview 1.
// In a page, `await init()` before `new WASIp2()` (js/core.js).
export { init, initSync, isReady } from "../core.js";
export { ASYNC_EXPORTS, ASYNC_IMPORTS, buildImports, configure, MOUNT_ASYNC_IMPORTS, WASIp2 } from "./wasip2.js";
export { clearTranspileCache, isComponent, runComponent, transpileCacheStats, transpileComponent, transpileFiles } from "./run.js";
