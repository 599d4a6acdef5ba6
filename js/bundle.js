// The pre-bundled browser entry's source (scripts/bundle.mjs → dist/browser/wasi-web.js):
// everything `wasi-web` and `wasi-web/preview2` export, in one module.
export * from "./index.js";
export {
  ASYNC_EXPORTS,
  ASYNC_IMPORTS,
  buildImports,
  clearTranspileCache,
  configure,
  isComponent,
  MOUNT_ASYNC_IMPORTS,
  runComponent,
  transpileCacheStats,
  transpileComponent,
  transpileFiles,
  WASIp2,
} from "./preview2/index.js";
