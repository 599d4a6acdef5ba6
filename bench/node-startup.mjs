// Start-up in a fresh Node process: from the dynamic import() of the library
// to a host ready to instantiate a program. Prints {host, ms}.
//   node bench/node-startup.mjs wasi-web|shim
const host = process.argv[2];
const t0 = performance.now();
let ready;
if (host === "wasi-web") {
  const { WASI, MemFS } = await import("../js/index.js");
  const fs = new MemFS();
  fs.mkdir("/work");
  ready = new WASI({ args: ["x"], preopens: { "/work": "/work" }, fs, stdout: "buffer" }).getImportObject();
} else if (host === "shim") {
  const shim = await import("@bjorn3/browser_wasi_shim");
  const fds = [
    new shim.OpenFile(new shim.File([])),
    new shim.ConsoleStdout(() => {}),
    new shim.ConsoleStdout(() => {}),
    new shim.PreopenDirectory("/work", new Map()),
  ];
  ready = { wasi_snapshot_preview1: new shim.WASI(["x"], [], fds, { debug: false }).wasiImport };
} else if (host === "node") {
  process.removeAllListeners("warning");
  const { WASI } = await import("node:wasi");
  ready = new WASI({ version: "preview1", args: ["x"], preopens: { "/work": process.cwd() } }).getImportObject();
} else {
  throw new Error(`unknown host ${host}`);
}
const ms = performance.now() - t0;
if (typeof ready.wasi_snapshot_preview1.fd_write !== "function") throw new Error("not ready");
process.stdout.write(JSON.stringify({ host, ms }) + "\n");
