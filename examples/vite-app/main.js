// A Vite app using wasi-web with no configuration: `vite build` bundles the
// core's .wasm as an asset and jco (for components) as a chunk of its own,
// loaded only when a component runs. hello.wasm, echo.wasm, hello3.wasm and
// fetch.wasm are in public/.
import { run, runInWorker } from "wasi-web";

const out = document.getElementById("out");

/** @param {string} url */
async function load(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

async function main() {
  // run() loads the core on first use: no init() needed for it.
  const hello = await run(await load("hello.wasm"), { args: ["hello"] });
  const echo = await run(await load("echo.wasm"), { args: ["echo"], stdin: "one\ntwo\n" });
  let text = `hello: ${hello.exitCode} ${hello.stdout}echo: ${echo.exitCode}\n${echo.stdout}`;
  // WASI 0.3 components and wasi:http wait for promises: they need JSPI (Chromium 137+).
  if (typeof WebAssembly.Suspending === "function") {
    const hello3 = await run(await load("hello3.wasm"), { args: ["hello3"] });
    // wasi:http goes through the page's fetch(), so CORS applies: ?url=… may
    // name another server that allows this page's origin.
    const url = new URLSearchParams(location.search).get("url") ?? new URL("greeting.txt", location.href).href;
    const fetched = await run(await load("fetch.wasm"), { args: ["fetch", "GET", url] });
    text += `hello3: ${hello3.exitCode} ${hello3.stdout}fetch: ${fetched.exitCode}\n${fetched.stdout}`;
  }
  // A Web Worker needs SharedArrayBuffer: a page served with
  // Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp.
  if (globalThis.crossOriginIsolated) {
    const inWorker = await runInWorker(await load("hello.wasm"), { args: ["hello"] });
    text += `worker: ${inWorker.exitCode} ${inWorker.stdout}`;
  }
  out.textContent = text;
  out.dataset.done = "ok";
}

main().catch((error) => {
  out.textContent = `failed: ${error?.stack ?? error}\ncause: ${error?.cause ?? ""}`;
  out.dataset.done = "error";
});
