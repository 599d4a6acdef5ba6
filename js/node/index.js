// wasi-web/node: Node-only helpers (host directories ↔ MemFS).
export { fromHostDir, toHostDir } from "./host-dirs.js";
export { hostFolder } from "./host-folder.js";
