// `wasi-web serve COMPONENT [--addr HOST:PORT]`: serves a wasi:http
// incoming-handler component on a local port (js/http/server.js), until
// SIGINT or SIGTERM.
import http from "node:http";
import { incomingHandler } from "../http/server.js";
import { parseServeArgs, readProgram, SERVE_USAGE, UsageError } from "./cli-args.js";

/**
 * Runs `wasi-web serve` with the arguments after "serve"; resolves to the
 * exit code once the server is stopped by a signal.
 * @param {string[]} argv
 * @returns {Promise<number>}
 */
export async function serveMain(argv) {
  let options;
  try {
    options = parseServeArgs(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`wasi-web: ${error.message} (see wasi-web serve --help)\n`);
    return 2;
  }
  if ("help" in options) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  const bytes = readProgram(options.file);
  const handle = await incomingHandler(bytes, {
    env: options.env,
    maxBodySize: options.maxBodySize,
    bodyTimeoutMs: options.bodyTimeoutMs,
    args: [options.file],
    stdout: (chunk) => void process.stdout.write(chunk),
    stderr: (chunk) => void process.stderr.write(chunk),
  });
  const server = http.createServer((req, res) => {
    handle(req, res).catch((error) => {
      process.stderr.write(`wasi-web serve: ${error?.message ?? error}\n`);
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
  });
  // No count limit: Node would drop the headers past 2000 without a word;
  // its 16 KiB header size limit (431) bounds them instead.
  server.maxHeadersCount = 0;
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve(undefined));
  });
  const address = /** @type {import("node:net").AddressInfo} */ (server.address());
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  process.stderr.write(`Serving HTTP on http://${host}:${address.port}/\n`);
  return new Promise((resolve) => {
    const stop = () => {
      server.close(() => resolve(0));
      server.closeAllConnections();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
  });
}
