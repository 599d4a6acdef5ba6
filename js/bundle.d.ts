// Types of the pre-bundled browser entry (dist/browser/wasi-web.js, `wasi-web/browser`):
// everything `wasi-web` and `wasi-web/preview2` export.
export * from "./index.js";
export * from "./preview2/index.js";
