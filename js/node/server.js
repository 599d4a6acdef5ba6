// A tiny static HTTP server on 127.0.0.1 for the browser runners: serves the
// package (js/, pkg/) and extra in-memory or on-disk files.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

/** @type {Record<string, string>} */
const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
  ".css": "text/css",
  ".txt": "text/plain; charset=utf-8",
};

export const BLANK_PAGE = "/__wasi-web/blank.html";

/**
 * @typedef {object} Server
 * @property {string} url its origin, `http://127.0.0.1:PORT`
 * @property {(urlPath: string, body: Uint8Array | string, options?: { file?: boolean }) => string} route
 *   serves `body` (bytes or text, or with `file: true` the host file at path `body`) at `urlPath`; returns its full URL
 * @property {(urlPath: string, handler: Handler) => string} handle
 *   answers any request to `urlPath` (query strings aside) with `handler`; returns its full URL
 * @property {() => Promise<void>} close
 */

/**
 * A dynamic route: gets the request, its body (empty for a GET) and
 * `send(status, body?)`, which answers with application/octet-stream.
 * @typedef {(req: import("node:http").IncomingMessage, body: Buffer, send: (status: number, body?: Uint8Array) => void) => void} Handler
 */

/**
 * @param {string} root directory served at "/"
 * @param {{ crossOriginIsolated?: boolean }} [options] send COOP/COEP (default
 *   true: worker mode needs SharedArrayBuffer); the benchmark turns it off so
 *   that both hosts it compares run in a plain page
 * @returns {Promise<Server>}
 */
export async function startServer(root, { crossOriginIsolated = true } = {}) {
  /** @type {Map<string, { body: Uint8Array | string, file?: boolean, type: string }>} */
  const routes = new Map([[BLANK_PAGE, { body: "<!doctype html><meta charset=utf-8><title>wasi-web</title>", type: TYPES[".html"] }]]);
  /** @type {Map<string, Handler>} */
  const handlers = new Map();
  const rootReal = fs.realpathSync(root);
  const server = http.createServer((req, res) => {
    // A request the server hands out always has its URL.
    const urlPath = decodeURIComponent(new URL(/** @type {string} */ (req.url), "http://x").pathname);
    /** @param {number} status @param {string | Uint8Array} body @param {string} type */
    const send = (status, body, type) => {
      res.writeHead(status, {
        "content-type": type,
        "cache-control": "no-store",
        // Cross-origin isolation: SharedArrayBuffer for worker mode.
        ...(crossOriginIsolated && {
          "cross-origin-opener-policy": "same-origin",
          "cross-origin-embedder-policy": "require-corp",
        }),
      });
      res.end(body);
    };
    const handler = handlers.get(urlPath);
    if (handler) {
      // Bodies are bytes, collected whole (the bridge's output chunks and archives).
      /** @type {Buffer[]} */
      const chunks = [];
      req.on("data", (/** @type {Buffer} */ d) => chunks.push(d));
      req.on("end", () =>
        handler(req, Buffer.concat(chunks), (status, body) => send(status, body ?? new Uint8Array(0), "application/octet-stream")),
      );
      return;
    }
    const route = routes.get(urlPath);
    if (route) {
      const body = typeof route.body === "string" && route.file ? fs.readFileSync(route.body) : route.body;
      return send(200, body, route.type);
    }
    const file = path.join(rootReal, urlPath);
    if (!file.startsWith(rootReal + path.sep)) return send(403, "forbidden", "text/plain");
    fs.readFile(file, (error, body) => {
      if (error) return send(404, "not found", "text/plain");
      send(200, body, TYPES[path.extname(file)] ?? "application/octet-stream");
    });
  });
  /** @type {Promise<void>} */
  const listening = new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  await listening;
  // Listening on a TCP port: the address is an AddressInfo.
  const url = `http://127.0.0.1:${/** @type {import("node:net").AddressInfo} */ (server.address()).port}`;
  return {
    url,
    /** Serves `body` (bytes, or a host file path with `file: true`) at `urlPath`; returns its full URL. */
    route(urlPath, body, { file = false } = {}) {
      routes.set(urlPath, { body, file, type: TYPES[path.extname(urlPath)] ?? "application/octet-stream" });
      return url + urlPath;
    },
    handle(urlPath, handler) {
      handlers.set(urlPath, handler);
      return url + urlPath;
    },
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
