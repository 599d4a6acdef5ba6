// Runs a WASI Preview 1 program and a WASI 0.2 component with wasi-web in Node.
//   node main.js
import { readFileSync } from "node:fs";
import { MemFS, run } from "wasi-web";

// A Preview 1 program, with a file in a MemFS it can see as /data.
const fs = new MemFS();
fs.mkdir("/data");
fs.writeFile("/data/note.txt", "from the host\n");
const hello = await run(readFileSync(new URL("hello.wasm", import.meta.url)), {
  args: ["hello"],
  fs,
  preopens: { "/data": "/data" },
});
process.stdout.write(`hello exited with ${hello.exitCode}: ${hello.stdout}`);

// A component: jco (installed next to wasi-web) transpiles it on first run.
const echo = await run(readFileSync(new URL("echo.wasm", import.meta.url)), { args: ["echo"], stdin: "one\ntwo\n" });
process.stdout.write(`echo exited with ${echo.exitCode}:\n${echo.stdout}`);
