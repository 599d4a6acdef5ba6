#!/usr/bin/env node
// Serves a built playground (npm run build:www → dist/www) over HTTP on 127.0.0.1.
//   node www/tools/serve.js             dist/www, page at /
//   node www/tools/serve.js DIR         another folder (any static folder works)
// PORT (default 8080; taken → any free port) and HOST (default 127.0.0.1).
// .wasm is served as application/wasm so that browsers compile it while it streams.
// (For development with hot reload: npx vite -c www/vite.config.js.)
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = fileURLToPath(new URL("../..", import.meta.url));

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/markdown; charset=utf-8",
  ".ts": "text/plain; charset=utf-8",
};

/**
 * @param {{ root?: string, port?: number, host?: string }} [options]
 *   root: the folder served at "/" (default dist/www)
 * @returns {Promise<{ url: string, pageUrl: string, close(): Promise<void> }>}
 */
export async function startPlaygroundServer({ root = path.join(REPO, "dist", "www"), port = 0, host = "127.0.0.1" } = {}) {
  const base = fs.realpathSync(root);
  const server = http.createServer((req, res) => {
    /** @param {number} status @param {string | Buffer} body @param {Record<string, string>} [headers] */
    const send = (status, body, headers = {}) => {
      res.writeHead(status, { "cache-control": "no-cache", "x-content-type-options": "nosniff", ...headers });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed", { allow: "GET, HEAD" });
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
    } catch {
      return send(400, "bad request");
    }
    let file = path.join(base, urlPath);
    if (file !== base && !file.startsWith(base + path.sep)) return send(403, "forbidden");
    fs.stat(file, (error, stat) => {
      if (!error && stat.isDirectory()) {
        if (!urlPath.endsWith("/")) return send(301, "", { location: `${urlPath}/` });
        file = path.join(file, "index.html");
      }
      fs.readFile(file, (readError, body) => {
        if (readError) return send(404, "not found", { "content-type": "text/plain; charset=utf-8" });
        send(200, body, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      });
    });
  });
  const listen = (/** @type {number} */ p) =>
    new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(p, host, () => {
        server.off("error", reject);
        resolve(undefined);
      });
    });
  try {
    await listen(port);
  } catch (error) {
    if (/** @type {NodeJS.ErrnoException} */ (error).code !== "EADDRINUSE" || port === 0) throw error;
    await listen(0);
  }
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const url = `http://${host}:${address.port}`;
  return {
    url,
    pageUrl: `${url}/`,
    close() {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const root = path.resolve(process.argv[2] ?? path.join(REPO, "dist", "www"));
  if (!fs.existsSync(path.join(root, "index.html"))) {
    console.error(`${path.relative(process.cwd(), root) || "."} has no index.html: run npm run build:www first`);
    process.exit(1);
  }
  const port = process.env.PORT ? Number(process.env.PORT) : 8080;
  const { pageUrl } = await startPlaygroundServer({ root, port, host: process.env.HOST ?? "127.0.0.1" });
  console.log(`wasi-web playground: ${pageUrl}`);
  console.log(`(serving ${root}; Ctrl+C stops)`);
}
