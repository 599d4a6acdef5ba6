// wasi-web/node: Node-only helpers (host directories ↔ MemFS, serving a
// wasi:http handler component from a node:http server).
export { fromHostDir, toHostDir } from "./host-dirs.js";
export { hostFolder } from "./host-folder.js";

/**
 * A wasi:http handler component (0.2 incoming-handler or 0.3 handler) as a
 * node:http request listener, as `wasi-web serve` uses it. The HTTP host is
 * loaded on first call, so importing this entry stays light.
 * @param {Uint8Array} component
 * @param {Parameters<typeof import("../http/server.js").incomingHandler>[1]} [options]
 */
export async function incomingHandler(component, options) {
  const server = await import("../http/server.js");
  return server.incomingHandler(component, options);
}
