// Runs a WASI Preview 1 program and a WASI 0.2 component with wasi-web in
// Node, and on Node 24+ (JSPI) a WASI 0.3 component and a wasi:http client.
//   node main.js
import { readFileSync } from "node:fs";
import http from "node:http";
import { MemFS, run } from "wasi-web";

const wasm = (/** @type {string} */ name) => readFileSync(new URL(name, import.meta.url));

// A Preview 1 program, with a file in a MemFS it can see as /data.
const fs = new MemFS();
fs.mkdir("/data");
fs.writeFile("/data/note.txt", "from the host\n");
const hello = await run(wasm("hello.wasm"), { args: ["hello"], fs, preopens: { "/data": "/data" } });
process.stdout.write(`hello exited with ${hello.exitCode}: ${hello.stdout}`);

// A component: jco (installed next to wasi-web) transpiles it on first run.
const echo = await run(wasm("echo.wasm"), { args: ["echo"], stdin: "one\ntwo\n" });
process.stdout.write(`echo exited with ${echo.exitCode}:\n${echo.stdout}`);

// WASI 0.3 components and wasi:http wait for promises: they need JSPI.
if (typeof WebAssembly.Suspending === "function") {
  const hello3 = await run(wasm("hello3.wasm"), { args: ["hello3"] });
  process.stdout.write(`hello3 (WASI 0.3) exited with ${hello3.exitCode}: ${hello3.stdout}`);

  // A wasi:http client component fetching from a server of ours.
  const server = http.createServer((req, res) => res.end(`hi, ${req.method} ${req.url}`));
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const { port } = /** @type {import("node:net").AddressInfo} */ (server.address());
  const fetched = await run(wasm("fetch.wasm"), { args: ["fetch", "GET", `http://127.0.0.1:${port}/greeting`] });
  server.close();
  process.stdout.write(`fetch exited with ${fetched.exitCode}:\n${fetched.stdout}`);
} else {
  console.log("WASI 0.3 and wasi:http need JSPI: Node 24 or later");
}
