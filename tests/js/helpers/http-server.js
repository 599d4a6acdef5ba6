// The local HTTP server the wasi:http tests talk to (127.0.0.1, a free
// port). Every route answers CORS (so a page on another port may call it)
// except /nocors. Routes:
//   /hello        200 "hello world", x-test: yes
//   /status/N     status N
//   /redirect     302 to /hello (wasi:http does not follow it in Node)
//   /echo         the request body streamed back; x-method, x-seen-custom,
//                 x-req-chunked (1 when the body came chunked), x-req-length
//   /hang         never answers
//   /stall        sends "first", then nothing more
//   /reset        sends "partial", then cuts the connection
//   /trailers     "body" and a trailer x-trailer: done
//   /nocors       200 without CORS headers (with Cross-Origin-Resource-Policy:
//                 cross-origin, so a cross-origin-isolated page may still get
//                 an opaque no-cors response from it)
import http from "node:http";
import net from "node:net";

/** @returns {Promise<{ url: string, port: number, requests: {method: string, url: string, headers: object}[], close(): Promise<void> }>} */
export async function startHttpServer() {
  const requests = [];
  const server = http.createServer((req, res) => {
    requests.push({ method: req.method, url: req.url, headers: req.headers });
    if (req.url === "/nocors") res.setHeader("cross-origin-resource-policy", "cross-origin");
    else {
      res.setHeader("access-control-allow-origin", "*");
      res.setHeader("access-control-expose-headers", "*");
      if (req.method === "OPTIONS") {
        res.writeHead(204, { "access-control-allow-headers": "*", "access-control-allow-methods": "*" });
        res.end();
        return;
      }
    }
    const url = req.url ?? "/";
    if (url === "/hello" || url === "/nocors") {
      res.setHeader("x-test", "yes");
      res.end("hello world");
    } else if (url.startsWith("/status/")) {
      res.statusCode = Number(url.slice(8));
      res.end(`status ${res.statusCode}`);
    } else if (url === "/redirect") {
      res.writeHead(302, { location: "/hello" });
      res.end();
    } else if (url === "/echo") {
      res.writeHead(200, {
        "x-method": req.method,
        "x-seen-custom": req.headers["x-custom"] ?? "none",
        "x-req-chunked": req.headers["transfer-encoding"] === "chunked" ? "1" : "0",
        "x-req-length": req.headers["content-length"] ?? "none",
      });
      req.pipe(res);
    } else if (url === "/hang") {
      req.resume();
    } else if (url === "/stall") {
      res.writeHead(200);
      res.write("first");
    } else if (url === "/reset") {
      res.writeHead(200, { "content-length": "1000" });
      res.write("partial", () => setImmediate(() => res.socket?.destroy()));
    } else if (url === "/trailers") {
      res.writeHead(200, { trailer: "x-trailer" });
      res.write("body");
      res.addTrailers({ "x-trailer": "done" });
      res.end();
    } else {
      res.statusCode = 404;
      res.end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = /** @type {import("node:net").AddressInfo} */ (server.address()).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port on 127.0.0.1 nothing listens on (bound, then closed). */
export async function closedPort() {
  const s = net.createServer();
  await new Promise((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = /** @type {import("node:net").AddressInfo} */ (s.address()).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** FNV-1a 64 of `bytes`, as the fetch guest prints it ("body-fnv"). */
export function fnv(bytes) {
  let h = 0xcbf29ce484222325n;
  for (const b of bytes) h = BigInt.asUintN(64, (h ^ BigInt(b)) * 0x100000001b3n);
  return h.toString(16).padStart(16, "0");
}

/** The bytes the fetch guest's --gen N writes. */
export function generated(n) {
  return Uint8Array.from({ length: n }, (_, i) => i % 251);
}
