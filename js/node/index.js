// wasi-web/node: Node-only helpers (host directories ↔ MemFS).
export { fromHostDir, toHostDir } from "./host-dirs.js";
