// A tiny static HTTP server on 127.0.0.1 for the page: serves the repository
// root (js/, pkg/, node_modules/, bench/) read-only, nothing is cached.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";

const TYPES = {
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
  ".html": "text/html; charset=utf-8",
  ".json": "application/json",
};

/** @param {string} root */
export async function startServer(root) {
  const rootReal = fs.realpathSync(root);
  const server = http.createServer((req, res) => {
    const urlPath = decodeURIComponent(new URL(req.url, "http://x").pathname);
    const file = path.join(rootReal, urlPath);
    const send = (status, body, type) => {
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(body);
    };
    if (!file.startsWith(rootReal + path.sep)) return send(403, "forbidden", "text/plain");
    fs.readFile(file, (error, body) => {
      if (error) return send(404, "not found", "text/plain");
      send(200, body, TYPES[path.extname(file)] ?? "application/octet-stream");
    });
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
